package dev.patchbay.command.probe;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * command-service's side of a live test. A responder on the probe topics stands in for the probe worker (which has
 * its own tests and runs for real in the end-to-end test): healthy, unhealthy, or silent by config name.
 */
class ProbeRequestsIT extends CommandServiceTestBase {

    private static final ConcurrentLinkedQueue<ProbeRequested> REQUESTS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean RUNNING = new AtomicBoolean(true);
    private static Thread responder;

    private final String tenant = TestTokens.newTenant();

    @BeforeAll
    static void aStandInWorkerAnswersProbeRequests() {
        responder = new Thread(() -> {
            var codec = new EventCodec("/patchbay/test-worker");
            try (var consumer = new KafkaConsumer<String, byte[]>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    TestInfrastructure.kafkaBootstrapServers(),
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "stand-in-worker",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "latest"),
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
                        REQUESTS.add(request);
                        var name = request.config().get("database").toString();
                        if (name.equals("silent")) {
                            continue;
                        }
                        boolean healthy = !name.equals("bad");
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
                                        : new ProbeError("credentials_rejected", "The server refused the credential."));
                        producer.send(codec.record(
                                Topics.PROBE_RESULTS, record.key(), result, EventCodec.Envelope.of(record.key())));
                    }
                }
            }
        });
        responder.setDaemon(true);
        responder.start();
    }

    @AfterAll
    static void stopResponder() throws InterruptedException {
        RUNNING.set(false);
        responder.join(5000);
    }

    @Test
    void aTestByIdAnswersTheWorkersResultAndTheRequestCarriesNoSecret() {
        var id = create(tenant, "probe-me", "pw-never-sent");
        client().post()
                .uri("/v1/connections/" + id + "/test")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.connection_id")
                .isEqualTo(id)
                .jsonPath("$.vendor")
                .isEqualTo("postgresql")
                .jsonPath("$.config_name")
                .isEqualTo("probe-me")
                .jsonPath("$.healthy")
                .isEqualTo(true)
                .jsonPath("$.latency_ms")
                .isEqualTo(12)
                .jsonPath("$.error")
                .isEmpty();
        var request = REQUESTS.stream()
                .filter(r -> r.connectionId().toString().equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(request.credentialVersion()).isEqualTo(1);
        assertThat(request.requestedBy()).isEqualTo("user-" + tenant);
        assertThat(request.toString()).doesNotContain("pw-never-sent");
    }

    @Test
    void aCredentialThatDoesNotWorkIsANormalAnswerNotAnError() {
        create(tenant, "bad-one", "pw", "bad");
        client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "postgresql", "config_name", "bad-one"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.healthy")
                .isEqualTo(false)
                .jsonPath("$.error.code")
                .isEqualTo("credentials_rejected");
    }

    @Test
    void noResultInTimeIsAGatewayTimeoutAndAMissingConnectionIsNotFound() {
        create(tenant, "quiet", "pw", "silent");
        client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "postgresql", "config_name", "quiet"))
                .exchange()
                .expectStatus()
                .isEqualTo(504)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0502");
        client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "postgresql", "config_name", "nothing"))
                .exchange()
                .expectStatus()
                .isNotFound();
        client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "postgresql"))
                .exchange()
                .expectStatus()
                .isBadRequest();
        client().post()
                .uri("/v1/connections/" + create(tenant, "other", "pw") + "/test")
                .header("Authorization", editor(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aRevokedConnectionIsUnhealthyWithCodeRevokedAndTheTenantsRateLimitHolds() {
        var id = create(tenant, "revoked-one", "pw");
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        for (int i = 0; i < 5; i++) {
            client().post()
                    .uri("/v1/connections/" + id + "/test")
                    .header("Authorization", editor(tenant))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.healthy")
                    .isEqualTo(false)
                    .jsonPath("$.error.code")
                    .isEqualTo("revoked");
        }
        assertThat(REQUESTS).noneMatch(r -> r.connectionId().toString().equals(id));
        client().post()
                .uri("/v1/connections/" + id + "/test")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .value(
                        "Retry-After",
                        value -> assertThat(Integer.parseInt(value)).isBetween(1, 60))
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0401");
        client().post()
                .uri("/v1/connections/" + id + "/test")
                .header("Authorization", editor(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void idsThatHoldTheOldKeysSeparatorsNameTwoScopesAndATestByNameTakesTheOneAsked() {
        var inWorkspace = createScoped("look-alike", "u", "w");
        // the old scope key of this one was the key of the other: the create was a 409
        var lookalike = createScoped("look-alike", "u@workspace:w", null);
        var organization = create(tenant, "look-alike", "pw", "org");

        assertThat(testByName(Map.of("workspace_id", "w", "end_user_id", "u"))).isEqualTo(inWorkspace);
        assertThat(testByName(Map.of("end_user_id", "u@workspace:w"))).isEqualTo(lookalike);
        // user u in no workspace has no connection of that name: the organization's is the most specific
        assertThat(testByName(Map.of("end_user_id", "u"))).isEqualTo(organization);
    }

    private String createScoped(String name, String endUserId, String workspaceId) {
        var body = postgresql(name, "pw");
        body.put("config", Map.of("host", "db", "port", 5432, "database", "scoped"));
        body.put("scope", "user");
        body.put("end_user_id", endUserId);
        if (workspaceId != null) {
            body.put("workspace_id", workspaceId);
        }
        return (String) created(tenant, body).get("id");
    }

    /** A test by the name look-alike in that scope; answers the id of the connection that was tested. */
    private String testByName(Map<String, String> scope) {
        var body = new java.util.HashMap<String, Object>(Map.of("vendor", "postgresql", "config_name", "look-alike"));
        body.putAll(scope);
        return (String) client().post()
                .uri("/v1/connections/test")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("connection_id");
    }

    private String create(String tenant, String name, String password, String database) {
        var body = postgresql(name, password);
        body.put("config", Map.of("host", "db", "port", 5432, "database", database));
        return (String) created(tenant, body).get("id");
    }
}
