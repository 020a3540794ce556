package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.consistency.ConsistencyTokens;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

/** Read-your-writes: a read carrying a command's Consistency-Token sees that write, without the client polling. */
class ConsistencyTokenIT extends QueryServiceTestBase {

    @LocalServerPort
    private int port;

    @Test
    void aReadWithTheTokenOfAJustPublishedEventSeesIt() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(created.connectionId().toString());
    }

    @Test
    void aReadSentBeforeTheEventIsPublishedWaitsForIt() throws Exception {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var pending = WebClient.create("http://127.0.0.1:" + port)
                .get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .retrieve()
                .toEntity(String.class)
                .toFuture();

        publish(created);

        var response = pending.get(CONSISTENCY_WAIT_MS + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody()).contains("\"config_name\":\"pluggy-main\"");
    }

    @Test
    void aListAndTheConnectorTypesWaitForTheTokenToo() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);

        http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.total")
                .isEqualTo(1);
        http.get()
                .uri("/v1/connector-types")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void resolveHistoryAndWebhookTokensWaitForTheTokenToo() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).named("waited").created();
        var minted = ConnectionFixtures.tokenMinted(created, 2, ConnectionFixtures.newTokenId());
        var pending = WebClient.create("http://127.0.0.1:" + port)
                .get()
                .uri("/v1/connections/{id}/webhook-tokens", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(minted))
                .retrieve()
                .toEntity(String.class)
                .toFuture();
        publish(created);
        publish(minted);

        http.get()
                .uri("/v1/connections/resolve?vendor=pluggy&config_name=waited")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(created.connectionId().toString());
        http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(minted))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.length()")
                .isEqualTo(2);
        var tokens = pending.join();
        assertThat(tokens.getStatusCode().value()).isEqualTo(200);
        assertThat(tokens.getBody()).contains(minted.tokenId());
    }

    @Test
    void resolveHistoryAndWebhookTokensAnswer503WhenTheTokenIsNeverApplied() {
        var tenant = TestTokens.newTenant();
        var token = TOKENS.consistencyTokens()
                .issue(TenantId.of(tenant), new ConsistencyToken(new ConnectionId(UUID.randomUUID()), 3));
        for (var path : new String[] {
            "/v1/connections/resolve?vendor=pluggy&config_name=x",
            "/v1/connections/" + UUID.randomUUID() + "/history",
            "/v1/connections/" + UUID.randomUUID() + "/webhook-tokens"
        }) {
            http.get()
                    .uri(path)
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .header("Consistency-Token", token)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectHeader()
                    .valueEquals(HttpHeaders.RETRY_AFTER, "1")
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0501");
        }
    }

    @Test
    void aTokenForAVersionNeverPublishedRunsOutWith503AndRetryAfter() {
        var tenant = TestTokens.newTenant();
        var token = TOKENS.consistencyTokens()
                .issue(TenantId.of(tenant), new ConsistencyToken(new ConnectionId(UUID.randomUUID()), 7));
        var started = System.nanoTime();

        http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", token)
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0501")
                .jsonPath("$.title")
                .isEqualTo("not_yet_consistent");

        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .isGreaterThanOrEqualTo(Duration.ofMillis(CONSISTENCY_WAIT_MS));
    }

    @Test
    void anotherTenantsTokenIsRefusedAtOnce() {
        var owner = TestTokens.newTenant();
        var created = aConnection(owner).created();
        publish(created);
        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(owner))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk();

        var started = System.nanoTime();
        http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("header.Consistency-Token");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(CONSISTENCY_WAIT_MS));
    }

    @Test
    void aForgedTokenIsRefusedAtOnceWithoutPolling() {
        var tenant = TestTokens.newTenant();
        var id = new ConnectionId(UUID.randomUUID());
        var unsigned = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("v1:" + id + ":3").getBytes(StandardCharsets.US_ASCII));
        var anotherKeys = new TestTokens().consistencyTokens().issue(TenantId.of(tenant), new ConsistencyToken(id, 3));
        var signedPart = consistencyToken(aConnection(tenant).created()).split("\\.")[1];
        var unsignedWithASignature = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                ("c2:" + id + ":3:" + System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII))
                + "." + signedPart;
        for (var token : List.of(unsigned, anotherKeys, unsignedWithASignature)) {
            assertRefusedAtOnce(tenant, token);
        }
    }

    @Test
    void aTamperedTokenIsRefusedAtOnce() {
        var tenant = TestTokens.newTenant();
        var real = consistencyToken(aConnection(tenant).created()).split("\\.");
        var payload = new String(Base64.getUrlDecoder().decode(real[0]), StandardCharsets.US_ASCII).split(":");
        var higher = String.join(":", payload[0], payload[1], "999999", payload[3]);
        var tampered =
                Base64.getUrlEncoder().withoutPadding().encodeToString(higher.getBytes(StandardCharsets.US_ASCII)) + "."
                        + real[1];
        var flippedSignature = real[0] + "." + (real[1].charAt(0) == 'A' ? 'B' : 'A') + real[1].substring(1);

        for (var token : List.of(tampered, flippedSignature, real[0], real[0] + "." + real[1] + ".x")) {
            assertRefusedAtOnce(tenant, token);
        }
    }

    @Test
    void aSignedTokenIssuedInTheFutureIsRefusedAtOnce() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);
        var signer = TOKENS.consistencyTokens();
        var future = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));
        var fromTheFuture = new ConsistencyTokens(keyOf(), future)
                .issue(TenantId.of(tenant), new ConsistencyToken(created.connectionId(), 1));
        assertThat(signer.verify(TenantId.of(tenant), fromTheFuture)).isEmpty();

        assertRefusedAtOnce(tenant, fromTheFuture);
    }

    private void assertRefusedAtOnce(String tenant, String token) {
        var started = System.nanoTime();
        http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", token)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("header.Consistency-Token")
                .jsonPath("$.errors[0].value")
                .doesNotExist();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as(token)
                .isLessThan(Duration.ofMillis(CONSISTENCY_WAIT_MS / 2));
    }

    /** The key the service under test shares with command-service, as TestTokens configures it. */
    private static byte[] keyOf() {
        return Base64.getDecoder().decode(TOKENS.properties().get("patchbay.consistency.key"));
    }

    @Test
    void aMalformedTokenIsAValidationProblem() {
        for (var token : new String[] {"not-a-token", "", "djE6bm90LWEtdXVpZDox"}) {
            http.get()
                    .uri("/v1/connections")
                    .header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                    .header("Consistency-Token", token)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0001")
                    .jsonPath("$.errors[0].location")
                    .isEqualTo("header.Consistency-Token")
                    .jsonPath("$.errors[0].message")
                    .isNotEmpty()
                    .jsonPath("$.errors[0].value")
                    .doesNotExist();
        }
    }
}
