package dev.patchbay.query.connection;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of query-service: health groups that reflect the database and the broker, Prometheus
 * metrics with request histograms and the projection's consumer lag, and the trace that the relay put on a record
 * continued by the projection (its log lines carry the trace id, the tenant and the connection) and by a read that
 * belongs to the same trace.
 */
class ObservabilityIT extends QueryServiceTestBase {

    private static final EventCodec CODEC = new EventCodec("/patchbay/command-service");
    /** Every log event, with its MDC taken at once (logback reads it lazily, on whatever thread asks later). */
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    /** After the context started: Spring Boot's logging set-up resets logback and would drop the appender. */
    @BeforeEach
    void captureLogs() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!root.isAttached(LOGS)) {
            LOGS.setContext(root.getLoggerContext());
            LOGS.start();
            root.addAppender(LOGS);
        }
    }

    @Test
    void livenessIsTheProcessAndReadinessAlsoTheDatabaseAndTheBroker() {
        http.get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
        http.get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.r2dbc.status")
                .isEqualTo("UP")
                .jsonPath("$.components.kafka.status")
                .isEqualTo("UP")
                .jsonPath("$.components.readinessState.status")
                .isEqualTo("UP");
    }

    @Test
    void theProjectionAndAReadContinueTheTraceOfTheRecord() {
        var tenant = TestTokens.newTenant();
        var created = ConnectionFixtures.aConnection(tenant).named("traced").created();
        var id = created.connectionId().toString();
        var traceId = HexFormat.of().formatHex(random(16));
        var record = CODEC.record(
                Topics.CONNECTION_EVENTS,
                id,
                created,
                new EventCodec.Envelope(
                        UUID.randomUUID().toString(), created.occurredAt(), id, tenant, created.version()));
        record.headers().add(CloudEvents.TRACEPARENT, traceparent(traceId).getBytes(StandardCharsets.UTF_8));
        awaitConsumed(send(record));

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events())
                        .filteredOn(e -> e.getLoggerName().endsWith("ConnectionDescriptorProjection"))
                        .filteredOn(e -> traceId.equals(e.getMDCPropertyMap().get("traceId")))
                        .as(
                                "the projection's line for the event, in the record's trace %s, among %s",
                                traceId,
                                events().stream()
                                        .filter(e -> e.getLoggerName().endsWith("ConnectionDescriptorProjection"))
                                        .map(e -> e.getMDCPropertyMap() + " " + e.getFormattedMessage())
                                        .toList())
                        .singleElement()
                        .satisfies(e -> assertThat(e.getMDCPropertyMap())
                                .containsEntry("tenant_id", tenant)
                                .containsEntry("connection_id", id)));

        http.get()
                .uri("/v1/connections/{id}", id)
                .header("Authorization", viewer(tenant))
                .header("traceparent", traceparent(traceId))
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(events())
                        .filteredOn(e -> e.getLoggerName().equals("dev.patchbay.access"))
                        .filteredOn(e -> traceId.equals(e.getMDCPropertyMap().get("traceId")))
                        .extracting(ILoggingEvent::getFormattedMessage)
                        .singleElement()
                        .asString()
                        .startsWith("GET /v1/connections/" + id + " 200 "));
    }

    @Test
    void prometheusHasRequestHistogramsAndTheProjectionsConsumerLagAndNoIdentifiers() {
        var tenant = TestTokens.newTenant();
        var created = ConnectionFixtures.aConnection(tenant).named("metered").created();
        awaitConsumed(publish(created));
        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header("Authorization", viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var metrics = http.mutate()
                    .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                    .build()
                    .get()
                    .uri("/actuator/prometheus")
                    .header("Authorization", operator())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(metrics)
                    .contains("http_server_requests_seconds_bucket{")
                    .contains("uri=\"/v1/connections/{id}\"")
                    .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*"
                            + "client_id=\"consumer-patchbay-query-")
                    // one container per listener thread (patchbay.query.projection-concurrency): whichever owns the
                    // record's partition observes it
                    .containsPattern("spring_kafka_listener_[a-z_]*\\{[^}]*spring_kafka_listener_id="
                            + "\"connection-descriptors-[0-9]+\"");
            assertThat(metrics)
                    .as("no identifier in any label")
                    .doesNotContain(tenant)
                    .doesNotContain(created.connectionId().toString());
        });
    }

    private static List<ILoggingEvent> events() {
        synchronized (LOGS) {
            return List.copyOf(LOGS.list);
        }
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + HexFormat.of().formatHex(random(8)) + "-01";
    }

    private static byte[] random(int bytes) {
        var value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return value;
    }
}
