package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import java.time.Duration;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

/** Read-your-writes: a read carrying a command's Consistency-Token sees that write, without the client polling. */
class ConsistencyTokenIT extends QueryServiceIntegrationTest {

    @LocalServerPort
    private int port;

    @Test
    void aReadWithTheTokenOfAJustPublishedEventSeesIt() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);

        http.get().uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(created.connectionId().toString());
    }

    @Test
    void aReadSentBeforeTheEventIsPublishedWaitsForIt() throws Exception {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var pending = WebClient.create("http://127.0.0.1:" + port).get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .retrieve().toEntity(String.class).toFuture();

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

        http.get().uri("/v1/connections").header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.total").isEqualTo(1);
        http.get().uri("/v1/connector-types").header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void resolveHistoryAndWebhookTokensWaitForTheTokenToo() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).named("waited").created();
        var minted = ConnectionFixtures.tokenMinted(created, 2, ConnectionFixtures.newTokenId());
        var pending = WebClient.create("http://127.0.0.1:" + port).get()
                .uri("/v1/connections/{id}/webhook-tokens", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(minted))
                .retrieve().toEntity(String.class).toFuture();
        publish(created);
        publish(minted);

        http.get().uri("/v1/connections/resolve?vendor=pluggy&config_name=waited")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(created.connectionId().toString());
        http.get().uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(minted))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(2);
        var tokens = pending.join();
        assertThat(tokens.getStatusCode().value()).isEqualTo(200);
        assertThat(tokens.getBody()).contains(minted.tokenId());
    }

    @Test
    void resolveHistoryAndWebhookTokensAnswer503WhenTheTokenIsNeverApplied() {
        var tenant = TestTokens.newTenant();
        var token = new ConsistencyToken(new ConnectionId(UUID.randomUUID()), 3).encode();
        for (var path : new String[] {"/v1/connections/resolve?vendor=pluggy&config_name=x",
            "/v1/connections/" + UUID.randomUUID() + "/history",
            "/v1/connections/" + UUID.randomUUID() + "/webhook-tokens"}) {
            http.get().uri(path).header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .header("Consistency-Token", token)
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                    .expectBody().jsonPath("$.code").isEqualTo("PBAY-0501");
        }
    }

    @Test
    void aTokenForAVersionNeverPublishedRunsOutWith503AndRetryAfter() {
        var tenant = TestTokens.newTenant();
        var token = new ConsistencyToken(new ConnectionId(UUID.randomUUID()), 7).encode();
        var started = System.nanoTime();

        http.get().uri("/v1/connections").header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", token)
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("PBAY-0501")
                .jsonPath("$.title").isEqualTo("not_yet_consistent");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
                Duration.ofMillis(CONSISTENCY_WAIT_MS));
    }

    @Test
    void anotherTenantsTokenIsNeverSatisfied() {
        var owner = TestTokens.newTenant();
        var created = aConnection(owner).created();
        publish(created);
        http.get().uri("/v1/connections/{id}", created.connectionId()).header(HttpHeaders.AUTHORIZATION, viewer(owner))
                .header("Consistency-Token", consistencyToken(created))
                .exchange().expectStatus().isOk();

        http.get().uri("/v1/connections").header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus().isEqualTo(503);
    }

    @Test
    void aMalformedTokenIsAValidationProblem() {
        for (var token : new String[] {"not-a-token", "", "djE6bm90LWEtdXVpZDox"}) {
            http.get().uri("/v1/connections").header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                    .header("Consistency-Token", token)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("PBAY-0001")
                    .jsonPath("$.errors[0].location").isEqualTo("header.Consistency-Token")
                    .jsonPath("$.errors[0].message").isNotEmpty()
                    .jsonPath("$.errors[0].value").doesNotExist();
        }
    }
}
