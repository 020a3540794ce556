package dev.patchbay.command.platform;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.EventSchemas;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What command-service really publishes conforms to the JSON Schemas of contracts (the AsyncAPI document's
 * payloads): a connection goes through create, update, webhook secret, token mint, a webhook delivery, a live test
 * (and a worker's result, which changes its health),
 * rotation, a rotation to a credential that expires (and its expiry), token revocation, revocation and delete; every record it left on the topics is read back, its body
 * validated against the schema its {@code ce_type} names and its headers against the CloudEvents headers schema.
 */
class EventSchemasIT extends CommandServiceTestBase {

    private static final String SECRET = "whsec-0123456789abcdef";

    private final String tenant = TestTokens.newTenant();

    @Test
    void everyRecordOfALifecycleConformsToTheSchemaOfItsType() throws Exception {
        var id = (String) client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        "pluggy-schemas",
                        "base_url",
                        "https://api.pluggy.example",
                        "account_ref",
                        "item-1",
                        "metadata",
                        Map.of("region", "br", "retries", 3),
                        "credential",
                        Map.of("client_id", "id", "secret", "s")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        patch(id, Map.of("display_name", "Pluggy", "account_ref", "item-2"));
        client().put()
                .uri("/v1/connections/{id}/webhook-secret", id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("secret", SECRET))
                .exchange()
                .expectStatus()
                .isOk();
        var minted = client().post()
                .uri("/v1/webhooks/tokens")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "pluggy", "connection_config_name", "pluggy-schemas"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        var payload = "{\"event\":\"item/updated\",\"itemId\":\"item-2\",\"data\":[1,2.5,null]}";
        long now = java.time.Instant.now().getEpochSecond();
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", minted.get("token"))
                .contentType(MediaType.APPLICATION_JSON)
                .header("webhook-id", "msg_schemas")
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", "v1," + hmac("msg_schemas." + now + "." + payload))
                .bodyValue(payload)
                .exchange()
                .expectStatus()
                .isAccepted();
        // no probe worker answers here: the request is published all the same, then the test times out
        client().post()
                .uri("/v1/connections/{id}/test", id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isEqualTo(504);
        // a worker's result, late: recorded on the connection all the same, a change of its health
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var result = new ProbeCompleted(
                    "late-result",
                    ConnectionId.of(id),
                    TenantId.of(tenant),
                    "pluggy",
                    false,
                    30,
                    java.time.Instant.now(),
                    new ProbeError("credentials_rejected", "Pluggy refused the client credentials."));
            producer.send(CODEC.record(Topics.PROBE_RESULTS, id, result, EventCodec.Envelope.of(id)))
                    .get();
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), id::equals))
                        .anySatisfy(r -> assertThat(EventCodec.header(r.headers(), CloudEvents.TYPE))
                                .isEqualTo("dev.patchbay.connection.health-changed.v1")));
        patch(id, Map.of("credential", Map.of("client_id", "id-2", "secret", "s-2")));
        // a credential that expires a second later: the connection is expired with no test (ConnectionExpired), and
        // what follows works on an expired connection
        patch(id, Map.of("credential", Map.of("client_id", "id-3", "secret", "s-3", "expires_in", 1)));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), id::equals))
                        .anySatisfy(r -> assertThat(EventCodec.header(r.headers(), CloudEvents.TYPE))
                                .isEqualTo("dev.patchbay.connection.expired.v1")));
        var tokenId = jdbc.sql("SELECT token_id FROM webhook_tokens WHERE connection_id = ?::uuid")
                .param(id)
                .query(String.class)
                .single();
        client().delete()
                .uri("/v1/webhooks/tokens/{token}", tokenId)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        client().post()
                .uri("/v1/connections/{id}/revoke", id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        client().delete()
                .uri("/v1/connections/{id}", id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();

        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var events = records(Topics.CONNECTION_EVENTS.name(), id::equals);
            assertThat(events).hasSize(11);
            records.clear();
            records.addAll(events);
        });
        records.addAll(records(Topics.PROBE_REQUESTS.name(), id::equals));
        records.addAll(records(Topics.WEBHOOKS.name(), id::equals));

        var types = new TreeSet<String>();
        for (var record : records) {
            var type = EventCodec.header(record.headers(), CloudEvents.TYPE);
            types.add(type);
            assertThat(EventSchemas.errors(type, record.value()))
                    .as("the body of %s on %s", type, record.topic())
                    .isEmpty();
            Map<String, String> headers = new LinkedHashMap<>();
            record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            assertThat(EventSchemas.headerErrors(headers))
                    .as("the headers of %s", type)
                    .isEmpty();
            assertThat(headers).containsEntry(CloudEvents.SUBJECT, id).containsEntry(CloudEvents.TENANT_ID, tenant);
            assertThat(record.key()).isEqualTo(id);
        }
        var expected = new TreeSet<String>();
        Arrays.stream(ConnectionEvent.class.getPermittedSubclasses())
                .map(CloudEvents::typeOf)
                .forEach(expected::add);
        expected.add("dev.patchbay.probe.requested.v1");
        expected.add("dev.patchbay.webhook.received.v1");
        assertThat(types)
                .as("every event type command-service publishes was checked")
                .isEqualTo(expected);
    }

    private void patch(String id, Map<String, Object> body) {
        client().patch()
                .uri("/v1/connections/{id}", id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk();
    }

    /** A Standard Webhooks v1 signature's base64 HMAC-SHA256 of the signed content. */
    private static String hmac(String body) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
