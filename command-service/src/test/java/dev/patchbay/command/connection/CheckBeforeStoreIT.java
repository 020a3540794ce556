package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Test before store: {@code POST /v1/connections?test=true} and {@code POST /v1/connections/test} with a candidate
 * (not "TestBeforeStoreIT": Surefire takes {@code Test*.java} for unit tests and would run it twice).
 * A stand-in worker answers the candidates' probe requests as the real one does (the end-to-end test runs the real
 * one): it reads the candidate's vault row, opens it for the destination stored with it, and answers healthy for
 * the password {@code good-pw}, credentials_rejected for any other, and nothing for the database {@code silent}.
 */
class CheckBeforeStoreIT extends CommandServiceTestBase {

    /** What the stand-in worker saw of each candidate: its request, and the password it opened from the vault. */
    private record Seen(ProbeRequested request, String opened) {}

    private static final Map<String, Seen> SEEN = new ConcurrentHashMap<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static Thread worker;

    @Autowired
    private Vault vault;

    @Autowired
    private CandidateSweep sweep;

    private final String tenant = TestTokens.newTenant();

    @BeforeEach
    void aStandInWorkerAnswersCandidates() {
        if (worker != null) {
            return;
        }
        var store = new SealedSecretStore(jdbc);
        var opener = vault;
        worker = new Thread(() -> {
            var codec = new EventCodec("/patchbay/test-worker");
            try (var consumer = new KafkaConsumer<String, byte[]>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG, "stand-in-candidate-worker",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                            new StringDeserializer(),
                            new ByteArrayDeserializer());
                    var producer = new KafkaProducer<String, byte[]>(
                            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                            new StringSerializer(),
                            new ByteArraySerializer())) {
                consumer.subscribe(List.of(Topics.PROBE_REQUESTS.name()));
                while (RUNNING.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(100))) {
                        var request = (ProbeRequested) codec.decode(record).orElseThrow();
                        if (!request.candidate()) {
                            continue;
                        }
                        var row = store.findSendable(
                                request.connectionId(),
                                request.tenantId(),
                                request.credentialVersion(),
                                request.purpose());
                        String opened = null;
                        if (row.isPresent()) {
                            try (var credential = opener.open(
                                    row.get().ciphertext(),
                                    new SealingContext(
                                            request.tenantId(),
                                            request.connectionId(),
                                            1,
                                            SealingContext.CANDIDATE,
                                            row.get().destination()))) {
                                opened = credential.value("password");
                            }
                        }
                        SEEN.put(request.connectionId().toString(), new Seen(request, opened));
                        if ("silent".equals(request.config().get("database"))) {
                            continue;
                        }
                        boolean healthy = "good-pw".equals(opened);
                        var result = new ProbeCompleted(
                                request.correlationId(),
                                request.connectionId(),
                                request.tenantId(),
                                request.vendor(),
                                healthy,
                                12,
                                Instant.now(),
                                healthy
                                        ? null
                                        : new ProbeError("credentials_rejected", "The system refused the credential."));
                        producer.send(codec.record(
                                Topics.PROBE_RESULTS, record.key(), result, EventCodec.Envelope.of(record.key())));
                    }
                }
            }
        });
        worker.setDaemon(true);
        worker.start();
        // the worker's consumer must have its partitions before the first request is published
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var warm = TestTokens.newTenant();
            client().post()
                    .uri("/v1/connections/test")
                    .header("Authorization", editor(warm))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(candidate("good-pw"))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.healthy")
                    .isEqualTo(true);
        });
    }

    @AfterAll
    static void stopWorker() throws InterruptedException {
        RUNNING.set(false);
        if (worker != null) {
            worker.join(5000);
        }
    }

    @Test
    void aHealthyCandidateIsStoredWithTheHealthOfItsCheckAndItsCandidateCredentialIsGone() throws Exception {
        var password = "good-pw";
        var body = createTested(postgresql("tested", password))
                .expectStatus()
                .isCreated()
                .expectHeader()
                .exists("ETag")
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        var id = (String) body.get("id");
        @SuppressWarnings("unchecked")
        var health = (Map<String, Object>) body.get("health");
        assertThat(health).containsEntry("state", "healthy").containsEntry("latency_ms", 12);
        assertThat(health.get("checked_at")).isNotNull();
        // the worker read the candidate's own row, sealed for the connection's id, and opened the credential there
        var seen = SEEN.get(id);
        assertThat(seen.request().purpose()).isEqualTo("candidate");
        assertThat(seen.request().tenantId()).isEqualTo(TenantId.of(tenant));
        assertThat(seen.opened()).isEqualTo(password);
        assertThat(purposes(id)).containsExactly("credential");
        assertThat(records(Topics.PROBE_REQUESTS.name(), id::equals))
                .singleElement()
                .satisfies(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
                        .contains("\"purpose\":\"candidate\"")
                        .doesNotContain(password));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), id::equals))
                        .hasSize(1));
    }

    @Test
    void anUnhealthyCandidateIs422WithTheChecksCodeAndNothingIsKept() throws Exception {
        var password = "canary-" + UUID.randomUUID();
        var problem = createTested(postgresql("refused", password))
                .expectStatus()
                .isEqualTo(422)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0011")
                .jsonPath("$.title")
                .isEqualTo("candidate_unhealthy")
                .jsonPath("$.errors[0].location")
                .isEqualTo("check")
                .jsonPath("$.errors[0].value")
                .isEqualTo("credentials_rejected")
                .jsonPath("$.errors[0].message")
                .isEqualTo("The system refused the credential.")
                .returnResult()
                .getResponseBody();
        assertThat(new String(problem, StandardCharsets.UTF_8)).doesNotContain(password);

        var candidate = SEEN.values().stream()
                .filter(seen -> seen.request().tenantId().equals(TenantId.of(tenant)))
                .findFirst()
                .orElseThrow()
                .request()
                .connectionId()
                .toString();
        assertThat(count("live_connections", "tenant_id", tenant)).isZero();
        assertThat(count("sealed_secrets", "tenant_id", tenant)).isZero();
        assertThat(count("DomainEventEntry", "aggregateIdentifier", candidate)).isZero();
        assertThat(count("tenant_usage", "tenant_id", tenant)).isZero();
        // the name was not claimed: a create without a test takes it
        create(tenant, "refused", "whatever");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), key -> true).stream()
                                .filter(record -> tenant.equals(header(record, "ce_tenantid"))))
                        .hasSize(1));
        assertThat(records(Topics.CONNECTION_EVENTS.name(), candidate::equals)).isEmpty();
        assertThat(records(Topics.PROBE_REQUESTS.name(), candidate::equals))
                .singleElement()
                .satisfies(record -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
                        .doesNotContain(password));
        assertThat(Files.readString(LOG_FILE)).doesNotContain(password);
    }

    @Test
    void aFullCandidateIsTestedWithoutBeingStoredHealthyOrNot() throws Exception {
        var good = candidate("good-pw");
        var answer = test(good)
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(answer)
                .containsEntry("healthy", true)
                .containsEntry("vendor", "postgresql")
                .containsEntry("latency_ms", 12);
        assertThat(SEEN.get((String) answer.get("connection_id")).opened()).isEqualTo("good-pw");

        var password = "canary-" + UUID.randomUUID();
        test(candidate(password))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.healthy")
                .isEqualTo(false)
                .jsonPath("$.error.code")
                .isEqualTo("credentials_rejected")
                .consumeWith(result -> assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8))
                        .doesNotContain(password));

        assertThat(count("live_connections", "tenant_id", tenant)).isZero();
        assertThat(count("sealed_secrets", "tenant_id", tenant)).isZero();
        assertThat(Files.readString(LOG_FILE)).doesNotContain(password);
    }

    @Test
    void aCandidateIsValidatedAsACreateAndATakenNameIsRefusedBeforeAnyCheck() {
        var wrongKeys = candidate("pw");
        wrongKeys.put("credential", Map.of("user", "app", "password", "pw"));
        test(wrongKeys)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0002");
        var wrongKeysNamed = postgresql("wrong-keys", "pw");
        wrongKeysNamed.put("credential", Map.of("user", "app", "password", "pw"));
        createTested(wrongKeysNamed)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0002");
        var noCredential = candidate("pw");
        noCredential.remove("credential");
        noCredential.put("config_name", "named");
        test(noCredential)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.credential");

        create(tenant, "taken", "pw");
        createTested(postgresql("taken", "good-pw"))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0301");
        assertThat(SEEN.values()).noneMatch(seen -> seen.request().tenantId().equals(TenantId.of(tenant)));
    }

    @Test
    void noAnswerInTimeIs504AndTheCandidateCredentialIsDestroyedAllTheSame() {
        var silent = postgresql("silent-one", "good-pw");
        silent.put("config", Map.of("host", "db.internal", "port", 5432, "database", "silent"));
        createTested(silent)
                .expectStatus()
                .isEqualTo(504)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0502");

        assertThat(SEEN.values())
                .anyMatch(seen ->
                        seen.request().tenantId().equals(TenantId.of(tenant)) && "good-pw".equals(seen.opened()));
        assertThat(count("sealed_secrets", "tenant_id", tenant)).isZero();
        assertThat(count("live_connections", "tenant_id", tenant)).isZero();
    }

    @Test
    void candidateTestsCountAgainstTheTenantsRateLimit() {
        for (int i = 0; i < 5; i++) {
            test(candidate("good-pw")).expectStatus().isOk();
        }
        test(candidate("good-pw"))
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0401");
        createTested(postgresql("limited", "good-pw")).expectStatus().isEqualTo(429);
        assertThat(count("sealed_secrets", "tenant_id", tenant)).isZero();
        assertThat(count("live_connections", "tenant_id", tenant)).isZero();
    }

    @Test
    void candidateCredentialsOlderThanTheirLifetimeAreSweptAndNothingElseIs() {
        var store = new SealedSecretStore(jdbc);
        var owner = TenantId.of(tenant);
        var old = new ConnectionId(UUID.randomUUID());
        var fresh = new ConnectionId(UUID.randomUUID());
        var stored = new ConnectionId(UUID.randomUUID());
        var destination = Destination.of(List.of(), null, Map.of("host", "db.internal"));
        try (var credential = Credential.of(Map.of("username", "u", "password", "p"))) {
            var longAgo = Instant.now().minus(Duration.ofMinutes(3));
            store.store(
                    SealingContext.candidate(owner, old, destination),
                    vault.seal(credential, SealingContext.candidate(owner, old, destination)),
                    vault.keyName(),
                    longAgo);
            store.store(
                    SealingContext.candidate(owner, fresh, destination),
                    vault.seal(credential, SealingContext.candidate(owner, fresh, destination)),
                    vault.keyName(),
                    Instant.now());
            var context = SealingContext.credential(owner, stored, 1, destination);
            store.store(context, vault.seal(credential, context), vault.keyName(), longAgo);
        }

        assertThat(sweep.sweep()).isGreaterThanOrEqualTo(1);

        assertThat(purposes(old.toString())).isEmpty();
        assertThat(purposes(fresh.toString())).containsExactly("candidate");
        assertThat(purposes(stored.toString())).containsExactly("credential");
    }

    private Map<String, Object> candidate(String password) {
        var body = postgresql(null, password);
        body.remove("config_name");
        body.remove("display_name");
        return body;
    }

    private WebTestClient.ResponseSpec createTested(Map<String, Object> body) {
        return client().post()
                .uri("/v1/connections?test=true")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec test(Map<String, Object> body) {
        return client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(new HashMap<>(body))
                .exchange();
    }

    private List<String> purposes(String connectionId) {
        return jdbc.sql("SELECT purpose FROM sealed_secrets WHERE connection_id = ?::uuid")
                .param(connectionId)
                .query(String.class)
                .list();
    }

    private long count(String table, String column, String value) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = ?")
                .param(value)
                .query(Long.class)
                .single();
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
