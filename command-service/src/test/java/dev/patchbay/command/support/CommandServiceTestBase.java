package dev.patchbay.command.support;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * One command-service on a fresh PostgreSQL database and the test run's real Kafka broker, with connector types
 * registered on the topic as a probe worker would. Every IT class shares this one context; tests stay apart
 * through fresh tenants.
 */
@SpringBootTest(
        classes = CommandServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            CommandServiceApplication.CONFIG_NAME,
            "patchbay.probe.allow-insecure-http=true",
            // logging starts before dynamic properties are known, so the file is named here; the console shows the
            // tests and their results, the service's own log is in the file
            "logging.file.name=target/logs/command-service-it.log",
            "logging.threshold.console=OFF",
            "logging.logback.rollingpolicy.max-file-size=1GB",
            "patchbay.quota.connections-per-tenant=5",
            "patchbay.probe.timeout=3s",
            "patchbay.probe.rate-limit=5",
            "patchbay.webhooks.rate-limit=10",
            // as in production with PATCHBAY_LOG_FORMAT=json and the access log on: every IT checks what that logs
            "patchbay.log-format=json",
            "patchbay.access-log.enabled=true",
            // a stopped relay is started again within seconds (RelayIT)
            "patchbay.relay.watch-interval=2s",
            // the broker is shared by every context of the run, each on its own database: a group of its own each
            "patchbay.probe.health-group=patchbay-command-health-${random.uuid}",
            // RecheckSchedulerIT drives the re-checks itself
            "patchbay.recheck.enabled=false",
            // credential expiry and OAuth2 refresh (CredentialExpiryIT): a group of its own per context, and short
            // waits, so that a retry and a give-up happen within a test
            "patchbay.oauth2.results-group=patchbay-command-refresh-${random.uuid}",
            "patchbay.oauth2.interval=500ms",
            "patchbay.oauth2.request-timeout=3s",
            "patchbay.oauth2.backoff=1s",
            "patchbay.oauth2.backoff-cap=2s",
            "patchbay.oauth2.give-up-after=15s"
        })
public abstract class CommandServiceTestBase {

    protected static final TestTokens TOKENS = new TestTokens();
    protected static final TestInfrastructure.Database DATABASE = TestInfrastructure.freshDatabase("command");
    protected static final Path LOG_FILE = Path.of("target", "logs", "command-service-it.log");
    protected static final EventCodec CODEC = new EventCodec("/patchbay/test-probe-worker");

    private static boolean typesRegistered;

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("patchbay.vault.key", () -> randomKey());
        registry.add("patchbay.vault.fingerprint-key", () -> randomKey());
        TOKENS.properties().forEach((name, value) -> registry.add(name, () -> value));
    }

    @BeforeEach
    void connectorTypesAreRegistered() throws Exception {
        if (typesRegistered) {
            return;
        }
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (var type : List.of(
                    // as probe-worker registers them: what is outside each destination, and Belvo only at its host
                    new ConnectorTypeRegistered(
                            "postgresql",
                            "database",
                            "PostgreSQL",
                            List.of("host", "port", "database"),
                            List.of("username", "password"),
                            false,
                            Instant.now(),
                            List.of("database"),
                            List.of()),
                    new ConnectorTypeRegistered(
                            "mysql",
                            "database",
                            "MySQL",
                            List.of("host", "port", "database"),
                            List.of("username", "password"),
                            false,
                            Instant.now(),
                            List.of("database"),
                            List.of()),
                    new ConnectorTypeRegistered(
                            "kafka",
                            "broker",
                            "Apache Kafka",
                            List.of("bootstrap_servers"),
                            List.of("username", "password"),
                            false,
                            Instant.now()),
                    new ConnectorTypeRegistered(
                            "rest_api",
                            "rest",
                            "REST API",
                            List.of(),
                            List.of("token"),
                            false,
                            Instant.now(),
                            List.of("health_path"),
                            List.of()),
                    new ConnectorTypeRegistered(
                            "webhook",
                            "rest",
                            "Webhook endpoint",
                            List.of(),
                            List.of("signing_secret"),
                            false,
                            Instant.now()),
                    // as probe-worker registers it: the refresh token optional, and where the live check and the
                    // requested scope go outside the destination (the token endpoint is part of it)
                    new ConnectorTypeRegistered(
                            "oauth2",
                            "rest",
                            "OAuth2 API",
                            List.of("token_endpoint"),
                            List.of("access_token", "client_id", "client_secret"),
                            false,
                            Instant.now(),
                            List.of("scope", "client_auth", "check_path"),
                            List.of(),
                            List.of("refresh_token")),
                    new ConnectorTypeRegistered(
                            "pluggy", "rest", "Pluggy", List.of(), List.of("client_id", "secret"), true, Instant.now()),
                    new ConnectorTypeRegistered(
                            "belvo",
                            "rest",
                            "Belvo",
                            List.of(),
                            List.of("client_id", "secret"),
                            true,
                            Instant.now(),
                            List.of(),
                            List.of("api.belvo.example")))) {
                producer.send(CODEC.record(
                                Topics.CONNECTOR_TYPES, type.vendor(), type, EventCodec.Envelope.of(type.vendor())))
                        .get();
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> client().get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectStatus()
                        .isOk());
        typesRegistered = true;
    }

    protected WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    protected static String editor(String tenant) {
        return "Bearer " + TOKENS.token(tenant, "editor");
    }

    /** Creates a PostgreSQL connection for the tenant and answers its id. */
    protected String create(String tenant, String configName, String password) {
        return (String) created(tenant, postgresql(configName, password)).get("id");
    }

    /** Creates a connection as the tenant's editor, expecting 201, and answers the connection as it was answered. */
    @SuppressWarnings("unchecked")
    protected Map<String, Object> created(String tenant, Map<String, Object> body) {
        return client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    protected static Map<String, Object> postgresql(String configName, String password) {
        var body = new HashMap<String, Object>();
        body.put("vendor", "postgresql");
        body.put("config_name", configName);
        body.put("display_name", "Warehouse");
        body.put("config", Map.of("host", "db.internal", "port", 5432, "database", "dw"));
        body.put("credential", Map.of("username", "app", "password", password));
        return body;
    }

    /** Every record on the topic, from the beginning, whose key matches. */
    protected static List<ConsumerRecord<String, byte[]>> records(String topic, Predicate<String> key) {
        var found = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestInfrastructure.kafkaBootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "test-" + UUID.randomUUID()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.test(record.key())) {
                        found.add(record);
                    }
                }
            }
        }
        return found;
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
