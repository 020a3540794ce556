package dev.patchbay.probe;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker as it runs: its real main method, a real KRaft broker, and plain Kafka and HTTP clients. */
class ProbeWorkerIT extends RunningWorker {

    private static final List<String> VENDORS =
            List.of("belvo", "kafka", "mysql", "oauth2", "pluggy", "postgresql", "rest_api", "webhook");

    private final EventCodec codec = new EventCodec("/test");
    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    private int port;

    @Test
    void everyConnectorTypeIsRegisteredOnTheRegistryTopicKeyedByVendor() {
        var latest = new HashMap<String, ConsumerRecord<String, byte[]>>();
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        TestInfrastructure.kafkaBootstrapServers(),
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(Topics.CONNECTOR_TYPES.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> latest.put(record.key(), record));
                assertThat(latest).containsOnlyKeys(VENDORS);
            });
        }

        latest.forEach((vendor, record) -> {
            var headers = record.headers();
            assertThat(EventCodec.header(headers, CloudEvents.TYPE))
                    .isEqualTo("dev.patchbay.connector-type.registered.v1");
            assertThat(EventCodec.header(headers, CloudEvents.SPECVERSION)).isEqualTo("1.0");
            assertThat(EventCodec.header(headers, CloudEvents.SOURCE)).isEqualTo("/patchbay/probe-worker");
            assertThat(EventCodec.header(headers, CloudEvents.SUBJECT)).isEqualTo(vendor);
            assertThat(EventCodec.header(headers, CloudEvents.ID)).isNotBlank();
            assertThat(codec.decode(record))
                    .get()
                    .isInstanceOfSatisfying(
                            ConnectorTypeRegistered.class,
                            registered -> assertThat(registered.vendor()).isEqualTo(vendor));
        });
        var pluggy = codec.decode(latest.get("pluggy").value(), ConnectorTypeRegistered.class);
        assertThat(pluggy.category()).isEqualTo("rest");
        assertThat(pluggy.displayName()).isEqualTo("Pluggy");
        assertThat(pluggy.requiredConfig()).isEmpty();
        assertThat(pluggy.secretFields()).containsExactly("client_id", "secret");
        assertThat(pluggy.supportsWebhooks()).isTrue();
        var postgresql = codec.decode(latest.get("postgresql").value(), ConnectorTypeRegistered.class);
        assertThat(postgresql.category()).isEqualTo("database");
        assertThat(postgresql.requiredConfig()).containsExactly("host", "port", "database");
        assertThat(postgresql.secretFields()).containsExactly("username", "password");
        assertThat(postgresql.supportsWebhooks()).isFalse();
        assertThat(new String(latest.get("mysql").value()))
                .contains(
                        "\"display_name\":\"MySQL\"",
                        "\"secret_fields\":[\"username\",\"password\"]",
                        "\"supports_webhooks\":false");
        var kafka = codec.decode(latest.get("kafka").value(), ConnectorTypeRegistered.class);
        assertThat(kafka.category()).isEqualTo("broker");
        assertThat(kafka.requiredConfig()).containsExactly("bootstrap_servers");
        assertThat(kafka.secretFields()).containsExactly("username", "password");
        var restApi = codec.decode(latest.get("rest_api").value(), ConnectorTypeRegistered.class);
        assertThat(restApi.category()).isEqualTo("rest");
        assertThat(restApi.secretFields()).containsExactly("token");
        assertThat(restApi.supportsWebhooks()).isFalse();
        var oauth2 = codec.decode(latest.get("oauth2").value(), ConnectorTypeRegistered.class);
        assertThat(oauth2.category()).isEqualTo("rest");
        assertThat(oauth2.requiredConfig()).containsExactly("token_endpoint");
        assertThat(oauth2.secretFields()).containsExactly("client_id", "client_secret", "access_token");
        assertThat(oauth2.optionalSecretFields()).containsExactly("refresh_token");
        assertThat(oauth2.configOutsideDestination()).containsExactly("scope", "client_auth", "check_path");
        assertThat(new String(latest.get("rest_api").value())).doesNotContain("optional_secret_fields");
        var webhook = codec.decode(latest.get("webhook").value(), ConnectorTypeRegistered.class);
        assertThat(webhook.secretFields()).containsExactly("signing_secret");
        assertThat(webhook.supportsWebhooks()).isFalse();
    }

    @Test
    void healthIsUpOnceRegisteredAndNeedsNoCredentials() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var health = get("/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"", "\"connectorTypes\"", "\"vaultKeys\"", "\"db\"");
        });
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(200);
    }

    @Test
    void healthShowsWhichChecksAreUpButNeverTheirDetails() throws Exception {
        for (var path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(get(path).statusCode()).isEqualTo(200));
            assertThat(get(path).body()).as(path).doesNotContain("\"details\"", "database", "validationQuery");
        }
        assertThat(get("/actuator/health/db").body()).doesNotContain("\"details\"", "PostgreSQL");
    }

    @Test
    void nothingButHealthInfoAndMetricsIsServed() throws Exception {
        assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/beans").statusCode()).isEqualTo(404);
        assertThat(get("/v1/connections").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
