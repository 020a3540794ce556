package dev.patchbay.command.platform;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees: health groups that reflect the database and the broker, Prometheus metrics without
 * identifiers or secrets in their labels, one trace from the HTTP request to the record on the topic, and JSON log
 * lines (the test suite runs with {@code patchbay.log-format=json} and the access log on) that carry the trace id
 * and never a webhook token.
 */
class ObservabilityIT extends CommandServiceTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String tenant = TestTokens.newTenant();

    @org.springframework.beans.factory.annotation.Autowired
    private org.springframework.context.ApplicationContext context;

    @Test
    void livenessIsTheProcessAndReadinessAlsoTheDatabaseTheBrokerAndTheConnectorTypes() {
        client().get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
        client().get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.db.status")
                .isEqualTo("UP")
                .jsonPath("$.components.kafka.status")
                .isEqualTo("UP")
                .jsonPath("$.components.connectorTypes.status")
                .isEqualTo("UP")
                .jsonPath("$.components.readinessState.status")
                .isEqualTo("UP")
                .jsonPath("$.components.kafka.details")
                .doesNotExist();
    }

    @Test
    void prometheusHasRequestHistogramsTheRelayLagAndProbeOutcomesAndNoIdentifiers() {
        var id = create(tenant, "metered", "pw-1");
        client().post()
                .uri("/v1/connections/{id}/revoke", id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        client().post()
                .uri("/v1/connections/{id}/test", id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.error.code")
                .isEqualTo("revoked");
        var token = pluggyWithToken("pluggy-metered");
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\"}")
                .exchange()
                .expectStatus()
                .isAccepted();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var metrics = prometheus();
            assertThat(metrics)
                    .contains("http_server_requests_seconds_bucket{")
                    .contains("uri=\"/v1/webhooks/{vendor}/{token}\"")
                    .contains("uri=\"/v1/connections/{id}/test\"")
                    .contains("patchbay_relay_lag_events{")
                    .containsPattern(
                            "patchbay_probe_seconds_count\\{[^}]*outcome=\"revoked\"[^}]*vendor=\"postgresql\"")
                    .contains("patchbay_probe_seconds_bucket{")
                    .contains("patchbay_relay_seconds_count{")
                    .contains("kafka_producer_");
            assertThat(metrics)
                    .as("no secret or identifier in any label")
                    .doesNotContain(token)
                    .doesNotContain(tenant)
                    .doesNotContain(id)
                    .doesNotContain("pw-1");
        });
    }

    @Test
    void spansAreMadeButExportedNowhereUnlessConfigured() {
        assertThat(context.getBeansOfType(io.opentelemetry.sdk.trace.export.SpanExporter.class))
                .as("no span exporter by default (MANAGEMENT_TRACING_EXPORT_OTLP_ENABLED=true turns OTLP on)")
                .isEmpty();
        assertThat(context.getBean(io.micrometer.tracing.Tracer.class)
                        .nextSpan()
                        .context()
                        .traceId())
                .isNotBlank();
    }

    @Test
    void oneCreateIsOneTraceFromTheRequestThroughTheRelayToTheRecord() throws Exception {
        var traceId = HexFormat.of().formatHex(random(16));
        var parent = "00-" + traceId + "-" + HexFormat.of().formatHex(random(8)) + "-01";
        var id = (String) client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .header("traceparent", parent)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("traced", "pw"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var records = records(Topics.CONNECTION_EVENTS.name(), id::equals);
            assertThat(records).hasSize(1);
            assertThat(EventCodec.header(records.get(0).headers(), CloudEvents.TRACEPARENT))
                    .as("the relayed record continues the request's trace")
                    .startsWith("00-" + traceId + "-");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var access = logLines().stream()
                    .filter(line -> line.contains("dev.patchbay.access") && line.contains("POST /v1/connections 201"))
                    .filter(line -> line.contains(traceId))
                    .toList();
            assertThat(access)
                    .as("the request's access log line, with its trace id")
                    .hasSize(1);
            var event = JSON.readTree(access.get(0));
            assertThat(event.toString()).contains("\"" + traceId + "\"");
        });
    }

    @Test
    void aWebhookDeliverysTokenIsInNoLogLineWithTheAccessLogOn() throws Exception {
        var token = pluggyWithToken("pluggy-logged");
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\"}")
                .exchange()
                .expectStatus()
                .isAccepted();
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", token + "x")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\"}")
                .exchange()
                .expectStatus()
                .isNotFound();
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("not json")
                .exchange()
                .expectStatus()
                .isEqualTo(415);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(logLines())
                        .anyMatch(line -> line.contains("POST /v1/webhooks/pluggy/{token} 202"))
                        .anyMatch(line -> line.contains("POST /v1/webhooks/pluggy/{token} 404"))
                        .anyMatch(line -> line.contains("POST /v1/webhooks/pluggy/{token} 415")));
        for (var line : logLines()) {
            if (line.contains("/v1/webhooks/pluggy/")) {
                assertThat(JSON.readTree(line).isObject())
                        .as("one JSON object per line: %s", line)
                        .isTrue();
            }
        }
        assertThat(Files.readString(LOG_FILE)).doesNotContain(token);
    }

    private String pluggyWithToken(String name) {
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        name,
                        "base_url",
                        "https://api.pluggy.example",
                        "credential",
                        Map.of("client_id", "i", "secret", "s")))
                .exchange()
                .expectStatus()
                .isCreated();
        return (String) client().post()
                .uri("/v1/webhooks/tokens")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "pluggy", "connection_config_name", name))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token");
    }

    private String prometheus() {
        return client().mutate()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build()
                .get()
                .uri("/actuator/prometheus")
                .header("Authorization", "Bearer " + TOKENS.operatorToken())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    private static List<String> logLines() throws Exception {
        return Files.readAllLines(LOG_FILE).stream()
                .filter(line -> !line.isBlank())
                .toList();
    }

    private static byte[] random(int bytes) {
        var value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }
}
