package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Probe results, as a worker publishes them, through the real path: command-service records each on the connection,
 * the aggregate emits {@code ConnectionHealthChanged} only on a change, the relay puts it on the connections topic.
 */
class HealthChangesIT extends CommandServiceTestBase {

    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00.000Z");
    private static final ProbeError REFUSED = new ProbeError("credentials_rejected", "The server refused the login.");

    @Test
    void aHealthChangeIsExactlyOneEventOnTheTopicAndARepeatedResultIsNone() throws Exception {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "watched", "pw-never-in-an-event");

        publish(result(tenant, id, true, null, T0));
        publish(result(tenant, id, true, null, T0.plusSeconds(60)));
        publish(result(tenant, id, true, null, T0.plusSeconds(120)));
        publish(result(tenant, id, false, REFUSED, T0.plusSeconds(180)));
        publish(result(tenant, id, false, REFUSED, T0.plusSeconds(240)));
        publish(result(tenant, id, true, null, T0.plusSeconds(300)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var changes = healthChanges(id);
            assertThat(changes).hasSize(3);
            assertThat(changes)
                    .extracting(ConnectionHealthChanged::state)
                    .containsExactly("healthy", "unhealthy", "healthy");
            assertThat(changes)
                    .extracting(ConnectionHealthChanged::occurredAt)
                    .containsExactly(T0, T0.plusSeconds(180), T0.plusSeconds(300));
            assertThat(changes.get(1).error()).isEqualTo(REFUSED);
            assertThat(changes.get(2).previousErrorCode()).isEqualTo("credentials_rejected");
            assertThat(changes).extracting(ConnectionHealthChanged::version).containsExactly(2L, 3L, 4L);
        });
        var records = records(Topics.CONNECTION_EVENTS.name(), id::equals);
        assertThat(records)
                .filteredOn(r -> "dev.patchbay.connection.health-changed.v1"
                        .equals(EventCodec.header(r.headers(), CloudEvents.TYPE)))
                .hasSize(3)
                .allSatisfy(r -> assertThat(new String(r.value())).doesNotContain("pw-never-in-an-event"));
        // the same results again (a redelivery, or a late copy) change nothing: the change after them, on the same
        // partition and so recorded after them, is the fourth event
        publish(result(tenant, id, true, null, T0.plusSeconds(300)));
        publish(result(tenant, id, false, REFUSED, T0.plusSeconds(180)));
        publish(result(tenant, id, false, REFUSED, T0.plusSeconds(360)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(healthChanges(id))
                        .extracting(ConnectionHealthChanged::occurredAt)
                        .containsExactly(T0, T0.plusSeconds(180), T0.plusSeconds(300), T0.plusSeconds(360)));
    }

    @Test
    void resultsForAnotherTenantOrNoConnectionAreNoEvent() throws Exception {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "guarded", "pw");
        var nobody = UUID.randomUUID().toString();

        publish(result(TestTokens.newTenant(), id, false, REFUSED, T0));
        publish(result(tenant, nobody, true, null, T0));
        publish(result(tenant, id, true, null, T0.plusSeconds(60)));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(healthChanges(id))
                        .singleElement()
                        .satisfies(change -> {
                            assertThat(change.state()).isEqualTo("healthy");
                            assertThat(change.previousState()).isEqualTo("unknown");
                        }));
        assertThat(healthChanges(nobody)).isEmpty();
    }

    @Test
    void resultsThatDidNotCheckTheSystemAreNoChangeOfHealth() throws Exception {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "breaker", "pw");
        var busy = new ProbeError("circuit_open", "The worker is running as many checks as it takes at once.");
        var gone = new ProbeError("revoked", "The credential no longer exists.");

        publish(result(tenant, id, true, null, T0));
        publish(result(tenant, id, false, busy, T0.plusSeconds(60)));
        publish(result(tenant, id, false, gone, T0.plusSeconds(120)));
        // on the same partition, so recorded after the two above
        publish(result(tenant, id, false, REFUSED, T0.plusSeconds(180)));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(healthChanges(id))
                        .extracting(ConnectionHealthChanged::state, ConnectionHealthChanged::previousState)
                        .containsExactly(tuple("healthy", "unknown"), tuple("unhealthy", "healthy")));
        assertThat(healthChanges(id).get(1).error()).isEqualTo(REFUSED);
    }

    private static ProbeCompleted result(String tenant, String id, boolean healthy, ProbeError error, Instant at) {
        return new ProbeCompleted(
                UUID.randomUUID().toString(),
                new ConnectionId(UUID.fromString(id)),
                TenantId.of(tenant),
                "postgresql",
                healthy,
                7,
                at,
                error);
    }

    private static void publish(ProbeCompleted result) throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var key = result.connectionId().toString();
            producer.send(CODEC.record(Topics.PROBE_RESULTS, key, result, EventCodec.Envelope.of(key)))
                    .get();
        }
    }

    private static List<ConnectionHealthChanged> healthChanges(String id) {
        return records(Topics.CONNECTION_EVENTS.name(), id::equals).stream()
                .map(r -> CODEC.decode(r).orElseThrow())
                .filter(ConnectionHealthChanged.class::isInstance)
                .map(ConnectionHealthChanged.class::cast)
                .toList();
    }
}
