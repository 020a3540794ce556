package dev.patchbay.command.relay;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay stores a batch's token only with the batch: once Kafka has acknowledged every record of it, in the
 * transaction that stores its positions. Here Kafka acknowledges nothing (the broker is frozen with SIGSTOP, and the
 * producer's delivery timeout is shortened to a few seconds), so the batch fails; the stored token must still be
 * before its event, which reaches the topic once the broker answers again. A token stored ahead of the batch is what
 * a process killed while waiting for Kafka leaves behind: its restart would begin after events that never reached
 * the topic (seen in e2e FaultToleranceIT: a connection's version 3 missing from the topic for good).
 */
@SpringBootTest(
        classes = CommandServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            CommandServiceApplication.CONFIG_NAME,
            "logging.file.name=target/logs/command-service-it.log",
            "logging.threshold.console=OFF",
            "logging.logback.rollingpolicy.max-file-size=1GB",
            "patchbay.log-format=json",
            "patchbay.recheck.enabled=false",
            "spring.kafka.producer.properties.delivery.timeout.ms=6000",
            "spring.kafka.producer.properties.request.timeout.ms=5000"
        })
@Import(RelayTransactionIT.SendFailures.class)
class RelayTransactionIT {

    private static final KafkaBrokerProcess BROKER = KafkaBrokerProcess.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final TestInfrastructure.Database DATABASE = TestInfrastructure.freshDatabase("relay_tx");
    private static final EventCodec CODEC = new EventCodec("/patchbay/test");

    /** The keys of the records Kafka did not acknowledge. */
    private static final Set<Object> UNACKNOWLEDGED = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Serializer serializer;

    @TestConfiguration
    static class SendFailures {

        /** In place of Boot's logging listener: notes the records whose send failed. */
        @Bean
        ProducerListener<Object, Object> unacknowledgedRecords() {
            return new ProducerListener<>() {
                @Override
                public void onError(ProducerRecord<Object, Object> record, RecordMetadata metadata, Exception failure) {
                    UNACKNOWLEDGED.add(record.key());
                }
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        registerConnectorType();
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("patchbay.vault.key", RelayTransactionIT::randomKey);
        registry.add("patchbay.vault.fingerprint-key", RelayTransactionIT::randomKey);
        TOKENS.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Test
    void aBatchKafkaDidNotAcknowledgeLeavesTheStoredTokenBeforeItsEvents() {
        var tenant = TestTokens.newTenant();
        var client = healthyClient();
        var acknowledged = create(client, tenant, "acknowledged");
        await().atMost(Duration.ofSeconds(30)).until(() -> versionsOnTopic().containsKey(acknowledged));

        String unacknowledged;
        BROKER.pause();
        try {
            unacknowledged = create(client, tenant, "unacknowledged");
            long index = globalIndexOf(unacknowledged);
            // the relay sent the event and Kafka did not acknowledge it within the delivery timeout: the batch fails
            var key = unacknowledged;
            await().atMost(Duration.ofSeconds(60)).until(() -> UNACKNOWLEDGED.contains(key));
            var token = storedToken();
            assertThat(token.getIndex() < index || token.getGaps().contains(index))
                    .as("the stored token %s is before event %d, which Kafka never acknowledged", token, index)
                    .isTrue();
        } finally {
            BROKER.resume();
        }
        var published = unacknowledged;
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(versionsOnTopic().get(published))
                        .as("versions of the connection created while Kafka answered nothing")
                        .containsExactly(1L));
    }

    private long globalIndexOf(String connectionId) {
        return jdbc.sql("SELECT globalIndex FROM DomainEventEntry WHERE aggregateIdentifier = ?")
                .param(connectionId)
                .query(Long.class)
                .single();
    }

    private GapAwareTrackingToken storedToken() {
        return jdbc.sql("SELECT token, tokenType FROM TokenEntry WHERE processorName = ?")
                .param(KafkaRelay.PROCESSING_GROUP)
                .query((rs, n) -> (GapAwareTrackingToken) serializer.deserialize(
                        new SimpleSerializedObject<>(rs.getBytes(1), byte[].class, rs.getString(2), null)))
                .single();
    }

    /** A client of the service once it is healthy: the connector types are read, so no create is refused for them. */
    private WebTestClient healthyClient() {
        var client = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> client.get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectStatus()
                        .isOk());
        return client;
    }

    private static String create(WebTestClient client, String tenant, String name) {
        var body = new HashMap<String, Object>(Map.of(
                "vendor",
                "postgresql",
                "config_name",
                name,
                "config",
                Map.of("host", "db", "port", 5432, "database", "d"),
                "credential",
                Map.of("username", "u", "password", "p")));
        return (String) client.post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    }

    /** Every connection's versions as they stand on the topic, in offset order. */
    private static Map<String, List<Long>> versionsOnTopic() {
        var versions = new HashMap<String, List<Long>>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        BROKER.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "relay-tx-" + UUID.randomUUID()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var topic = Topics.CONNECTION_EVENTS.name();
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    var event = (ConnectionEvent) CODEC.decode(record).orElseThrow();
                    versions.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(event.version());
                }
            }
        }
        return versions;
    }

    private static void registerConnectorType() throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var admin =
                    org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", BROKER.bootstrapServers()));
            admin.createTopics(List.of(
                            new org.apache.kafka.clients.admin.NewTopic(Topics.CONNECTOR_TYPES.name(), 1, (short) 1)))
                    .all()
                    .get();
            admin.close();
            for (var type : List.of(
                    new ConnectorTypeRegistered(
                            "postgresql",
                            "database",
                            "PostgreSQL",
                            List.of("host", "port", "database"),
                            List.of("username", "password"),
                            false,
                            Instant.now()),
                    new ConnectorTypeRegistered(
                            "pluggy",
                            "rest",
                            "Pluggy",
                            List.of(),
                            List.of("client_id", "secret"),
                            true,
                            Instant.now()))) {
                producer.send(CODEC.record(
                                Topics.CONNECTOR_TYPES, type.vendor(), type, EventCodec.Envelope.of(type.vendor())))
                        .get();
            }
        }
    }

    private static String editor(String tenant) {
        return "Bearer " + TOKENS.token(tenant, "editor");
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
