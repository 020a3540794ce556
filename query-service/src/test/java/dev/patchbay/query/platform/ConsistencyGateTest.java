package dev.patchbay.query.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.consistency.ConsistencyTokens;
import dev.patchbay.platform.web.ApiException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsistencyGateTest {

    private static final TenantId TENANT = TenantId.of("t-gate");
    private static final ConnectionId ID = new ConnectionId(UUID.randomUUID());
    private static final ConsistencyTokens TOKENS = new ConsistencyTokens(new byte[32], Clock.systemUTC());
    private static final String TOKEN_V2 = TOKENS.issue(TENANT, new ConsistencyToken(ID, 2));

    private final AtomicInteger polls = new AtomicInteger();

    @Test
    void withoutATokenThereIsNothingToWaitFor() {
        var gate = new ConsistencyGate(
                (tenant, id) -> Mono.error(new AssertionError("not asked")), TOKENS, Duration.ofMillis(200));

        gate.awaitApplied(TENANT, null).block(Duration.ofSeconds(1));
    }

    @Test
    void anAppliedVersionAtOrAboveTheTokensOpensTheGateAtTheFirstPoll() {
        var gate = new ConsistencyGate(versions(3, 0), TOKENS, Duration.ofMillis(200));

        gate.awaitApplied(TENANT, TOKEN_V2).block(Duration.ofSeconds(1));

        assertThat(polls).hasValue(1);
    }

    @Test
    void theGatePollsUntilTheVersionIsApplied() {
        var gate = new ConsistencyGate(versions(2, 4), TOKENS, Duration.ofSeconds(2));

        gate.awaitApplied(TENANT, TOKEN_V2).block(Duration.ofSeconds(3));

        assertThat(polls).hasValue(5);
    }

    @Test
    void anOlderVersionKeepsTheReadWaitingUntilItRunsOutWith503AndRetryAfter() {
        var gate = new ConsistencyGate(versions(1, 0), TOKENS, Duration.ofMillis(150));
        var started = System.nanoTime();

        assertThatThrownBy(() -> gate.awaitApplied(TENANT, TOKEN_V2).block(Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ApiException.class, ex -> {
                    assertThat(ex.code()).isEqualTo(ProblemCode.NOT_YET_CONSISTENT);
                    assertThat(ex.headers()).containsEntry("Retry-After", "1");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(polls.get()).isBetween(3, 20);
    }

    @Test
    void aTokenSignedWithAnotherKeyOrForAnotherTenantIsRefusedBeforeAnyPoll() {
        var gate = new ConsistencyGate(versions(5, 0), TOKENS, Duration.ofMillis(100));
        var anotherKey = new byte[32];
        anotherKey[0] = 1;

        for (var token : new String[] {
            new ConsistencyTokens(anotherKey, Clock.systemUTC()).issue(TENANT, new ConsistencyToken(ID, 2)),
            TOKENS.issue(TenantId.of("t-other"), new ConsistencyToken(ID, 2))
        }) {
            assertThatThrownBy(() -> gate.awaitApplied(TENANT, token).block())
                    .isInstanceOfSatisfying(
                            ApiException.class, ex -> assertThat(ex.code()).isEqualTo(ProblemCode.VALIDATION_FAILED));
        }
        assertThat(polls).hasValue(0);
    }

    @Test
    void aMalformedTokenIsAValidationProblemOnTheHeader() {
        var gate = new ConsistencyGate(versions(1, 0), TOKENS, Duration.ofMillis(100));

        assertThatThrownBy(() -> gate.awaitApplied(TENANT, "v1:garbage").block())
                .isInstanceOfSatisfying(ApiException.class, ex -> {
                    assertThat(ex.code()).isEqualTo(ProblemCode.VALIDATION_FAILED);
                    assertThat(ex.errors())
                            .singleElement()
                            .satisfies(error -> assertThat(error.location()).isEqualTo("header.Consistency-Token"));
                });
        assertThat(polls).hasValue(0);
    }

    @Test
    void pollsBackOffFromTenToTwentyFiveMilliseconds() {
        assertThat(ConsistencyGate.pause(0)).isEqualTo(Duration.ofMillis(10));
        assertThat(ConsistencyGate.pause(1)).isEqualTo(Duration.ofMillis(15));
        assertThat(ConsistencyGate.pause(3)).isEqualTo(Duration.ofMillis(25));
        assertThat(ConsistencyGate.pause(1_000)).isEqualTo(Duration.ofMillis(25));
    }

    /** The projection at {@code version} once {@code pollsBefore} polls have found nothing. */
    private AppliedVersions versions(long version, int pollsBefore) {
        return (tenant, id) -> Mono.fromSupplier(() -> polls.incrementAndGet() > pollsBefore ? version : null);
    }
}
