package dev.patchbay.command.support;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * A command-service test on a broker of its own, in its own process, so that the test can kill, restart or freeze it
 * (BrokerOutageIT, RelayTransactionIT): the broker, a fresh database, the token keys, the connector types registered
 * as a probe worker would, and what such a test reads back (each connection's versions on the topic).
 */
public final class ServiceOnItsOwnBroker {

    private static final EventCodec CODEC = new EventCodec("/patchbay/test");

    public final KafkaBrokerProcess broker = KafkaBrokerProcess.start();
    private final TestTokens tokens = new TestTokens();
    private final TestInfrastructure.Database database;
    private final String name;

    /** @param name names the test's database and its topic readers' consumer groups */
    public ServiceOnItsOwnBroker(String name) {
        this.name = name;
        this.database = TestInfrastructure.freshDatabase(name);
    }

    /** The service's properties for this broker and database, once the connector types are on the broker. */
    public void register(DynamicPropertyRegistry registry) throws Exception {
        registerConnectorTypes();
        registry.add("spring.kafka.bootstrap-servers", broker::bootstrapServers);
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("patchbay.vault.key", ServiceOnItsOwnBroker::randomKey);
        registry.add("patchbay.vault.fingerprint-key", ServiceOnItsOwnBroker::randomKey);
        tokens.properties().forEach((property, value) -> registry.add(property, () -> value));
    }

    /** A client of the service once it is healthy: the connector types are read, so no create is refused for them. */
    public WebTestClient healthyClient(int port) {
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

    /** Creates a PostgreSQL connection named {@code name} and answers its id. */
    public String create(WebTestClient client, String tenant, String name) {
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

    public String editor(String tenant) {
        return "Bearer " + tokens.token(tenant, "editor");
    }

    /** Every connection's versions as they stand on the topic, in offset order. */
    public Map<String, List<Long>> versionsOnTopic() {
        var versions = new HashMap<String, List<Long>>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        name + "-" + UUID.randomUUID()),
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

    private void registerConnectorTypes() throws Exception {
        try (var admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.CONNECTOR_TYPES.name(), 1, (short) 1)))
                    .all()
                    .get();
        }
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
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

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
