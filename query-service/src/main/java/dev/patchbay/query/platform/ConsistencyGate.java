package dev.patchbay.query.platform;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.consistency.ConsistencyTokens;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Read-your-writes: a read that carries the {@code Consistency-Token} of a command response waits until the read
 * table holds that connection at that version or later, at most {@code patchbay.query.consistency-wait}.
 * <p>
 * It polls the table rather than waiting for an in-memory signal on purpose: the partition of that connection may
 * be consumed by another instance. Polls start at once and back off from 10 to 25 ms; nothing blocks a thread.
 * <p>
 * Only a token that command-service signed for this tenant is waited for ({@link ConsistencyTokens}): any other,
 * forged, altered, another tenant's or issued in the future, is a 400 at once, before any poll, so that no caller can
 * make the service poll the database for a write that never happened.
 */
public final class ConsistencyGate {

    public static final String HEADER = "Consistency-Token";

    private static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    private static final Duration LONGEST_PAUSE = Duration.ofMillis(25);

    private final AppliedVersions versions;
    private final ConsistencyTokens tokens;
    private final Duration maxWait;

    public ConsistencyGate(AppliedVersions versions, ConsistencyTokens tokens, Duration maxWait) {
        this.versions = versions;
        this.tokens = tokens;
        this.maxWait = maxWait;
    }

    /**
     * Completes when the write the token stands for is visible to this tenant's reads; at once when there is no
     * token. Fails with 400 at once for a token this tenant was not issued, and with 503 and {@code Retry-After} when
     * the wait runs out.
     */
    public Mono<Void> awaitApplied(TenantId tenant, String header) {
        if (header == null) {
            return Mono.empty();
        }
        var token = tokens.verify(tenant, header).orElse(null);
        if (token == null) {
            return Mono.error(new ApiException(
                    ProblemCode.VALIDATION_FAILED,
                    "The Consistency-Token header is not one that Patchbay issued; send it as a command response "
                            + "returned it, or leave it out.",
                    List.of(FieldProblem.of("header." + HEADER, "is not a valid consistency token"))));
        }
        return Mono.defer(() -> versions.appliedVersion(tenant, token.connectionId()))
                .filter(applied -> applied >= token.version())
                .repeatWhenEmpty(polls -> polls.concatMap(poll -> Mono.delay(pause(poll))))
                .timeout(maxWait, Mono.error(() -> notYetConsistent()))
                .then();
    }

    static Duration pause(long poll) {
        var pause = FIRST_PAUSE.plusMillis(5 * poll);
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

    private ApiException notYetConsistent() {
        return new ApiException(
                ProblemCode.NOT_YET_CONSISTENT,
                "Your write is not readable yet (waited " + maxWait.toMillis() + " ms); retry shortly.",
                List.of(),
                Map.of("Retry-After", "1"));
    }
}
