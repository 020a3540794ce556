package dev.patchbay.command.connection;

import dev.patchbay.command.connection.DetailsPatch.Field;
import dev.patchbay.command.connection.LiveConnections.Live;
import dev.patchbay.command.platform.CommittedEventStore;
import dev.patchbay.command.platform.CredentialExpiries;
import dev.patchbay.command.platform.DatabaseWork;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * How a write travels: validated; a new credential sealed, for the destination the connection will then have,
 * before anything else touches it; then one PostgreSQL
 * transaction that locks (or claims) the connection's row, writes or destroys the vault rows, and appends the
 * aggregate's events. Nothing here talks to Kafka: the relay does, after the commit. A refusal of the domain is
 * thrown as its rejection ({@link ConnectionNotFound}, {@link VersionMismatch}, ...), which rolls the transaction
 * back; {@link ConnectionProblems} says it in HTTP.
 */
@Service
class ConnectionCommands {

    private final ConnectionRequestRules rules;
    private final Vault vault;
    private final LiveConnections live;
    private final SealedSecretStore secrets;
    private final TenantUsage usage;
    private final QuotaProperties quota;
    private final CommandGateway gateway;
    private final TransactionTemplate transactions;
    private final CommittedEventStore eventStore;
    private final Clock clock;
    private final DatabaseWork database;
    private final CandidateChecks candidates;
    private final ConnectionLookup lookup;
    private final CredentialExpiries expiries;

    ConnectionCommands(
            ConnectionRequestRules rules,
            Vault vault,
            LiveConnections live,
            SealedSecretStore secrets,
            TenantUsage usage,
            QuotaProperties quota,
            CommandGateway gateway,
            TransactionTemplate transactions,
            CommittedEventStore eventStore,
            Clock clock,
            DatabaseWork database,
            CandidateChecks candidates,
            ConnectionLookup lookup,
            CredentialExpiries expiries) {
        this.expiries = expiries;
        this.candidates = candidates;
        this.rules = rules;
        this.vault = vault;
        this.live = live;
        this.secrets = secrets;
        this.usage = usage;
        this.quota = quota;
        this.gateway = gateway;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.clock = clock;
        this.database = database;
        this.lookup = lookup;
    }

    Mono<CommandResult> create(Caller caller, CreateConnectionRequest request) {
        return blocking(() -> store(caller, request, seal(caller, request, false)));
    }

    /**
     * A create tested first (test before store): the candidate is checked live, its credential sealed for that
     * check only (purpose {@code candidate}, under the id the connection will have); a healthy one is stored as any
     * create, with the check's result as its health, and an unhealthy one is 422 with nothing kept. The credential
     * is sealed for the connection too before the check, so that its plaintext is gone before anything is sent.
     */
    Mono<CommandResult> createTested(Caller caller, CreateConnectionRequest request) {
        return blocking(() -> {
                    var prepared = seal(caller, request, true);
                    if (live.taken(caller.tenant(), prepared.valid().scopeKey(), request.configName())) {
                        throw duplicate(request.configName());
                    }
                    return prepared;
                })
                .flatMap(prepared -> candidates
                        .check(
                                caller,
                                prepared.id(),
                                prepared.valid(),
                                request,
                                prepared.candidate(),
                                prepared.candidateCiphertext())
                        .flatMap(result -> {
                            if (!result.healthy()) {
                                return Mono.error(CandidateChecks.unhealthy(result));
                            }
                            return blocking(() -> store(caller, request, prepared))
                                    .map(outcome -> new CommandResult(
                                            CandidateChecks.withHealth(outcome.connection(), result),
                                            outcome.changed()));
                        }));
    }

    /**
     * A create's credential, sealed for the connection and, for a test before store, for its candidate check: both
     * under the id the connection will have.
     */
    record Sealed(
            ConnectionId id,
            ConnectionRequestRules.ValidCreate valid,
            SealingContext context,
            byte[] ciphertext,
            CredentialInfo info,
            SealingContext candidate,
            byte[] candidateCiphertext) {

        @Override
        public String toString() {
            return "Sealed(" + id + ")";
        }
    }

