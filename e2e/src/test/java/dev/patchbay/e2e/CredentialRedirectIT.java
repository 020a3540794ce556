package dev.patchbay.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.RecordingListener;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 19's attack on the running services: an editor points a stored credential at a server of their own and asks
 * for a test; and, failing that, forges the probe request on the topic. The credential is a canary held by a local
 * stand-in of the vendor's API (a REST API behind a bearer token, which cannot be reached from here otherwise); the
 * attacker's server is a TCP listener that records every connection and byte.
 */
class CredentialRedirectIT {

    private static final EventCodec CODEC = new EventCodec("/patchbay/command-service");
    private static LocalStack stack;

    private final String tenant = TestTokens.newTenant();
    private final String canary = "canary-" + UUID.randomUUID();

    @BeforeAll
    static void stack() {
        stack = LocalStack.get();
    }

    @Test
    void aStoredCredentialCannotBeRedirectedByAPatchNorByAForgedProbeRequest() throws Exception {
        var tokensSeen = new CopyOnWriteArrayList<String>();
        var vendor = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        vendor.createContext("/", exchange -> {
            tokensSeen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        vendor.start();
        try (var attacker = new RecordingListener()) {
            var home = "http://127.0.0.1:" + vendor.getAddress().getPort();
            var elsewhere = "http://127.0.0.1:" + attacker.port();
            var created = stack.command()
                    .post()
                    .uri("/v1/connections")
                    .header("Authorization", editor())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "vendor",
                            "rest_api",
                            "config_name",
                            "redirected",
                            "base_url",
                            home,
                            "credential",
                            Map.of("token", canary)))
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            var id = (String) created.get("id");

            // The first request of the attack: a new destination, the stored credential kept.
            stack.command()
                    .patch()
                    .uri("/v1/connections/" + id)
                    .header("Authorization", editor())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("base_url", elsewhere))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0010");
            // The second: the test still goes where the credential was sealed for.
            stack.command()
                    .post()
                    .uri("/v1/connections/" + id + "/test")
                    .header("Authorization", editor())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.healthy")
                    .isEqualTo(true);
            assertThat(tokensSeen).containsExactly("Bearer " + canary);

            // Whoever can write to the requests topic forges a request for the new destination.
            var forged = new ProbeRequested(
                    UUID.randomUUID().toString(),
                    new ConnectionId(UUID.fromString(id)),
                    TenantId.of(tenant),
                    "rest_api",
                    "rest",
                    1,
                    elsewhere,
                    Map.of(),
                    Map.of(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    "attacker");
            try (var producer = new KafkaProducer<String, byte[]>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(CODEC.record(
                                dev.patchbay.contracts.topic.Topics.PROBE_REQUESTS,
                                id,
                                forged,
                                new EventCodec.Envelope(
                                        forged.correlationId(), forged.requestedAt(), id, tenant, null)))
                        .get(10, TimeUnit.SECONDS);
            }
            var result = new AtomicReference<ProbeCompleted>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Topics.readAll(
                                stack.broker.bootstrapServers(),
                                dev.patchbay.contracts.topic.Topics.PROBE_RESULTS.name())
                        .stream()
                        .map(record -> CODEC.decode(record.value(), ProbeCompleted.class))
                        .filter(completed -> completed.correlationId().equals(forged.correlationId()))
                        .forEach(result::set);
                assertThat(result.get()).isNotNull();
            });
            assertThat(result.get().healthy()).isFalse();
            assertThat(result.get().error().code()).isEqualTo("destination_mismatch");

            assertThat(attacker.connections())
                    .as("connections to the attacker's server")
                    .isZero();
            assertThat(attacker.received()).doesNotContain(canary);
            assertThat(tokensSeen).containsExactly("Bearer " + canary);

            // With the credential given again, the move is a rotation, and the new credential goes there.
            stack.command()
                    .patch()
                    .uri("/v1/connections/" + id)
                    .header("Authorization", editor())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("base_url", home + "/v2", "credential", Map.of("token", canary + "-rotated")))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.credential.version")
                    .isEqualTo(2);
            stack.command()
                    .post()
                    .uri("/v1/connections/" + id + "/test")
                    .header("Authorization", editor())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.healthy")
                    .isEqualTo(true);
            assertThat(tokensSeen).containsExactly("Bearer " + canary, "Bearer " + canary + "-rotated");
        } finally {
            vendor.stop(0);
        }
    }

    private String editor() {
        return "Bearer " + LocalStack.TOKENS.token(tenant, "editor");
    }
}
