package dev.patchbay.command.platform;

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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker is killed (SIGKILL) while clients keep writing: every write still succeeds, because it only needs
 * PostgreSQL, and once the broker is back every event reaches the topic, once, in order per connection. A webhook
 * delivery, which must reach Kafka before it is acknowledged, is answered 503 for the vendor to retry.
 * <p>
 * The outage outlasts the time Axon gives the relay's unit of work (shortened here to {@value #RELAY_TIME_LIMIT_MS}
 * ms; five minutes in production): Axon's janitor then interrupts the relay's thread, and a tracking processor that
 * is interrupted shuts itself down. The relay must come back by itself and publish everything.
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
            "axon.timeout.transaction.event-processor.kafka-relay.timeout-ms=" + BrokerOutageIT.RELAY_TIME_LIMIT_MS,
            "axon.timeout.transaction.event-processor.kafka-relay.warning-threshold-ms=2000",
            "axon.timeout.transaction.event-processor.kafka-relay.warning-interval-ms=1000",
            "patchbay.relay.watch-interval=1s"
        })
class BrokerOutageIT {

    static final int RELAY_TIME_LIMIT_MS = 4000;

    private static final KafkaBrokerProcess BROKER = KafkaBrokerProcess.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final TestInfrastructure.Database DATABASE = TestInfrastructure.freshDatabase("outage");
    private static final EventCodec CODEC = new EventCodec("/patchbay/test");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        registerConnectorType();
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("patchbay.vault.key", BrokerOutageIT::randomKey);
        registry.add("patchbay.vault.fingerprint-key", BrokerOutageIT::randomKey);
        TOKENS.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Test
    void writesSucceedWhileTheBrokerIsDownAndAllReachItInOrderOnceItIsBack() throws InterruptedException {
        var tenant = TestTokens.newTenant();
        var client = healthyClient();
        var expected = new LinkedHashMap<String, Integer>();
        var before = create(client, tenant, "before-outage");
        expected.put(before, 1);
        var pluggy = (String) client.post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        "pluggy-main",
                        "base_url",
                        "https://api.pluggy.ai",
                        "account_ref",
                        "item-1",
                        "credential",
                        Map.of("client_id", "c", "secret", "s")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        var token = (String) client.post()
                .uri("/v1/webhooks/tokens")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "pluggy", "connection_config_name", "pluggy-main"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token");
        expected.put(pluggy, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> versionsOnTopic().containsKey(before));

        BROKER.kill();
        var started = Instant.now();
        for (int i = 0; i < 6; i++) {
            var id = create(client, tenant, "during-outage-" + i);
            client.patch()
                    .uri("/v1/connections/" + id)
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("display_name", "v2"))
                    .exchange()
                    .expectStatus()
                    .isOk();
            expected.put(id, 2);
        }
        client.post()
                .uri("/v1/connections/" + before + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        expected.put(before, 2);
        var writingTook = Duration.between(started, Instant.now());
        // long enough for the janitor to interrupt the relay's waiting batch, and for the relay to retry after that
        var rest = Duration.ofMillis(2L * RELAY_TIME_LIMIT_MS).minus(writingTook);
        if (!rest.isNegative()) {
            Thread.sleep(rest.toMillis());
        }
        client.post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\",\"itemId\":\"item-1\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals("Retry-After", "5");
        BROKER.restart();
        client.post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\",\"itemId\":\"item-1\"}")
                .exchange()
                .expectStatus()
                .isAccepted();

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var onTopic = versionsOnTopic();
                    expected.forEach((id, version) -> {
                        var versions = onTopic.get(id);
                        assertThat(versions)
                                .as("versions of %s on the topic", id)
                                .isNotNull();
                        var wanted = new ArrayList<Long>();
                        for (long v = 1; v <= version; v++) {
                            wanted.add(v);
                        }
                        assertThat(versions)
                                .as("versions of %s, in order, once each", id)
                                .isEqualTo(wanted);
                    });
                });
        assertThat(writingTook)
                .as("writes during the outage were not held up by the broker")
                .isLessThan(Duration.ofSeconds(60));
    }

    /**
     * A frozen broker keeps the relay's batch waiting for acknowledgements, past the time Axon allows it: the janitor
     * interrupts the relay there, while the batch commits. Nothing may be lost, and nothing published twice.
     */
    @Test
    void aBrokerThatStopsAnsweringForLongerThanTheRelaysTimeLimitLosesNothing() throws InterruptedException {
        var tenant = TestTokens.newTenant();
        var client = healthyClient();
        var first = create(client, tenant, "before-freeze");
        await().atMost(Duration.ofSeconds(60)).until(() -> versionsOnTopic().containsKey(first));
        var expected = new ArrayList<String>(List.of(first));
        BROKER.pause();
        try {
            for (int i = 0; i < 4; i++) {
                expected.add(create(client, tenant, "during-freeze-" + i));
            }
            Thread.sleep(2L * RELAY_TIME_LIMIT_MS);
        } finally {
            BROKER.resume();
        }
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var onTopic = versionsOnTopic();
                    assertThat(expected)
                            .allSatisfy(id -> assertThat(onTopic.get(id))
                                    .as("versions of %s on the topic", id)
                                    .isEqualTo(List.of(1L)));
                });
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
                        "outage-" + UUID.randomUUID()),
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