    /** Validates the request and seals its credential, which is closed (wiped) when this returns. */
    private Sealed seal(Caller caller, CreateConnectionRequest request, boolean forCandidate) {
        try (var credential = request.credential()) {
            var valid = rules.checkCreate(request);
            var now = now();
            var id = ConnectionIds.next(now);
            var destination =
                    Destination.of(valid.type().configOutsideDestination(), valid.baseUrl(), request.config());
            var context = SealingContext.credential(caller.tenant(), id, 1, destination);
            byte[] sealed = vault.seal(credential, context);
            var expiresAt = CredentialExpiry.of(credential, now);
            var info = new CredentialInfo(
                    List.copyOf(credential.fieldNames()), 1, vault.fingerprint(credential), now, expiresAt);
            var candidate = forCandidate ? SealingContext.candidate(caller.tenant(), id, destination) : null;
            return new Sealed(
                    id,
                    valid,
                    context,
                    sealed,
                    info,
                    candidate,
                    forCandidate ? vault.seal(credential, candidate) : null);
        }
    }

    private CommandResult store(Caller caller, CreateConnectionRequest request, Sealed sealed) {
        var valid = sealed.valid();
        var id = sealed.id();
        var now = now();
        var command = new CreateConnection(
                id,
                caller.tenant(),
                caller.subject(),
                now,
                valid.type().vendor(),
                valid.type().category(),
                request.configName(),
                request.displayName(),
                valid.baseUrl(),
                request.accountRef(),
                request.config(),
                valid.scope(),
                request.workspaceId(),
                request.endUserId(),
                request.metadata(),
                sealed.info());
        try {
            return inTransaction(() -> {
                live.claim(
                        caller.tenant(),
                        valid.scopeKey(),
                        request.configName(),
                        valid.type().vendor(),
                        valid.type().category(),
                        id,
                        now);
                secrets.store(sealed.context(), sealed.ciphertext(), vault.keyName(), now);
                CommandResult outcome = gateway.sendAndWait(command);
                live.describe(outcome.connection());
                expiries.track(caller.tenant(), outcome.connection());
                // Last, so that the tenant's counter row is locked for as short a time as possible.
                if (!usage.admitOneMore(caller.tenant(), quota.connectionsPerTenant())) {
                    throw new ApiException(
                            ProblemCode.QUOTA_EXCEEDED,
                            "This tenant already holds " + quota.connectionsPerTenant()
                                    + " live connections, its quota.");
                }
                return outcome;
            });
        } catch (DuplicateKeyException taken) {
            throw duplicate(request.configName());
        }
    }

    private static ApiException duplicate(String configName) {
        return new ApiException(
                ProblemCode.DUPLICATE_CONFIG_NAME,
                "A live connection named '" + configName + "' already exists in this scope.",
                List.of(new FieldProblem("body.config_name", "is taken by a live connection", configName)));
    }

    /**
     * Updates descriptive fields and/or rotates the credential. The body's credential has been taken out of it and
     * arrives apart, as a {@link Credential}.
     */
    Mono<CommandResult> update(
            Caller caller, ConnectionId id, Map<String, Object> body, Credential credential, Long expectedVersion) {
        return blocking(() -> {
            try (credential) {
                return onLive(caller, id, connection -> {
                    var valid = rules.checkUpdate(body, credential, connection.vendor());
                    var changes = valid.changes();
                    var destination = destinationAfter(caller, id, valid.type(), changes, credential != null);
                    var now = now();
                    CredentialInfo rotated = null;
                    if (credential != null) {
                        var expiresAt = CredentialExpiry.of(credential, now);
                        int version = connection.credentialVersion() + 1;
                        var context = SealingContext.credential(caller.tenant(), id, version, destination);
                        secrets.store(context, vault.seal(credential, context), vault.keyName(), now);
                        secrets.destroyBefore(id, SealingContext.CREDENTIAL, version);
                        // a refresher's renewal of a credential this replaces is never promoted
                        secrets.destroyStagedUpTo(id, version);
                        live.credentialVersion(id, version);
                        rotated = new CredentialInfo(
                                List.copyOf(credential.fieldNames()),
                                version,
                                vault.fingerprint(credential),
                                now,
                                expiresAt);
                    }
                    CommandResult outcome = gateway.sendAndWait(new UpdateConnection(
                            id, caller.tenant(), caller.subject(), now, expectedVersion, changes, rotated));
                    live.describe(outcome.connection());
                    if (rotated != null) {
                        expiries.track(caller.tenant(), outcome.connection());
                    }
                    return outcome;
                });
            }
        });
    }

