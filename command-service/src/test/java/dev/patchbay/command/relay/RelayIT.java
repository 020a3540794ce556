package dev.patchbay.command.relay;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay publishes every stored event once.
 * <p>
 * The event store's global index is taken when a command appends its events, but the rows become visible only when
 * its wider transaction commits; so under concurrency commits land out of index order and the relay sees gaps that
 * fill later. This forces that on purpose and at length, while the relay is stopped and started again and again:
 * creates of some tenants append their events and then wait on their tenant's quota row (held by this test) while
 * other tenants' creates and updates commit above them; then the row is released. Afterwards every event of the
 * store is on the topic.
 * <p>
 * And a relay that dies after Kafka acknowledged a batch but before its token was stored publishes that batch again
 * when it comes back: the events it finds already on the topic beyond its stored positions are skipped.
 */
class RelayIT extends CommandServiceTestBase {

    private static final int ROUNDS = 12;
    private static final int HELD_CREATES_PER_ROUND = 3;
    private static final int FREE_WRITERS = 4;

    @Autowired
    org.axonframework.config.Configuration axon;

    @Autowired
    DataSource dataSource;

    @Test
    void everyEventReachesTheTopicThoughCommitsLandOutOfIndexOrderWhileTheRelayRestarts() throws Exception {
        var relay = axon.eventProcessingConfiguration()
                .eventProcessor(KafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                .orElseThrow();
        var tenants = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
        var pool = Executors.newFixedThreadPool(FREE_WRITERS + HELD_CREATES_PER_ROUND);
        var restarts = new AtomicInteger();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                // a tenant whose quota row exists, so that this test can hold it
                var held = TestTokens.newTenant();
                tenants.add(held);
                create(held, "first", "p");
                List<Future<?>> work = new ArrayList<>();
                try (Connection lock = dataSource.getConnection()) {
                    lock.setAutoCommit(false);
                    try (var statement = lock.prepareStatement(
                            "SELECT live_connections FROM tenant_usage WHERE tenant_id = ? FOR UPDATE")) {
                        statement.setString(1, held);
                        statement.executeQuery().close();
                    }
                    for (int i = 0; i < HELD_CREATES_PER_ROUND; i++) {
                        var name = "held-" + i;
                        work.add(pool.submit(() -> create(held, name, "p")));
                    }
                    awaitWaitingOnTheQuotaRow(HELD_CREATES_PER_ROUND);
                    for (int w = 0; w < FREE_WRITERS; w++) {
                        work.add(pool.submit(() -> {
                            var tenant = TestTokens.newTenant();
                            tenants.add(tenant);
                            var id = create(tenant, "free", "p");
                            update(tenant, id, "second");
                        }));
                    }
                    // the relay restarts while the held events are gaps below the ones committed meanwhile
                    Thread.sleep(150);
                    relay.shutDown();
                    relay.start();
                    restarts.incrementAndGet();
                    for (var future : work.subList(HELD_CREATES_PER_ROUND, work.size())) {
                        future.get(60, TimeUnit.SECONDS);
                    }
                    lock.rollback();
                }
                for (var future : work) {
                    future.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        var stored = storedVersions(tenants);
        assertThat(stored.values().stream().mapToInt(Set::size).sum())
                .as("events stored")
                .isEqualTo(ROUNDS * (1 + HELD_CREATES_PER_ROUND + 2 * FREE_WRITERS));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var onTopic = new TreeMap<String, Set<Long>>();
                    for (var record : records(Topics.CONNECTION_EVENTS.name(), stored::containsKey)) {
                        var sequence = new String(
                                record.headers().lastHeader("ce_sequence").value());
                        onTopic.computeIfAbsent(record.key(), k -> new TreeSet<>())
                                .add(Long.parseLong(sequence));
                    }
                    assertThat(onTopic).as("every stored version on the topic").isEqualTo(stored);
                });
        System.out.printf(
                "relay gaps: %d rounds, %d relay restarts, %d events stored and relayed%n",
                ROUNDS,
                restarts.get(),
                stored.values().stream().mapToInt(Set::size).sum());
    }

