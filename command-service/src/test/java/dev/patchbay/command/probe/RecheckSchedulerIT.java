package dev.patchbay.command.probe;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scheduled re-checks on the real database and broker. */
class RecheckSchedulerIT extends CommandServiceTestBase {

    private static final Duration PERIOD = Duration.ofHours(6);
    private static final Rechecks.Periods PERIODS = Rechecks.Periods.of(PERIOD, Map.of());

    @Autowired
    Rechecks rechecks;

    @Autowired
    RecheckScheduler scheduler;

    @Autowired
    DataSource dataSource;

    @Test
    void twoInstancesLeasingTheSameDatabaseCheckEachDueConnectionOnce() throws Exception {
        var tenant = TestTokens.newTenant();
        var now = Instant.now();
        var due = new HashSet<UUID>();
        for (int i = 0; i < 300; i++) {
            var id = UUID.randomUUID();
            due.add(id);
            jdbc.sql("INSERT INTO health_rechecks (connection_id, tenant_id, next_check_at) VALUES (?, ?, ?)")
                    .params(id, tenant, Timestamp.from(now.minusSeconds(1 + i)))
                    .update();
        }
        var leased = new ConcurrentLinkedQueue<UUID>();
        var start = new CyclicBarrier(2);
        Callable<Void> instance = () -> {
            start.await();
            List<Rechecks.Due> batch;
            do {
                batch = rechecks.lease(now, PERIODS, 7);
                batch.forEach(one -> leased.add(one.connectionId().value()));
            } while (!batch.isEmpty());
            return null;
        };
        var pool = Executors.newFixedThreadPool(2);
        try {
            for (var done : pool.invokeAll(List.of(instance, instance))) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }

        var mine = new ArrayList<>(leased);
        mine.retainAll(due);
        assertThat(mine).hasSize(due.size()).doesNotHaveDuplicates();
        assertThat(rechecks.lease(now, PERIODS, 1000))
                .extracting(d -> d.connectionId().value())
                .doesNotContainAnyElementsOf(due);
        var next = jdbc.sql("SELECT min(next_check_at), max(next_check_at) FROM health_rechecks WHERE tenant_id = ?")
                .param(tenant)
                .query((rs, row) -> List.of(
                        rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()))
                .single();
        assertThat(next.get(0)).isAfterOrEqualTo(now.plus(PERIOD.multipliedBy(9).dividedBy(10)));
        assertThat(next.get(1))
                .isBeforeOrEqualTo(now.plus(PERIOD.multipliedBy(11).dividedBy(10)));
    }

    @Test
    void aDueConnectionIsCheckedByAnOrdinaryProbeRequestThatTakesNothingFromTheTenantsManualBudget() {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "rechecked", "pw-never-sent");
        scheduler.seed();
        var first = jdbc.sql("SELECT next_check_at FROM health_rechecks WHERE connection_id = ?")
                .param(UUID.fromString(id))
                .query(Timestamp.class)
                .single()
                .toInstant();
        assertThat(first).isBetween(Instant.now().minusSeconds(5), Instant.now().plus(PERIOD));

