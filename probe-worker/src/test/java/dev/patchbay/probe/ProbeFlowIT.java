package dev.patchbay.probe;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.RecordingListener;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.Vault;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A live test as it travels: a real {@code ProbeRequested} on the broker (as command-service publishes it), the
 * credential sealed into the vault table by a vault configured like the worker's, the worker's check against a real
 * peer, and the matching {@code ProbeCompleted} consumed from the results topic.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProbeFlowIT extends RunningWorker {

    private static final EventCodec CODEC = new EventCodec("/patchbay/command-service");
    private static final Vault SEALING = TestVaults.vault(VAULT_KEY, FINGERPRINT_KEY);
    private static final KafkaProducer<String, byte[]> PRODUCER = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());

    private final TenantId tenant = TenantId.of("tenant-" + UUID.randomUUID());
    private final ConnectionId connection = new ConnectionId(UUID.randomUUID());

    @Autowired
    private JdbcClient workersJdbc;

    @Autowired
    private Checks checks;

    @AfterAll
    static void close() {
        PRODUCER.close(Duration.ofSeconds(2));
    }

    @Test
    void aPostgresqlConnectionWithAWorkingCredentialComesBackHealthy() throws Exception {
        var request = request("postgresql", "database", 1, null, postgres());
        sealFor(request, Map.of("username", "postgres", "password", "trusted-anyway"));
        var record = resultOf(request);
        var result = CODEC.decode(record.value(), ProbeCompleted.class);

        assertThat(record.key()).isEqualTo(connection.toString());
        assertThat(EventCodec.header(record.headers(), CloudEvents.TYPE)).isEqualTo("dev.patchbay.probe.completed.v1");
        assertThat(EventCodec.header(record.headers(), CloudEvents.SOURCE)).isEqualTo("/patchbay/probe-worker");
        assertThat(EventCodec.header(record.headers(), CloudEvents.SUBJECT)).isEqualTo(connection.toString());
        assertThat(EventCodec.header(record.headers(), CloudEvents.TENANT_ID)).isEqualTo(tenant.value());
        assertThat(result.correlationId()).isEqualTo(request.correlationId());
        assertThat(result.connectionId()).isEqualTo(connection);
        assertThat(result.tenantId()).isEqualTo(tenant);
        assertThat(result.vendor()).isEqualTo("postgresql");
        assertThat(result.healthy()).isTrue();
        assertThat(result.error()).isNull();
        assertThat(result.latencyMs()).isPositive();
        assertThat(result.checkedAt()).isAfterOrEqualTo(request.requestedAt());
    }

    @Test
    void aRoleThePeerRefusesIsCredentialsRejectedAndThePasswordGoesNowhere(CapturedOutput output) throws Exception {
        var password = "pw-" + UUID.randomUUID();
        var request = request("postgresql", "database", 1, null, postgres());
        sealFor(
                request,
                Map.of(
                        "username",
                        "no_such_role_" + UUID.randomUUID().toString().substring(0, 8),
                        "password",
                        password));

        var record = resultOf(request);
        var result = CODEC.decode(record.value(), ProbeCompleted.class);

        assertThat(result.healthy()).isFalse();
        assertThat(result.error().code()).isEqualTo("credentials_rejected");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(password);
        assertThat(output.getAll()).doesNotContain(password);
    }

    @Test
    void aCredentialVersionThatNoLongerExistsIsRevoked() throws Exception {
        sealFor(
                request("postgresql", "database", 1, null, postgres()),
                Map.of("username", "postgres", "password", "pw"));

        var result = CODEC.decode(
                resultOf(request("postgresql", "database", 2, null, postgres())).value(), ProbeCompleted.class);

        assertThat(result.healthy()).isFalse();
        assertThat(result.error().code()).isEqualTo("revoked");
        assertThat(result.error().message()).contains("no longer exists");
    }

    @Test
    void aVendorThatEchoesTheSecretGetsCredentialsRejectedWithNoTraceOfIt(CapturedOutput output) throws Exception {
        var secret = "s3cret-" + UUID.randomUUID();
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        // Stands in for Pluggy's POST /auth, which cannot be reached from here; it echoes what it was sent.
        server.createContext("/", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var echoed = JsonMapper.builder()
                    .build()
                    .readTree(body)
                    .path("clientSecret")
                    .asString("");
            exchange.getResponseHeaders().add("X-Echo", echoed);
            var answer = ("{\"message\":\"wrong secret " + echoed + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            var request = request(
                    "pluggy",
                    "rest",
                    1,
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    Map.of());
            sealFor(request, Map.of("client_id", "client-1", "secret", secret));

            var record = resultOf(request);
            var result = CODEC.decode(record.value(), ProbeCompleted.class);

            assertThat(result.error().code()).isEqualTo("credentials_rejected");
            assertThat(result.error().message()).isEqualTo("The system refused the credential (HTTP 401).");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(secret);
            record.headers()
                    .forEach(header -> assertThat(new String(header.value(), StandardCharsets.UTF_8))
                            .doesNotContain(secret));
            assertThat(output.getAll()).doesNotContain(secret);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anUnreadableRequestIsSkippedAndTheNextOneIsAnswered() throws Exception {
        var garbage = CODEC.record(
                Topics.PROBE_REQUESTS,
                connection.toString(),
                request("postgresql", "database", 1, null, postgres()),
                EventCodec.Envelope.of(connection.toString()));
        PRODUCER.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        garbage.topic(),
                        null,
                        garbage.key(),
                        "{not json".getBytes(StandardCharsets.UTF_8),
                        garbage.headers()))
                .get(10, TimeUnit.SECONDS);
        var request = request("postgresql", "database", 1, null, postgres());
        sealFor(request, Map.of("username", "postgres", "password", "pw"));

        var result = CODEC.decode(resultOf(request).value(), ProbeCompleted.class);

        assertThat(result.healthy()).isTrue();
    }

    @Test
    void theMetadataServiceIsABlockedDestination() throws Exception {
        var request = request(
                "postgresql",
                "database",
                1,
                null,
                Map.of("host", "169.254.169.254", "port", 5432, "database", "postgres"));
        sealFor(request, Map.of("username", "postgres", "password", "pw"));

        var result = CODEC.decode(resultOf(request).value(), ProbeCompleted.class);

        assertThat(result.error().code()).isEqualTo("blocked_destination");
    }

    @Test
    void oneTenantsHangingChecksNeitherStallTheWorkerNorDelayAnotherTenant() throws Exception {
        // Twenty checks of one tenant against a server that dribbles a byte a second: more than the worker's threads
        // and queue (8 + 8 before, when the listener thread then ran checks itself) could hold.
        try (var tarpit = new Tarpit(Tarpit.POSTGRESQL, Duration.ofSeconds(1))) {
            var stalled = new java.util.ArrayList<ProbeRequested>();
            for (int i = 0; i < 20; i++) {
                var hanging = new ConnectionId(UUID.randomUUID());
                var request = new ProbeRequested(
                        UUID.randomUUID().toString(),
                        hanging,
                        tenant,
                        "postgresql",
                        "database",
                        1,
                        null,
                        Map.of("host", "127.0.0.1", "port", tarpit.port(), "database", "db", "tls_mode", "disable"),
                        Map.of(),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        "user-1");
                sealFor(request, Map.of("username", "u", "password", "p"));
                publish(request);
                stalled.add(request);
            }
            var otherTenant = TenantId.of("tenant-" + UUID.randomUUID());
            var healthy = new ConnectionId(UUID.randomUUID());
            var request = new ProbeRequested(
                    UUID.randomUUID().toString(),
                    healthy,
                    otherTenant,
                    "postgresql",
                    "database",
                    1,
                    null,
                    postgres(),
                    Map.of(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    "user-1");
            sealFor(request, Map.of("username", "postgres", "password", "pw"));
            publish(request);

            try (var results = new Results()) {
                var answer = results.await(request);
                assertThat(answer.healthy()).isTrue();

                var stalledResults = stalled.stream().map(results::await).toList();
                assertThat(stalledResults)
                        .extracting(result -> result.error().code())
                        .containsOnly("timeout", "circuit_open")
                        .contains("timeout", "circuit_open");
                // The other tenant's check ended before any of the hanging ones reached its deadline: it waited
                // neither for a thread they held nor behind them in a queue.
                assertThat(stalledResults)
                        .filteredOn(result -> result.error().code().equals("timeout"))
                        .allSatisfy(timedOut -> assertThat(timedOut.checkedAt()).isAfter(answer.checkedAt()));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(tarpit.open()).isZero());
            }
        }
    }

    @Test
    void theWorkerReadsTheVaultButCannotWriteIt() {
        assertThat(workersJdbc
                        .sql("SELECT count(*) FROM vault_keys")
                        .query(Long.class)
                        .single())
                .isNotNull();
        assertThatThrownBy(() -> workersJdbc.sql("DELETE FROM sealed_secrets").update())
                .hasRootCauseMessage("ERROR: cannot execute DELETE in a read-only transaction");
    }

    /**
     * The attack of issue 19 as a forged message: whoever can write to the requests topic points a stored
     * credential at a server of their own. For every connector type, the credential (a canary) is sealed for its
     * connection's destination, and a request with another host, port, bootstrap servers or TLS mode is answered
     * {@code destination_mismatch}, while a listener at the new destination sees no connection at all.
     */
    @Test
    void aForgedRequestThatPointsACredentialElsewhereReachesNoListenerForAnyConnectorType(CapturedOutput output)
            throws Exception {
        var canary = "canary-" + UUID.randomUUID();
        try (var listener = new RecordingListener()) {
            var at = "127.0.0.1:" + listener.port();
            var url = "http://" + at;
            var sealedUrl = "http://127.0.0.1:" + (listener.port() == 65535 ? 65534 : listener.port() + 1);
            var cases = List.of(
                    new Forgery(
                            "pluggy",
                            "rest",
                            Map.of("client_id", "id", "secret", canary),
                            sealedUrl,
                            Map.of(),
                            url,
                            Map.of()),
                    new Forgery(
                            "belvo",
                            "rest",
                            Map.of("client_id", "id", "secret", canary),
                            sealedUrl,
                            Map.of(),
                            url,
                            Map.of()),
                    new Forgery("rest_api", "rest", Map.of("token", canary), sealedUrl, Map.of(), url, Map.of()),
                    new Forgery(
                            "rest_api",
                            "rest",
                            Map.of("token", canary),
                            sealedUrl,
                            Map.of("auth_scheme", "header", "header_name", "X-Key"),
                            sealedUrl,
                            Map.of("auth_scheme", "header", "header_name", "X-Key", "tls_mode", "disable")),
                    new Forgery(
                            "webhook", "rest", Map.of("signing_secret", canary), sealedUrl, Map.of(), url, Map.of()),
                    new Forgery(
                            "postgresql",
                            "database",
                            Map.of("username", "postgres", "password", canary),
                            null,
                            postgres(),
                            null,
                            Map.of("host", "127.0.0.1", "port", listener.port(), "database", "postgres")),
                    new Forgery(
                            "postgresql",
                            "database",
                            Map.of("username", "postgres", "password", canary),
                            null,
                            postgres(),
                            null,
                            Map.of(
                                    "host",
                                    "127.0.0.1",
                                    "port",
                                    5432,
                                    "database",
                                    "postgres",
                                    "tls_mode",
                                    "verify-full")),
                    new Forgery(
                            "mysql",
                            "database",
                            Map.of("username", "root", "password", canary),
                            null,
                            Map.of("host", "127.0.0.1", "port", 3306, "database", "mysql"),
                            null,
                            Map.of("host", "127.0.0.1", "port", listener.port(), "database", "mysql")),
                    new Forgery(
                            "kafka",
                            "broker",
                            Map.of("username", "u", "password", canary),
                            null,
                            Map.of(
                                    "bootstrap_servers",
                                    TestInfrastructure.kafkaBootstrapServers(),
                                    "security_protocol",
                                    "SASL_PLAINTEXT"),
                            null,
                            Map.of("bootstrap_servers", at, "security_protocol", "SASL_PLAINTEXT")),
                    new Forgery(
                            "kafka",
                            "broker",
                            Map.of("username", "u", "password", canary),
                            null,
                            Map.of("bootstrap_servers", TestInfrastructure.kafkaBootstrapServers()),
                            null,
                            Map.of(
                                    "bootstrap_servers",
                                    TestInfrastructure.kafkaBootstrapServers(),
                                    "security_protocol",
                                    "SASL_PLAINTEXT")));
            int version = 0;
            for (var forgery : cases) {
                version++;
                sealFor(
                        request(
                                forgery.vendor(),
                                forgery.category(),
                                version,
                                forgery.sealedBaseUrl(),
                                forgery.sealedConfig()),
                        forgery.credential());
                var forged = request(
                        forgery.vendor(), forgery.category(), version, forgery.forgedBaseUrl(), forgery.forgedConfig());

                var record = resultOf(forged);
                var result = CODEC.decode(record.value(), ProbeCompleted.class);

                assertThat(result.healthy()).as("%s", forgery).isFalse();
                assertThat(result.error().code()).as("%s", forgery).isEqualTo("destination_mismatch");
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(canary);
            }
            assertThat(listener.connections())
                    .as("connections to the forged destination")
                    .isZero();
            assertThat(listener.received()).doesNotContain(canary);
            assertThat(output.getAll()).contains("nothing was opened or sent").doesNotContain(canary);
        }
    }

    @Test
    void anAggregatorAtAHostTheOperatorDidNotAllowIsBlockedAndReachesNoListener() throws Exception {
        try (var listener = new RecordingListener()) {
            var request = request("pluggy", "rest", 1, "http://localhost:" + listener.port(), Map.of());
            sealFor(request, Map.of("client_id", "id", "secret", "pw"));

            var result = CODEC.decode(resultOf(request).value(), ProbeCompleted.class);

            assertThat(result.error().code()).isEqualTo("blocked_destination");
            assertThat(listener.connections()).isZero();
        }
    }

    private record Forgery(
            String vendor,
            String category,
            Map<String, String> credential,
            String sealedBaseUrl,
            Map<String, Object> sealedConfig,
            String forgedBaseUrl,
            Map<String, Object> forgedConfig) {

        @Override
        public String toString() {
            return vendor + " sealed for " + sealedBaseUrl + " " + sealedConfig + ", asked for " + forgedBaseUrl + " "
                    + forgedConfig;
        }
    }

    /** Seals the credential, as command-service does, for the destination of that request's descriptor. */
    private void sealFor(ProbeRequested request, Map<String, String> fields) {
        TestVaults.seal(
                VAULT_DB,
                SEALING,
                request.tenantId(),
                request.connectionId(),
                request.credentialVersion(),
                fields,
                destinationOf(request));
    }

    private Destination destinationOf(ProbeRequested request) {
        return checks.forVendor(request.vendor())
                .orElseThrow()
                .destination(
                        new ProbeTarget(request.connectionId(), request.vendor(), request.baseUrl(), request.config()));
    }

    /** The local PostgreSQL, which has no TLS. */
    private static Map<String, Object> postgres() {
        return Map.of("host", "127.0.0.1", "port", 5432, "database", "postgres", "tls_mode", "disable");
    }

    private ProbeRequested request(
            String vendor, String category, int version, String baseUrl, Map<String, Object> config) {
        return new ProbeRequested(
                UUID.randomUUID().toString(),
                connection,
                tenant,
                vendor,
                category,
                version,
                baseUrl,
                config,
                Map.of(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                "user-1");
    }

    /** Publishes the request as command-service does. */
    private static void publish(ProbeRequested request) throws Exception {
        var key = request.connectionId().toString();
        PRODUCER.send(CODEC.record(
                        Topics.PROBE_REQUESTS,
                        key,
                        request,
                        new EventCodec.Envelope(
                                request.correlationId(),
                                request.requestedAt(),
                                key,
                                request.tenantId().value(),
                                null)))
                .get(10, TimeUnit.SECONDS);
    }

    /** The results topic, read from its start, with every result seen so far kept by correlation id. */
    private static final class Results implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestInfrastructure.kafkaBootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        private final Map<String, ProbeCompleted> seen = new java.util.HashMap<>();

        Results() {
            var partitions = consumer.partitionsFor(Topics.PROBE_RESULTS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        ProbeCompleted await(ProbeRequested request) {
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInSameThread()
                    .untilAsserted(() -> {
                        for (var record : consumer.poll(Duration.ofMillis(200))) {
                            var result = CODEC.decode(record.value(), ProbeCompleted.class);
                            seen.put(result.correlationId(), result);
                        }
                        assertThat(seen).containsKey(request.correlationId());
                    });
            return seen.get(request.correlationId());
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Publishes the request as command-service does and waits for the result with its correlation id. */
    private ConsumerRecord<String, byte[]> resultOf(ProbeRequested request) throws Exception {
        publish(request);
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestInfrastructure.kafkaBootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.PROBE_RESULTS.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var found = new java.util.concurrent.atomic.AtomicReference<ConsumerRecord<String, byte[]>>();
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (CODEC.decode(record.value(), ProbeCompleted.class)
                            .correlationId()
                            .equals(request.correlationId())) {
                        found.set(record);
                    }
                }
                assertThat(found.get()).isNotNull();
            });
            return found.get();
        }
    }
}