    /**
     * Where the connection's credential will be sent once this update is applied; null when the update cannot
     * change it and brings no credential. A change of the destination without a new credential is refused
     * (PBAY-0010): the stored credential was sealed for where the connection pointed, and goes nowhere else.
     */
    private Destination destinationAfter(
            Caller caller, ConnectionId id, ConnectorTypeRegistered type, DetailsPatch changes, boolean newCredential) {
        boolean routing = changes.names(Field.BASE_URL) || changes.names(Field.CONFIG);
        if (!routing && !newCredential) {
            return null;
        }
        var outside = type.configOutsideDestination();
        var current = lookup.current(caller.tenant(), id);
        var after = changes.applyTo(ConnectionDetails.of(current));
        var destination = Destination.of(outside, after.baseUrl(), after.config());
        var before = Destination.of(outside, current.baseUrl(), current.config());
        if (!newCredential && current.status() != ConnectionResource.Status.REVOKED && !destination.equals(before)) {
            var moving = new ArrayList<Field>();
            if (!Destination.of(outside, after.baseUrl(), current.config()).equals(before)) {
                moving.add(Field.BASE_URL);
            }
            if (!Destination.of(outside, current.baseUrl(), after.config()).equals(before)) {
                moving.add(Field.CONFIG);
            }
            throw new NewCredentialIsRequired(moving);
        }
        return destination;
    }

    Mono<CommandResult> revoke(Caller caller, ConnectionId id, Long expectedVersion) {
        return blocking(() -> onLive(caller, id, connection -> {
            CommandResult outcome = gateway.sendAndWait(
                    new RevokeConnection(id, caller.tenant(), caller.subject(), now(), expectedVersion));
            secrets.destroy(id, SealingContext.CREDENTIAL);
            secrets.destroyStaged(id);
            live.status(id, "revoked");
            expiries.forget(id);
            return outcome;
        }));
    }

    Mono<WebhookSecretAnswer> setWebhookSecret(Caller caller, ConnectionId id, Credential secret) {
        return blocking(() -> {
            try (secret) {
                ConnectionRequestRules.checkWebhookSecret(secret);
                var fingerprint = vault.fingerprint(secret);
                var outcome = onLive(caller, id, connection -> {
                    int version = connection.webhookSecretVersion() + 1;
                    var now = now();
                    var context = new SealingContext(caller.tenant(), id, version, SealingContext.WEBHOOK_SECRET);
                    secrets.store(context, vault.seal(secret, context), vault.keyName(), now);
                    secrets.destroyBefore(id, SealingContext.WEBHOOK_SECRET, version);
                    live.webhookSecretVersion(id, version);
                    return gateway.<CommandResult>sendAndWait(
                            new SetWebhookSecret(id, caller.tenant(), caller.subject(), now, version, fingerprint));
                });
                return new WebhookSecretAnswer(outcome, fingerprint);
            }
        });
    }

    /** The answer to setting a webhook secret: the outcome, and the fingerprint of the new secret. */
    record WebhookSecretAnswer(CommandResult outcome, String fingerprint) {}

    Mono<CommandResult> delete(Caller caller, ConnectionId id, Long expectedVersion) {
        return blocking(() -> onLive(caller, id, connection -> {
            CommandResult outcome = gateway.sendAndWait(
                    new DeleteConnection(id, caller.tenant(), caller.subject(), now(), expectedVersion));
            live.release(id);
            secrets.destroyAll(id);
            expiries.forget(id);
            usage.oneLess(caller.tenant());
            return outcome;
        }));
    }

    /** Runs a command on a live connection of the caller's tenant, its row locked until the transaction ends. */
    private CommandResult onLive(Caller caller, ConnectionId id, Function<Live, CommandResult> command) {
        return inTransaction(
                () -> command.apply(live.lock(caller.tenant(), id).orElseThrow(() -> new ConnectionNotFound(id))));
    }

    private <T> T inTransaction(Callable<T> work) {
        T result = transactions.execute(status -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        eventStore.committed();
        return result;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private <T> Mono<T> blocking(Callable<T> work) {
        return database.run(work);
    }
}
