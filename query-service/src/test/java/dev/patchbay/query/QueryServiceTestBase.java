package dev.patchbay.query;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one Spring context of the query-service integration tests: the real service on a random port, a fresh
 * PostgreSQL database migrated by Flyway, the test run's Kafka broker, and tokens signed by {@link TestTokens}.
 * Every IT class extends this and adds no properties of its own, so the context is built once per JVM; tests stay
 * apart through fresh tenants and ids.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            QueryServiceApplication.CONFIG_NAME,
            // short, so that the test of a wait that runs out stays quick; still ample for the projection of one event
            "patchbay.query.consistency-wait=" + QueryServiceTestBase.CONSISTENCY_WAIT_MS + "ms",
            "spring.kafka.consumer.properties.fetch.max.wait.ms=100",
            // the access log on, and the projection's line per event: ObservabilityIT follows a trace through both
            "patchbay.access-log.enabled=true",
            "logging.level.dev.patchbay.query.connection.ConnectionDescriptorProjection=debug"
        })
@AutoConfigureWebTestClient
public abstract class QueryServiceTestBase {

    protected static final long CONSISTENCY_WAIT_MS = 1500;

    /** The consumer group of the health projection (probe results), apart from the connection projection's. */
    protected static final String HEALTH_GROUP = "patchbay-query-health";

    protected static final TestTokens TOKENS = new TestTokens();
    protected static final TestInfrastructure.Database DATABASE = TestInfrastructure.freshDatabase("query");

    private static final EventCodec CODEC = new EventCodec("/patchbay/test");
    private static KafkaProducer<String, byte[]> producer;
    private static Admin admin;

    @Autowired
    protected WebTestClient http;

    @Autowired
    private KafkaListenerEndpointRegistry listeners;

    @Value("${spring.kafka.consumer.group-id}")
    private String consumerGroup;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.r2dbc.url", DATABASE::r2dbcUrl);
        registry.add("spring.r2dbc.username", DATABASE::username);
        registry.add("spring.flyway.url", DATABASE::jdbcUrl);
        registry.add("spring.flyway.user", DATABASE::username);
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        TOKENS.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    /** Events published before the listeners own their partitions are read too (earliest), but later. */
    @BeforeEach
    void listenersOwnTheirPartitions() {
        ContainerTestUtils.waitForAssignment(
                listeners.getListenerContainer("connection-descriptors"), Topics.CONNECTION_EVENTS.partitions());
        ContainerTestUtils.waitForAssignment(
                listeners.getListenerContainer("connector-types"), Topics.CONNECTOR_TYPES.partitions());
        ContainerTestUtils.waitForAssignment(
                listeners.getListenerContainer("connection-health"), Topics.PROBE_RESULTS.partitions());
    }

    protected static String viewer(String tenant) {
        return "Bearer " + TOKENS.token(tenant, "viewer");
    }

    protected static String editor(String tenant) {
        return "Bearer " + TOKENS.token(tenant, "editor");
    }

    protected static String admin(String tenant) {
        return "Bearer " + TOKENS.token(tenant, "admin");
    }

    /** An operator's token: no tenant, for what spans tenants (/v1/admin, metrics). */
    protected static String operator() {
        return "Bearer " + TOKENS.operatorToken();
    }

    /** Publishes a probe result exactly as a probe worker does. */
    protected static RecordMetadata publish(ProbeCompleted result) {
        var id = result.connectionId().toString();
        return send(CODEC.record(
                Topics.PROBE_RESULTS,
                id,
                result,
                new EventCodec.Envelope(
                        UUID.randomUUID().toString(),
                        result.checkedAt(),
                        id,
                        result.tenantId().value(),
                        null)));
    }

    /** Publishes a connection event exactly as command-service's relay does. */
    protected static RecordMetadata publish(ConnectionEvent event) {
        var id = event.connectionId().toString();
        return send(CODEC.record(
                Topics.CONNECTION_EVENTS,
                id,
                event,
                new EventCodec.Envelope(
                        UUID.randomUUID().toString(),
                        event.occurredAt(),
                        id,
                        event.tenantId().value(),
                        event.version())));
    }

    /** Publishes a registration exactly as a probe worker does at boot. */
    protected static RecordMetadata publish(ConnectorTypeRegistered registration) {
        return send(CODEC.record(
                Topics.CONNECTOR_TYPES,
                registration.vendor(),
                registration,
                EventCodec.Envelope.of(registration.vendor())));
    }

    protected static RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer().send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + record.topic(), e);
        }
    }

    /** The connection as its tenant's viewer reads it once the projection has applied that event. */
    protected Map<String, Object> readAfter(String tenant, ConnectionEvent event) {
        return readAfter(tenant, event, event.connectionId());
    }

    /** A connection as its tenant's viewer reads it once the projection has applied that event. */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> readAfter(String tenant, ConnectionEvent event, ConnectionId id) {
        return http.get()
                .uri("/v1/connections/{id}", id)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(event))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    /** The Consistency-Token command-service answers the write of that event with. */
    protected static String consistencyToken(ConnectionEvent event) {
        return TOKENS.consistencyTokens()
                .issue(event.tenantId(), new ConsistencyToken(event.connectionId(), event.version()));
    }

    /** Waits until the service's consumer group has committed past that record: it has been projected or skipped. */
    protected void awaitConsumed(RecordMetadata record) {
        awaitConsumed(record, consumerGroup);
    }

    /** Waits until that consumer group has committed past that record. */
    protected static void awaitConsumed(RecordMetadata record, String group) {
        var partition = new TopicPartition(record.topic(), record.partition());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var committed = admin().listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS)
                    .get(partition);
            assertThat(committed).as("committed offset of %s", partition).isNotNull();
            assertThat(committed.offset()).isGreaterThan(record.offset());
        });
    }

    /**
     * Waits until both projections have consumed every record published so far: each group's committed offset is
     * the end of every partition that holds records.
     */
    protected void awaitEverythingConsumed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertCaughtUp(consumerGroup, Topics.CONNECTION_EVENTS.name(), Topics.CONNECTION_EVENTS.partitions());
            assertCaughtUp(HEALTH_GROUP, Topics.PROBE_RESULTS.name(), Topics.PROBE_RESULTS.partitions());
        });
    }

    /** The end offset of every partition of the topic: the offset its next record will get. */
    protected static Map<TopicPartition, Long> endOffsets(String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin().listOffsets(latest)
                    .all()
                    .get(5, TimeUnit.SECONDS)
                    .forEach((partition, end) -> ends.put(partition, end.offset()));
            return ends;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    private static void assertCaughtUp(String group, String topic, int partitions) throws Exception {
        var committed = admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = admin().listOffsets(latest).all().get(5, TimeUnit.SECONDS);
        ends.forEach((partition, end) -> {
            if (end.offset() > 0) {
                assertThat(committed.get(partition))
                        .as("committed offset of %s in %s", partition, group)
                        .isNotNull();
                assertThat(committed.get(partition).offset())
                        .as("committed offset of %s in %s", partition, group)
                        .isEqualTo(end.offset());
            }
        });
    }

    protected static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            TestInfrastructure.kafkaBootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.CLIENT_ID_CONFIG,
                            "query-service-it"),
                    new StringSerializer(),
                    new ByteArraySerializer());
            Runtime.getRuntime().addShutdownHook(new Thread(producer::close));
        }
        return producer;
    }

    private static synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()));
            Runtime.getRuntime().addShutdownHook(new Thread(admin::close));
        }
        return admin;
    }
}
