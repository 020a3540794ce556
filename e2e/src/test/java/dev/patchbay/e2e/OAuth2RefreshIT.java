package dev.patchbay.e2e;

import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * OAuth2 connections end to end (issue 21 §3), with the three services from their jars, the real broker and
 * PostgreSQL, and {@link OAuth2Provider}, a local stand-in for the provider's RFC 6749 token endpoint and its API (a
 * real authorization server cannot be reached from here). A connection created with an access token that expires
 * within the refresh margin is refreshed by the probe worker's refresher, on command-service's request, with the
 * refresh grant: a {@code ConnectionRotated} by {@code patchbay:refresher} on the topic, a new fingerprint and expiry
 * on the read side, exactly one grant with the right refresh token at the provider, and the refresh token kept when
 * the provider sent none (the next grant, which a 401 through the proxy causes, carries the same one). A grant the
 * provider refuses ({@code invalid_grant}) makes the connection expired: a {@code ConnectionExpired} on the topic,
 * status {@code expired} on the read side, and the proxy refuses it.
 */
class OAuth2RefreshIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String CLIENT_SECRET = "client-secret-" + UUID.randomUUID();

    private static LocalStack stack;
    private static OAuth2Provider provider;

    private final String tenant = TestTokens.newTenant();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void theStackAndTheProviderAreUp() throws Exception {
        stack = LocalStack.get();
        provider = new OAuth2Provider(CLIENT_SECRET);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> stack.command()
                        .get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectStatus()
                        .isOk());
    }

    @AfterAll
    static void stopTheProvider() {
        provider.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTokenAboutToExpireIsRefreshedOnceItsRefreshTokenKeptAndTheProxyRenewsOnA401() throws Exception {
        var refreshToken = "rt-" + suffix;
        var firstRenewal = "at-1-" + suffix;
        var secondRenewal = "at-2-" + suffix;
        var grants = new AtomicInteger();
        // the provider sends no new refresh token: the old one must be kept
        provider.answer(
                refreshToken,
                grant -> OAuth2Provider.Answer.issued(
                        grants.incrementAndGet() == 1 ? firstRenewal : secondRenewal, null, 3600));

        // expires in a minute: within the 15 minutes' refresh margin, so its refresh is due at once
        var created = create("refreshed", "at-0-" + suffix, refreshToken, 60);
        var id = (String) created.get("id");
        var before = (Map<String, Object>) created.get("credential");
        var expiresBefore = Instant.parse((String) before.get("expires_at"));

        await().atMost(Duration.ofSeconds(90))
                .until(() -> !events(id, "dev.patchbay.connection.rotated.v1").isEmpty());
        var rotated = events(id, "dev.patchbay.connection.rotated.v1").get(0);
        assertThat(rotated.get("actor")).isEqualTo("patchbay:refresher");
        assertThat(rotated.get("previous_fingerprint")).isEqualTo(before.get("fingerprint"));
        var renewed = (Map<String, Object>) rotated.get("credential");
        assertThat(renewed.get("version")).isEqualTo(2);
        assertThat(renewed.get("fingerprint")).isNotEqualTo(before.get("fingerprint"));
        assertThat((List<String>) renewed.get("fields"))
                .containsExactly("access_token", "client_id", "client_secret", "refresh_token");
        assertThat(Instant.parse((String) renewed.get("expires_at")))
                .isAfter(Instant.now().plus(Duration.ofMinutes(50)));

        assertThat(provider.grants())
                .filteredOn(grant -> refreshToken.equals(grant.refreshToken()))
                .as("exactly one refresh grant, with the connection's refresh token and client")
                .singleElement()
                .satisfies(grant -> {
                    assertThat(grant.grantType()).isEqualTo("refresh_token");
                    assertThat(grant.clientId()).isEqualTo(OAuth2Provider.CLIENT_ID);
                    assertThat(grant.clientSecret()).isEqualTo(CLIENT_SECRET);
                });

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var read = read(id);
            var credential = (Map<String, Object>) read.get("credential");
            assertThat(read.get("status")).isEqualTo("active");
            assertThat(credential.get("fingerprint")).isEqualTo(renewed.get("fingerprint"));
            assertThat(credential.get("expires_at")).isEqualTo(renewed.get("expires_at"));
            assertThat(Instant.parse((String) credential.get("expires_at"))).isAfter(expiresBefore);
        });

        // The API no longer takes the first renewal (the user revoked that token at the provider, say), only the
        // next: a call through the proxy gets a 401, renews once through the refresher, and is retried once.
        provider.accept(secondRenewal);
        var answer = stack.proxy()
                .get()
                .uri("/v1/connections/" + id + "/proxy/api/items")
                .header("Authorization", "Bearer " + LocalStack.TOKENS.token(tenant, "caller"))
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(answer.getStatus().value()).as(answer.getResponseBody()).isEqualTo(200);
        assertThat(answer.getResponseBody()).contains("items");
        assertThat(provider.grants())
                .filteredOn(grant -> "refresh_token".equals(grant.grantType())
                        && grant.body().contains(suffix))
                .extracting(OAuth2Provider.Grant::refreshToken)
                .as("the refresh token the provider did not send again was kept")
                .containsExactly(refreshToken, refreshToken);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events(id, "dev.patchbay.connection.rotated.v1"))
                        .hasSize(2)
                        .allSatisfy(event -> assertThat(event.get("actor")).isEqualTo("patchbay:refresher")));
    }

    @Test
    void aRefusedGrantMakesTheConnectionExpiredAndTheProxyRefusesIt() throws Exception {
        var refreshToken = "rt-revoked-" + suffix;
        provider.answer(
                refreshToken,
                grant -> OAuth2Provider.Answer.refused("invalid_grant", "provider-words-" + suffix + " revoked"));

        var id = (String) create("revoked", "at-0-" + suffix, refreshToken, 60).get("id");

        await().atMost(Duration.ofSeconds(90))
                .until(() -> !events(id, "dev.patchbay.connection.expired.v1").isEmpty());
        var expired = events(id, "dev.patchbay.connection.expired.v1").get(0);
        assertThat(expired.get("reason")).isEqualTo("grant_refused");
        assertThat(expired.get("actor")).isEqualTo("patchbay:refresher");
        assertThat(expired.get("credential_version")).isEqualTo(1);
        assertThat(new String(JSON.writeValueAsBytes(expired), StandardCharsets.UTF_8))
                .doesNotContain("provider-words-");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(read(id).get("status")).isEqualTo("expired"));

        stack.proxy()
                .get()
                .uri("/v1/connections/" + id + "/proxy/api/items")
                .header("Authorization", "Bearer " + LocalStack.TOKENS.token(tenant, "caller"))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0613");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> create(String name, String accessToken, String refreshToken, int expiresIn) {
        var credential = new HashMap<String, Object>();
        credential.put("client_id", OAuth2Provider.CLIENT_ID);
        credential.put("client_secret", CLIENT_SECRET);
        credential.put("access_token", accessToken);
        credential.put("refresh_token", refreshToken);
        credential.put("expires_in", expiresIn);
        var body = new HashMap<String, Object>();
        body.put("vendor", "oauth2");
        body.put("config_name", name + "-" + suffix);
        body.put("base_url", provider.baseUrl());
        body.put("config", Map.of("token_endpoint", provider.tokenEndpoint(), "check_path", "/api/me"));
        body.put("credential", credential);
        return stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", "Bearer " + LocalStack.TOKENS.token(tenant, "editor"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> read(String id) {
        return stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", "Bearer " + LocalStack.TOKENS.token(tenant, "viewer"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    /** The connection's events of one type on its topic, oldest first, as JSON objects. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> events(String id, String type) {
        return Topics.readAll(stack.broker.bootstrapServers(), "patchbay.connections.v1").stream()
                .filter(record -> id.equals(record.key()))
                .filter(record -> {
                    var header = record.headers().lastHeader("ce_type");
                    return header != null && type.equals(new String(header.value(), StandardCharsets.UTF_8));
                })
                .map(record -> (Map<String, Object>) JSON.readValue(record.value(), Map.class))
                .toList();
    }
}