        jdbc.sql("UPDATE health_rechecks SET next_check_at = now() - interval '1 second' WHERE connection_id = ?")
                .param(UUID.fromString(id))
                .update();
        assertThat(scheduler.tick()).isPositive();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var requests = records(Topics.PROBE_REQUESTS.name(), id::equals).stream()
                    .map(r -> (ProbeRequested) CODEC.decode(r).orElseThrow())
                    .toList();
            assertThat(requests).singleElement().satisfies(request -> {
                assertThat(request.requestedBy()).isEqualTo(RecheckScheduler.ACTOR);
                assertThat(request.credentialVersion()).isEqualTo(1);
                assertThat(request.toString()).doesNotContain("pw-never-sent");
            });
        });
        assertThat(jdbc.sql("SELECT count(*) FROM probe_rate_buckets WHERE id = ?")
                        .param("tests:" + tenant)
                        .query(Long.class)
                        .single())
                .isZero();
        // leased and pushed a period on: the next round does not check it again
        assertThat(scheduler.tick()).isZero();
    }

    @Test
    void aTenantWithAPeriodOfItsOwnIsSeededAndLeasedByIt() {
        var fast = TestTokens.newTenant();
        var ordinary = TestTokens.newTenant();
        var fastId = create(fast, "fast", "p");
        var ordinaryId = create(ordinary, "ordinary", "p");
        var periods = Rechecks.Periods.of(PERIOD, Map.of(fast, Duration.ofMinutes(1)));
        var now = Instant.now();
        rechecks.seed(now, periods);
        assertThat(nextCheck(fastId)).isBetween(now, now.plusSeconds(60));

        jdbc.sql("UPDATE health_rechecks SET next_check_at = ? WHERE connection_id IN (?, ?)")
                .params(Timestamp.from(now.minusSeconds(1)), UUID.fromString(fastId), UUID.fromString(ordinaryId))
                .update();
        var leased = rechecks.lease(now, periods, 1000).stream()
                .map(due -> due.connectionId().value().toString())
                .toList();
        assertThat(leased).contains(fastId, ordinaryId);
        assertThat(nextCheck(fastId)).isBetween(now.plusSeconds(54), now.plusSeconds(66));
        assertThat(nextCheck(ordinaryId))
                .isBetween(
                        now.plus(PERIOD.multipliedBy(9).dividedBy(10)),
                        now.plus(PERIOD.multipliedBy(11).dividedBy(10)));
    }

    @Test
    void theRateBoundIsOneBucketForAllInstances() {
        var properties = new RecheckProperties(
                true, PERIOD, Map.of(), Map.of(), 3, Duration.ofMinutes(1), Duration.ofMinutes(1));
        jdbc.sql("DELETE FROM probe_rate_buckets WHERE id = ?")
                .param(RecheckRate.BUCKET)
                .update();
        var one = new RecheckRate(dataSource, properties);
        var other = new RecheckRate(dataSource, properties);
        var started = System.nanoTime();
        int taken = one.take(1000) + other.take(1000) + one.take(1000);
        double seconds = (System.nanoTime() - started) / 1e9;
        // what the bucket held, and what it refilled meanwhile at 3 a second
        assertThat(taken).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(3 + (int) Math.ceil(3 * seconds));

        one.giveBack(2);
        assertThat(other.take(2)).as("given back by the other instance").isEqualTo(2);
        jdbc.sql("DELETE FROM probe_rate_buckets WHERE id = ?")
                .param(RecheckRate.BUCKET)
                .update();
    }

    @Test
    void aDeletedConnectionIsDroppedFromTheSchedule() {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "short-lived", "pw");
        scheduler.seed();
        client().delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        scheduler.seed();
        assertThat(jdbc.sql("SELECT count(*) FROM health_rechecks WHERE connection_id = ?")
                        .param(UUID.fromString(id))
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void betweenFullPassesOnlyConnectionsCreatedSinceTheLastLookAreSeeded() {
        var tenant = TestTokens.newTenant();
        var recent = create(tenant, "created-just-now", "pw");
        var older = create(tenant, "created-long-ago", "pw");
        // as if created two hours ago and without a row: only a full pass over live_connections gives it one
        jdbc.sql("UPDATE live_connections SET created_at = now() - interval '2 hours' WHERE connection_id = ?")
                .param(UUID.fromString(older))
                .update();
        jdbc.sql("DELETE FROM health_rechecks WHERE connection_id IN (?, ?)")
                .params(UUID.fromString(recent), UUID.fromString(older))
                .update();

        scheduler.seedNew(Instant.now().minus(RecheckScheduler.NEW_SINCE_MARGIN));
        assertThat(rows(recent)).as("a connection created since the last look").isOne();
        assertThat(rows(older))
                .as("a connection created before it, left to the full pass")
                .isZero();

        scheduler.seed();
        assertThat(rows(older)).as("after the full pass").isOne();
        assertThat(nextCheck(older))
                .isBetween(Instant.now().minusSeconds(5), Instant.now().plus(PERIOD));
    }

    private long rows(String connectionId) {
        return jdbc.sql("SELECT count(*) FROM health_rechecks WHERE connection_id = ?")
                .param(UUID.fromString(connectionId))
                .query(Long.class)
                .single();
    }

    private Instant nextCheck(String connectionId) {
        return jdbc.sql("SELECT next_check_at FROM health_rechecks WHERE connection_id = ?")
                .param(UUID.fromString(connectionId))
                .query(Timestamp.class)
                .single()
                .toInstant();
    }
}
