package dev.patchbay.command.webhook;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.contracts.webhook.WebhookReceived;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhooksIT extends CommandServiceTestBase {

    private final String tenant = TestTokens.newTenant();

    @Test
    void aMintedTokenIsReturnedOnceStoredAsItsHashAndPublishedByIdOnly() throws Exception {
        var id = aggregator("pluggy", "pluggy-main", "item-42");
        var minted = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-main"));
        var token = minted.get("token");
        assertThat(minted).containsOnlyKeys("token", "webhook_url", "vendor").containsEntry("vendor", "pluggy");
        assertThat(minted.get("webhook_url")).isEqualTo("http://127.0.0.1:8080/v1/webhooks/pluggy/" + token);
        assertThat(token).hasSizeGreaterThan(40);

        var hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        var row = jdbc.sql("SELECT token_id, token_hash FROM webhook_tokens WHERE connection_id = ?::uuid").param(id)
                .query().singleRow();
        assertThat((byte[]) row.get("token_hash")).isEqualTo(hash);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var events = records(Topics.CONNECTION_EVENTS.name(), id::equals);
            assertThat(events).hasSize(2);
            var event = (WebhookTokenMinted) CODEC.decode(events.get(1)).orElseThrow();
            assertThat(event.tokenId()).isEqualTo(row.get("token_id"));
            assertThat(new String(events.get(1).value(), StandardCharsets.UTF_8)).doesNotContain(token);
        });

        deliver("pluggy", token, "{\"event\":\"item/updated\",\"itemId\":\"item-42\"}").expectStatus().isAccepted();
        assertThat(Files.readString(LOG_FILE)).doesNotContain(token);
    }

    @Test
    void bothMintPathsAreOneHandlerWithTheSeedSchemasAndTheirRules() {
        aggregator("belvo", "belvo-main", "link-7");
        mint("/v1/discovery/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "belvo-main"));
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "belvo")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].location").isEqualTo("body.connection_config_name");
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "belvo-main",
                "extra", 1)).expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("PBAY-0001");
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "nope"))
                .expectStatus().isNotFound();
        create(tenant, "warehouse", "pw");
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "postgresql", "connection_config_name", "warehouse"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("PBAY-0009");
        client().post().uri("/v1/webhooks/tokens").header("Authorization", "Bearer " + TOKENS.token(tenant, "viewer"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "belvo", "connection_config_name", "belvo-main")).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void anAcceptedDeliveryIsOnTheTopicWithTenantConnectionAndAccountBeforeThe202() {
        var id = aggregator("belvo", "belvo-deliveries", "link-99");
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name",
                "belvo-deliveries")).get("token");
        var payload = "{\"webhook_id\":\"wh-1\",\"webhook_type\":\"TRANSACTIONS\","
                + "\"webhook_code\":\"historical_update\",\"link_id\":\"link-99\",\"data\":{\"new_transactions\":3}}";
        var deliveryId = deliver("belvo", token, payload).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("delivery_id");

        var records = records(Topics.WEBHOOKS.name(), id::equals);
        assertThat(records).hasSize(1);
        var received = (WebhookReceived) CODEC.decode(records.get(0)).orElseThrow();
        assertThat(received.deliveryId()).isEqualTo(deliveryId);
        assertThat(received.tenantId().value()).isEqualTo(tenant);
        assertThat(received.vendor()).isEqualTo("belvo");
        assertThat(received.accountRef()).isEqualTo("link-99");
        assertThat(received.receivedAt()).isNotNull();
        assertThat(received.payload().toString()).contains("historical_update", "link-99");
        assertThat(EventCodec.header(records.get(0).headers(), CloudEvents.TYPE))
                .isEqualTo("dev.patchbay.webhook.received.v1");
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).doesNotContain(token);
    }

    @Test
    void unknownRevokedAndOrphanedTokensAllLookTheSame() {
        var pluggy = aggregator("pluggy", "pluggy-gone", "item-1");
        var revokedToken = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name",
                "pluggy-gone")).get("token");
        var tokenId = jdbc.sql("SELECT token_id FROM webhook_tokens WHERE connection_id = ?::uuid").param(pluggy)
                .query(String.class).single();
        client().delete().uri("/v1/webhooks/tokens/" + tokenId).header("Authorization", editor(tenant)).exchange()
                .expectStatus().isNoContent();
        client().delete().uri("/v1/webhooks/tokens/" + tokenId).header("Authorization", editor(TestTokens.newTenant()))
                .exchange().expectStatus().isNotFound();

        aggregator("pluggy", "pluggy-deleted", "item-2");
        var deletedToken = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name",
                "pluggy-deleted")).get("token");
        var deletedId = jdbc.sql("SELECT connection_id::text FROM webhook_tokens WHERE token_hash = ?")
                .param(WebhookTokens.hash(deletedToken)).query(String.class).single();
        client().delete().uri("/v1/connections/" + deletedId).header("Authorization", editor(tenant)).exchange()
                .expectStatus().isNoContent();

        var revokedConnection = aggregator("pluggy", "pluggy-revoked", "item-3");
        var revokedConnectionToken = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name",
                "pluggy-revoked")).get("token");
        client().post().uri("/v1/connections/" + revokedConnection + "/revoke").header("Authorization",
                editor(tenant)).exchange().expectStatus().isOk();

        var answers = new java.util.HashSet<String>();
        for (var token : new String[] {revokedToken, deletedToken, revokedConnectionToken, "pbwh_unknown"}) {
            answers.add(deliver("pluggy", token, "{\"event\":\"item/updated\"}").expectStatus().isNotFound()
                    .expectBody(Map.class).returnResult().getResponseBody().toString());
        }
        assertThat(answers).as("one answer for every kind of dead token").hasSize(1);
        assertThat(answers.iterator().next()).contains("/v1/webhooks/pluggy/{token}").doesNotContain("pbwh_");
    }

    @Test
    void aConnectionWithASigningSecretTakesOnlySignedDeliveriesAndPayloadsAreCapped() throws Exception {
        var id = aggregator("pluggy", "pluggy-signed", "item-5");
        var secret = "whsec_" + "k".repeat(30);
        client().put().uri("/v1/connections/" + id + "/webhook-secret").header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("secret", secret)).exchange()
                .expectStatus().isOk();
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-signed"))
                .get("token");
        var body = "{\"event\":\"item/updated\",\"itemId\":\"item-5\"}";
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        var signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));

        deliver("pluggy", token, body).expectStatus().isUnauthorized();
        deliverSigned(token, body, "sha256=" + "0".repeat(64)).expectStatus().isUnauthorized();
        deliverSigned(token, body + " ", signature).expectStatus().isUnauthorized();
        deliverSigned(token, body, signature).expectStatus().isAccepted();

        var big = "{\"data\":\"" + "x".repeat(256 * 1024) + "\"}";
        deliver("pluggy", token, big).expectStatus().isEqualTo(413).expectBody().jsonPath("$.code")
                .isEqualTo("PBAY-0007");
        client().post().uri("/v1/webhooks/pluggy/{token}", token).contentType(MediaType.TEXT_PLAIN)
                .bodyValue("hello").exchange().expectStatus().isEqualTo(415);
    }

    private String aggregator(String vendor, String name, String accountRef) {
        return (String) client().post().uri("/v1/connections").header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("vendor", vendor, "config_name", name,
                        "base_url", "https://api." + vendor + ".example", "account_ref", accountRef,
                        "credential", Map.of("client_id", "id", "secret", "s")))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> mint(String path, Map<String, Object> body) {
        return mintRequest(path, body).expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    private WebTestClient.ResponseSpec mintRequest(String path, Map<String, Object> body) {
        return client().post().uri(path).header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec deliver(String vendor, String token, String body) {
        return client().post().uri("/v1/webhooks/{vendor}/{token}", vendor, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec deliverSigned(String token, String body, String signature) {
        return client().post().uri("/v1/webhooks/pluggy/{token}", token).header("X-Patchbay-Signature",
                signature).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}