    @Test
    void aBatchPublishedButNotStoredIsNotPublishedAgain() throws Exception {
        var relay = axon.eventProcessingConfiguration()
                .eventProcessor(KafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                .orElseThrow();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            ids.add(create(TestTokens.newTenant(), "before", "p"));
        }
        awaitOnTopic(ids);
        relay.shutDown();
        // what the database holds at this point is what a crash after the next batches' acknowledgement leaves
        var token = jdbc.sql("SELECT token, tokenType FROM TokenEntry WHERE processorName = ?")
                .param(KafkaRelay.PROCESSING_GROUP)
                .query((rs, n) -> new Object[] {rs.getBytes(1), rs.getString(2)})
                .single();
        var positions = jdbc.sql("SELECT topic, partition, next_offset FROM relay_positions")
                .query((rs, n) -> new Object[] {rs.getString(1), rs.getInt(2), rs.getLong(3)})
                .list();
        relay.start();
        var republished = new ArrayList<String>();
        for (int i = 0; i < 6; i++) {
            republished.add(create(TestTokens.newTenant(), "acknowledged-not-stored", "p"));
        }
        awaitOnTopic(republished);
        relay.shutDown();
        jdbc.sql("UPDATE TokenEntry SET token = ?, tokenType = ? WHERE processorName = ?")
                .params(token[0], token[1], KafkaRelay.PROCESSING_GROUP)
                .update();
        jdbc.sql("DELETE FROM relay_positions").update();
        for (var position : positions) {
            jdbc.sql("INSERT INTO relay_positions (topic, partition, next_offset) VALUES (?, ?, ?)")
                    .params(position)
                    .update();
        }
        relay.start();
        var after = create(TestTokens.newTenant(), "after", "p");
        ids.addAll(republished);
        ids.add(after);
        awaitOnTopic(List.of(after));

        var onTopic = new TreeMap<String, List<Long>>();
        for (var record : records(Topics.CONNECTION_EVENTS.name(), ids::contains)) {
            onTopic.computeIfAbsent(record.key(), k -> new ArrayList<>())
                    .add(Long.parseLong(new String(
                            record.headers().lastHeader("ce_sequence").value())));
        }
        assertThat(onTopic)
                .hasSize(ids.size())
                .allSatisfy((id, versions) -> assertThat(versions)
                        .as("versions of %s on the topic", id)
                        .containsExactly(1L));
    }

    /** A relay that stops while the service runs (Axon stops it when its thread is interrupted) is started again. */
    @Test
    void aRelayThatStopsIsStartedAgainByItsWatchdog() {
        var relay = axon.eventProcessingConfiguration()
                .eventProcessor(KafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                .orElseThrow();
        relay.shutDown();
        var id = create(TestTokens.newTenant(), "while-stopped", "p");
        await().atMost(Duration.ofSeconds(30)).until(relay::isRunning);
        awaitOnTopic(List.of(id));
    }

    private void awaitOnTopic(List<String> ids) {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), ids::contains).stream()
                                .map(r -> r.key())
                                .distinct())
                        .hasSize(ids.size()));
    }

    private void update(String tenant, String id, String displayName) {
        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("display_name", displayName))
                .exchange()
                .expectStatus()
                .isOk();
    }

    private void awaitWaitingOnTheQuotaRow(int creates) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("SELECT count(*) FROM pg_stat_activity "
                                        + "WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO tenant_usage%' AND datname = "
                                        + "current_database()")
                                .query(Long.class)
                                .single()
                        >= creates);
    }

    private Map<String, Set<Long>> storedVersions(Set<String> tenants) {
        var stored = new TreeMap<String, Set<Long>>();
        jdbc.sql("SELECT aggregateIdentifier, sequenceNumber FROM DomainEventEntry")
                .query((rs, n) -> {
                    stored.computeIfAbsent(rs.getString(1), k -> new TreeSet<>())
                            .add(rs.getLong(2) + 1);
                    return null;
                })
                .list();
        // only this test's connections: other tests share the database
        var ours = new TreeMap<String, Set<Long>>();
        jdbc.sql("SELECT connection_id::text, tenant_id FROM live_connections")
                .query((rs, n) -> {
                    if (tenants.contains(rs.getString(2)) && stored.containsKey(rs.getString(1))) {
                        ours.put(rs.getString(1), stored.get(rs.getString(1)));
                    }
                    return null;
                })
                .list();
        return ours;
    }
}
