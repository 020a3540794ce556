package dev.patchbay.command.connection;

import dev.patchbay.command.platform.CandidateTests;
import dev.patchbay.command.platform.DatabaseWork;
import dev.patchbay.command.platform.LiveChecks;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConnectionResource.Health;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;

/**
 * Live checks of candidates: connections that are not stored (yet). The candidate's credential is sealed for its
 * destination under purpose {@code candidate} and an id of its own, stored in the vault for the one check (the
 * probe worker reads that row, as it reads any credential: nothing secret rides on Kafka), and destroyed when the
 * check ends, whatever its end; a row whose check never ended is destroyed by {@link CandidateSweep}.
 */
@Service
class CandidateChecks implements CandidateTests {

    private static final Logger log = LoggerFactory.getLogger(CandidateChecks.class);

    /**
     * The name a test-only candidate without a config_name is validated with: a name is only claimed by a create,
     * so none is needed to test, but the create's rules are applied whole.
     */
    private static final String UNNAMED = "candidate";

    private final ConnectionRequestRules rules;
    private final Vault vault;
    private final SealedSecretStore secrets;
    private final LiveChecks checks;
    private final DatabaseWork database;
    private final Clock clock;

    CandidateChecks(
            ConnectionRequestRules rules,
            Vault vault,
            SealedSecretStore secrets,
            LiveChecks checks,
            DatabaseWork database,
            Clock clock) {
        this.rules = rules;
        this.vault = vault;
        this.secrets = secrets;
        this.checks = checks;
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Mono<Tested> test(Caller caller, Candidate candidate) {
        var request = new CreateConnectionRequest(
                candidate.vendor(),
                candidate.configName() == null ? UNNAMED : candidate.configName(),
                candidate.credential(),
                null,
                candidate.baseUrl(),
                candidate.config(),
                null,
                candidate.scope(),
                candidate.workspaceId(),
                candidate.endUserId(),
                candidate.metadata());
        return database.run(() -> {
                    try (var credential = request.credential()) {
                        var valid = rules.checkCreate(request);
                        var id = ConnectionIds.next(clock.instant());
                        var context = SealingContext.candidate(
                                caller.tenant(),
                                id,
                                Destination.of(
                                        valid.type().configOutsideDestination(), valid.baseUrl(), request.config()));
                        return new SealedCandidate(id, valid, context, vault.seal(credential, context));
                    }
                })
                .flatMap(prepared -> check(
                                caller,
                                prepared.id(),
                                prepared.valid(),
                                request,
                                prepared.context(),
                                prepared.ciphertext())
                        .map(result -> new Tested(
                                prepared.id(), prepared.valid().type().vendor(), result)));
    }

    private record SealedCandidate(
            ConnectionId id, ConnectionRequestRules.ValidCreate valid, SealingContext context, byte[] ciphertext) {

        @Override
        public String toString() {
            return "SealedCandidate(" + id + ")";
        }
    }

    /**
     * Stores the candidate's sealed credential, has it checked, and destroys it when the check ends: with its
     * result, an error, or the caller gone.
     */
    Mono<ProbeCompleted> check(
            Caller caller,
            ConnectionId id,
            ConnectionRequestRules.ValidCreate valid,
            CreateConnectionRequest request,
            SealingContext context,
            byte[] ciphertext) {
        return Mono.usingWhen(
                database.run(() -> {
                    secrets.store(context, ciphertext, vault.keyName(), clock.instant());
                    return id;
                }),
                stored -> checks.checkCandidate(
                        caller,
                        id,
                        valid.type().vendor(),
                        valid.type().category(),
                        valid.baseUrl(),
                        request.config(),
                        request.metadata()),
                stored -> database.run(() -> secrets.destroy(id, SealingContext.CANDIDATE))
                        .onErrorResume(RuntimeException.class, failed -> {
                            // The sweep destroys it within patchbay.probe.candidate-lifetime.
                            log.warn(
                                    "The candidate row of {} was not destroyed after its check: {}",
                                    id,
                                    failed.getClass().getName());
                            return Mono.empty();
                        }));
    }

    /** 422: the candidate failed its check; the probe's code and message, never anything of the credential. */
    static ApiException unhealthy(ProbeCompleted result) {
        var code = result.error() == null ? "unhealthy" : result.error().code();
        var message = result.error() == null
                ? "The check did not pass."
                : result.error().message();
        return new ApiException(
                ProblemCode.CANDIDATE_UNHEALTHY,
                "The connection failed its live check (" + code + "), so nothing was stored.",
                List.of(new FieldProblem("check", message, code)));
    }

    /** The connection as created, with the health its check before store found. */
    static ConnectionResource withHealth(ConnectionResource c, ProbeCompleted result) {
        var health = new Health(
                result.healthy() ? "healthy" : "unhealthy",
                result.checkedAt(),
                result.latencyMs(),
                result.error(),
                result.checkedAt());
        return new ConnectionResource(
                c.id(),
                c.vendor(),
                c.category(),
                c.configName(),
                c.displayName(),
                c.baseUrl(),
                c.accountRef(),
                c.config(),
                c.scope(),
                c.workspaceId(),
                c.endUserId(),
                c.metadata(),
                c.status(),
                c.credential(),
                health,
                c.version(),
                c.createdAt(),
                c.updatedAt(),
                c.createdBy(),
                c.updatedBy());
    }
}
