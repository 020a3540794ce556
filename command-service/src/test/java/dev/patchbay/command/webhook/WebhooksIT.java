package dev.patchbay.command.webhook;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.contracts.webhook.WebhookReceived;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhooksIT extends CommandServiceTestBase {

    private static final String SECRET = "a-signing-secret-of-33-characters";
    private static final byte[] SECRET_BYTES = SECRET.getBytes(StandardCharsets.UTF_8);

    private final String tenant = TestTokens.newTenant();

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private WebhookDeliveryProperties properties;

    @Autowired
    private WebhookDeliveries deliveries;

    @Test
    void aMintedTokenIsReturnedOnceStoredAsItsHashAndPublishedByIdOnly() throws Exception {
        var id = aggregator("pluggy", "pluggy-main", "item-42");
        var minted = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-main"));
        var token = minted.get("token");
        assertThat(minted).containsOnlyKeys("token", "webhook_url", "vendor").containsEntry("vendor", "pluggy");
        assertThat(minted.get("webhook_url")).isEqualTo("http://127.0.0.1:8080/v1/webhooks/pluggy/" + token);
        assertThat(token).hasSizeGreaterThan(40);

        var hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        var row = jdbc.sql("SELECT token_id, token_hash FROM webhook_tokens WHERE connection_id = ?::uuid")
                .param(id)
                .query()
                .singleRow();
        assertThat((byte[]) row.get("token_hash")).isEqualTo(hash);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var events = records(Topics.CONNECTION_EVENTS.name(), id::equals);
            assertThat(events).hasSize(2);
            var event = (WebhookTokenMinted) CODEC.decode(events.get(1)).orElseThrow();
            assertThat(event.tokenId()).isEqualTo(row.get("token_id"));
            assertThat(new String(events.get(1).value(), StandardCharsets.UTF_8))
                    .doesNotContain(token);
        });

        deliver("pluggy", token, "{\"event\":\"item/updated\",\"itemId\":\"item-42\"}")
                .expectStatus()
                .isAccepted();
        assertThat(Files.readString(LOG_FILE)).doesNotContain(token);
    }

    @Test
    void bothMintPathsAreOneHandlerWithTheSeedSchemasAndTheirRules() {
        aggregator("belvo", "belvo-main", "link-7");
        mint("/v1/discovery/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "belvo-main"));
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "belvo"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.connection_config_name");
        mintRequest(
                        "/v1/webhooks/tokens",
                        Map.of("vendor", "belvo", "connection_config_name", "belvo-main", "extra", 1))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001");
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "nope"))
                .expectStatus()
                .isNotFound();
        create(tenant, "warehouse", "pw");
        mintRequest("/v1/webhooks/tokens", Map.of("vendor", "postgresql", "connection_config_name", "warehouse"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0009");
        client().post()
                .uri("/v1/webhooks/tokens")
                .header("Authorization", "Bearer " + TOKENS.token(tenant, "viewer"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "belvo", "connection_config_name", "belvo-main"))
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    @Test
    void mintingByNameBindsTheOrganizationsConnectionBesideUserConnectionsOfLookAlikeScopes() {
        for (var scope : java.util.List.of(
                Map.of("end_user_id", "u", "workspace_id", "w"), Map.of("end_user_id", "u@workspace:w"))) {
            var body = new java.util.HashMap<String, Object>(Map.of(
                    "vendor",
                    "pluggy",
                    "config_name",
                    "pluggy-shared",
                    "scope",
                    "user",
                    "base_url",
                    "https://api.pluggy.example",
                    "credential",
                    Map.of("client_id", "id", "secret", "s")));
            body.putAll(scope);
            // the old scope keys of these two were one key: the second create was a 409
            client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isCreated();
        }
        var organization = aggregator("pluggy", "pluggy-shared", "item-org");
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-shared"))
                .get("token");
        assertThat(jdbc.sql("SELECT connection_id::text FROM webhook_tokens WHERE token_hash = ?")
                        .param(WebhookTokens.hash(token))
                        .query(String.class)
                        .single())
                .isEqualTo(organization);
    }

    @Test
    void anAcceptedDeliveryIsOnTheTopicWithTenantConnectionAndAccountBeforeThe202() {
        var id = aggregator("belvo", "belvo-deliveries", "link-99");
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "belvo-deliveries"))
                .get("token");
        var payload = "{\"webhook_id\":\"wh-1\",\"webhook_type\":\"TRANSACTIONS\","
                + "\"webhook_code\":\"historical_update\",\"link_id\":\"link-99\",\"data\":{\"new_transactions\":3}}";
        var deliveryId = deliver("belvo", token, payload)
                .expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("delivery_id");

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
        var revokedToken = mint(
                        "/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-gone"))
                .get("token");
        var tokenId = jdbc.sql("SELECT token_id FROM webhook_tokens WHERE connection_id = ?::uuid")
                .param(pluggy)
                .query(String.class)
                .single();
        client().delete()
                .uri("/v1/webhooks/tokens/" + tokenId)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        client().delete()
                .uri("/v1/webhooks/tokens/" + tokenId)
                .header("Authorization", editor(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isNotFound();

        aggregator("pluggy", "pluggy-deleted", "item-2");
        var deletedToken = mint(
                        "/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-deleted"))
                .get("token");
        var deletedId = jdbc.sql("SELECT connection_id::text FROM webhook_tokens WHERE token_hash = ?")
                .param(WebhookTokens.hash(deletedToken))
                .query(String.class)
                .single();
        client().delete()
                .uri("/v1/connections/" + deletedId)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();

        var revokedConnection = aggregator("pluggy", "pluggy-revoked", "item-3");
        var revokedConnectionToken = mint(
                        "/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-revoked"))
                .get("token");
        client().post()
                .uri("/v1/connections/" + revokedConnection + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();

        var answers = new java.util.HashSet<String>();
        for (var token : new String[] {revokedToken, deletedToken, revokedConnectionToken, "pbwh_unknown"}) {
            answers.add(deliver("pluggy", token, "{\"event\":\"item/updated\"}")
                    .expectStatus()
                    .isNotFound()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .toString());
        }
        assertThat(answers).as("one answer for every kind of dead token").hasSize(1);
        assertThat(answers.iterator().next())
                .contains("/v1/webhooks/pluggy/{token}")
                .doesNotContain("pbwh_");
    }

    @Test
    void aConnectionWithASigningSecretTakesOnlyStandardWebhooksSignaturesAndPayloadsAreCapped() throws Exception {
        var hook = signedHook("pluggy-signed", SECRET);
        var body = "{\"event\":\"item/updated\",\"itemId\":\"item-5\"}";
        long now = Instant.now().getEpochSecond();
        var signature = sign(SECRET_BYTES, "msg_1", now, body);

        deliver("pluggy", hook.token(), body)
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101");
        deliverSigned(hook.token(), body, "msg_1", now, null).expectStatus().isUnauthorized();
        deliverSigned(
                        hook.token(),
                        body,
                        "msg_1",
                        now,
                        "v1," + Base64.getEncoder().encodeToString(new byte[32]))
                .expectStatus()
                .isUnauthorized();
        deliverSigned(hook.token(), body + " ", "msg_1", now, signature)
                .expectStatus()
                .isUnauthorized();
        // the id and the timestamp are signed too: neither can be changed to pass a copy off as new
        deliverSigned(hook.token(), body, "msg_2", now, signature)
                .expectStatus()
                .isUnauthorized();
        deliverSigned(hook.token(), body, "msg_1", now - 1, signature)
                .expectStatus()
                .isUnauthorized();
        // the old scheme (a body-only HMAC, replayable) is no signature any more
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", hook.token())
                .header("X-Patchbay-Signature", "sha256=" + HexFormat.of().formatHex(hmac(SECRET_BYTES, body)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isUnauthorized();
        var problem = deliverSigned(hook.token(), body, "msg_1", now, "v1,not-base64!")
                .expectStatus()
                .isUnauthorized()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(problem).doesNotContain("not-base64").doesNotContain("msg_1");

        deliverSigned(hook.token(), body, "msg_1", now, signature)
                .expectStatus()
                .isAccepted();
        var published = records(Topics.WEBHOOKS.name(), hook.connectionId()::equals);
        assertThat(published).hasSize(1);
        assertThat(new String(published.get(0).value(), StandardCharsets.UTF_8))
                .doesNotContain(SECRET)
                .doesNotContain(signature.substring(3));
        assertThat(Files.readString(LOG_FILE))
                .doesNotContain(SECRET)
                .doesNotContain(signature.substring(3))
                .doesNotContain(hook.token());

        var big = "{\"data\":\"" + "x".repeat(256 * 1024) + "\"}";
        deliver("pluggy", hook.token(), big)
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0007");
        client().post()
                .uri("/v1/webhooks/pluggy/{token}", hook.token())
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("hello")
                .exchange()
                .expectStatus()
                .isEqualTo(415);
    }

    @Test
    void aTimestampMoreThanFiveMinutesFromNowEitherWayIsRefused() throws Exception {
        var hook = signedHook("pluggy-clock", SECRET);
        var body = "{\"event\":\"item/updated\"}";
        long now = Instant.now().getEpochSecond();
        // 305, not 301: now is floored to the second and each delivery takes time, so by the time the server reads
        // its clock a timestamp 301 s ahead may be less than 300 s ahead of it (this failed on a loaded machine)
        for (long stale : new long[] {now - 305, now + 305, now - 86_400}) {
            deliverSigned(hook.token(), body, "msg_" + stale, stale, sign(SECRET_BYTES, "msg_" + stale, stale, body))
                    .expectStatus()
                    .isUnauthorized()
                    .expectBody()
                    .jsonPath("$.detail")
                    .value(String.class, detail -> assertThat(detail).contains("5 minutes"));
        }
        for (long skewed : new long[] {now - 290, now + 290}) {
            deliverSigned(
                            hook.token(),
                            body,
                            "msg_" + skewed,
                            skewed,
                            sign(SECRET_BYTES, "msg_" + skewed, skewed, body))
                    .expectStatus()
                    .isAccepted();
        }
        deliverSigned(hook.token(), body, "msg_x", now, sign(SECRET_BYTES, "msg_x", now, body))
                .expectStatus()
                .isAccepted();
        deliverSigned(hook.token(), body, "msg_y", -1, sign(SECRET_BYTES, "msg_y", now, body))
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void anyOneValidSignatureAmongSeveralPassesSoASenderCanRotateItsSecret() throws Exception {
        var hook = signedHook("pluggy-rotating", SECRET);
        var body = "{\"event\":\"item/created\"}";
        long now = Instant.now().getEpochSecond();
        var retired = sign("a-retired-secret-nobody-has-now".getBytes(StandardCharsets.UTF_8), "msg_r", now, body);
        var current = sign(SECRET_BYTES, "msg_r", now, body);

        deliverSigned(hook.token(), body, "msg_r", now, retired).expectStatus().isUnauthorized();
        deliverSigned(hook.token(), body, "msg_r", now, "v1a,c29tZXRoaW5nLWVsc2U= " + retired + "  " + current)
                .expectStatus()
                .isAccepted();
        deliverSigned(hook.token(), body, "msg_r", now, current + " " + retired)
                .expectStatus()
                .isAccepted();
    }

    @Test
    void aWhsecSecretKeysTheSignatureWithTheBytesItsBase64Holds() throws Exception {
        var key = new byte[24];
        new java.security.SecureRandom().nextBytes(key);
        var secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        var hook = signedHook("pluggy-whsec", secret);
        var body = "{\"event\":\"item/deleted\"}";
        long now = Instant.now().getEpochSecond();

        deliverSigned(
                        hook.token(),
                        body,
                        "msg_w",
                        now,
                        sign(secret.getBytes(StandardCharsets.UTF_8), "msg_w", now, body))
                .expectStatus()
                .isUnauthorized();
        deliverSigned(hook.token(), body, "msg_w", now, sign(key, "msg_w", now, body))
                .expectStatus()
                .isAccepted();
    }

    @Test
    void aRepeatedWebhookIdIsTheSameDeliveryAnsweredWithItsDeliveryIdAndPublishedOnce() throws Exception {
        var hook = signedHook("pluggy-replayed", SECRET);
        var body = "{\"event\":\"item/updated\",\"itemId\":\"item-8\"}";
        long now = Instant.now().getEpochSecond();
        var signature = sign(SECRET_BYTES, "msg_once", now, body);

        var first = deliveryId(deliverSigned(hook.token(), body, "msg_once", now, signature));
        var again = deliveryId(deliverSigned(hook.token(), body, "msg_once", now, signature));
        // another token of the same connection is the same connection: still the same delivery
        var otherToken = mint(
                        "/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-replayed"))
                .get("token");
        var viaOtherToken = deliveryId(deliverSigned(otherToken, body, "msg_once", now, signature));
        var next = deliveryId(
                deliverSigned(hook.token(), body, "msg_next", now, sign(SECRET_BYTES, "msg_next", now, body)));

        assertThat(again).isEqualTo(first);
        assertThat(viaOtherToken).isEqualTo(first);
        assertThat(next).isNotEqualTo(first);
        var published = records(Topics.WEBHOOKS.name(), hook.connectionId()::equals).stream()
                .map(record -> ((WebhookReceived) CODEC.decode(record).orElseThrow()).deliveryId())
                .toList();
        assertThat(published).containsExactly(first, next);
    }

    @Test
    void withoutASecretDeliveriesStayUnsignedAndAWebhookIdStillMakesACopyTheSameDelivery() {
        var id = aggregator("belvo", "belvo-unsigned", "link-3");
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "belvo", "connection_config_name", "belvo-unsigned"))
                .get("token");
        var body = "{\"webhook_code\":\"new_accounts_available\"}";

        var first = deliveryId(withId(token, body, "evt-1"));
        assertThat(deliveryId(withId(token, body, "evt-1"))).isEqualTo(first);
        var anonymous = deliveryId(deliver("belvo", token, body));
        assertThat(deliveryId(deliver("belvo", token, body))).isNotEqualTo(anonymous);
        withId(token, body, "evt 2")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("header.webhook-id");
        assertThat(records(Topics.WEBHOOKS.name(), id::equals)).hasSize(3);

        // after the retention, an id is forgotten: the same id is a new delivery again
        jdbc.sql("UPDATE webhook_deliveries SET received_at = received_at - interval '16 minutes' "
                        + "WHERE connection_id = ?::uuid")
                .param(id)
                .update();
        deliveries.forgetBefore(Instant.now().minus(WebhookDeliveries.RETENTION));
        assertThat(jdbc.sql("SELECT count(*) FROM webhook_deliveries WHERE connection_id = ?::uuid")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(deliveryId(withId(token, body, "evt-1"))).isNotEqualTo(first);
    }

    @Test
    void copiesOfOneDeliveryArrivingAtOnceArePublishedOnce() throws Exception {
        var hook = signedHook("pluggy-concurrent", SECRET);
        var body = "{\"event\":\"item/updated\",\"itemId\":\"item-9\"}";
        long now = Instant.now().getEpochSecond();
        var signature = sign(SECRET_BYTES, "msg_race", now, body);
        int copies = 8;
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(copies);
        try {
            var answers = new ArrayList<Future<String>>();
            for (int i = 0; i < copies; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return deliveryId(deliverSigned(hook.token(), body, "msg_race", now, signature));
                }));
            }
            start.countDown();
            var deliveryIds = new HashSet<String>();
            for (var answer : answers) {
                deliveryIds.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(deliveryIds).hasSize(1);
            var published = records(Topics.WEBHOOKS.name(), hook.connectionId()::equals);
            assertThat(published).hasSize(1);
            assertThat(((WebhookReceived) CODEC.decode(published.get(0)).orElseThrow()).deliveryId())
                    .isEqualTo(deliveryIds.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTokenOverItsRateLimitIsRefused429BeforeItsSecretIsOpened() throws Exception {
        var hook = signedHook("pluggy-flooded", SECRET);
        var body = "{\"event\":\"item/updated\"}";
        long now = Instant.now().getEpochSecond();
        double opensBefore = opens();
        for (int i = 0; i < properties.rateLimit(); i++) {
            deliverSigned(hook.token(), body, "msg_" + i, now, sign(SECRET_BYTES, "msg_" + i, now, body))
                    .expectStatus()
                    .isAccepted();
        }
        assertThat(opens())
                .as("the opened key is kept: one open for all of them")
                .isEqualTo(opensBefore + 1);

        deliverSigned(hook.token(), body, "msg_over", now, sign(SECRET_BYTES, "msg_over", now, body))
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .value(
                        "Retry-After",
                        value -> assertThat(Integer.parseInt(value)).isBetween(1, 60))
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0401");
        // a wrong signature is 429 too, not 401: the limit comes before the signature is checked
        deliverSigned(
                        hook.token(),
                        body,
                        "msg_bad",
                        now,
                        sign("wrong-secret-wrong-secret".getBytes(StandardCharsets.UTF_8), "msg_bad", now, body))
                .expectStatus()
                .isEqualTo(429);
        // a new secret is a new version, which a check would have to open: the limited token opens nothing
        var rotated = "the-next-signing-secret-0123456789";
        putSecret(hook.connectionId(), rotated);
        var rotatedBytes = rotated.getBytes(StandardCharsets.UTF_8);
        deliverSigned(hook.token(), body, "msg_rot", now, sign(rotatedBytes, "msg_rot", now, body))
                .expectStatus()
                .isEqualTo(429);
        assertThat(opens()).isEqualTo(opensBefore + 1);
        // cheap refusals come first and take nothing from the bucket (a 401 here, not a 429)
        deliverSigned(hook.token(), body, "msg_old", now - 3600, sign(rotatedBytes, "msg_old", now - 3600, body))
                .expectStatus()
                .isUnauthorized();

        // the limit is the token's: another token of the connection delivers, and opens the new secret once
        var fresh = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", "pluggy-flooded"))
                .get("token");
        deliverSigned(fresh, body, "msg_rot", now, sign(rotatedBytes, "msg_rot", now, body))
                .expectStatus()
                .isAccepted();
        deliverSigned(fresh, body, "msg_rot", now, sign(SECRET_BYTES, "msg_rot", now, body))
                .expectStatus()
                .isUnauthorized();
        assertThat(opens()).isEqualTo(opensBefore + 2);
    }

    private record Hook(String connectionId, String token) {}

    /** A pluggy connection with that signing secret, and a token for it. */
    private Hook signedHook(String name, String secret) {
        var id = aggregator("pluggy", name, "item-" + name);
        putSecret(id, secret);
        var token = mint("/v1/webhooks/tokens", Map.of("vendor", "pluggy", "connection_config_name", name))
                .get("token");
        return new Hook(id, token);
    }

    private void putSecret(String connectionId, String secret) {
        client().put()
                .uri("/v1/connections/" + connectionId + "/webhook-secret")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("secret", secret))
                .exchange()
                .expectStatus()
                .isOk();
    }

    private double opens() {
        return meters.get("patchbay.webhook.secret.opens").counter().count();
    }

    private static byte[] hmac(byte[] key, String content) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
    }

    /** A Standard Webhooks signature: v1,base64(HMAC-SHA256(key, id.timestamp.body)). */
    private static String sign(byte[] key, String webhookId, long timestamp, String body) throws Exception {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key, webhookId + "." + timestamp + "." + body));
    }

    private static String deliveryId(WebTestClient.ResponseSpec answer) {
        return (String) answer.expectStatus()
                .isAccepted()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("delivery_id");
    }

    private String aggregator(String vendor, String name, String accountRef) {
        return (String) client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        vendor,
                        "config_name",
                        name,
                        "base_url",
                        "https://api." + vendor + ".example",
                        "account_ref",
                        accountRef,
                        "credential",
                        Map.of("client_id", "id", "secret", "s")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> mint(String path, Map<String, Object> body) {
        return mintRequest(path, body)
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private WebTestClient.ResponseSpec mintRequest(String path, Map<String, Object> body) {
        return client().post()
                .uri(path)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec deliver(String vendor, String token, String body) {
        return client().post()
                .uri("/v1/webhooks/{vendor}/{token}", vendor, token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.ResponseSpec deliverSigned(
            String token, String body, String webhookId, long timestamp, String signature) {
        var request = client().post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .header("webhook-id", webhookId)
                .header("webhook-timestamp", Long.toString(timestamp));
        if (signature != null) {
            request = request.header("webhook-signature", signature);
        }
        return request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec withId(String token, String body, String webhookId) {
        return client().post()
                .uri("/v1/webhooks/belvo/{token}", token)
                .header("webhook-id", webhookId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
