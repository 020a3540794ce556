package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.query.connection.ConnectionFixtures.actor;
import static dev.patchbay.query.connection.ConnectionFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /v1/connections/{id}/history and GET /v1/connections/{id}/webhook-tokens. */
class ConnectionHistoryIT extends QueryServiceTestBase {

    @Test
    @SuppressWarnings("unchecked")
    void theHistoryListsEveryEventOldestFirstWithItsActorAndSecretFreeChanges() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var tokenId = ConnectionFixtures.newTokenId();
        var events = List.<ConnectionEvent>of(
                created,
                ConnectionFixtures.updated(created, 2, "Pluggy renamed", Map.of("default_customer_id", "c9")),
                ConnectionFixtures.revoked(created, 3, ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.rotated(created, 4, 2, "fp_rotated", ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.webhookSecretSet(created, 5, 1),
                ConnectionFixtures.tokenMinted(created, 6, tokenId),
                ConnectionFixtures.tokenRevoked(created, 7, tokenId));
        // published newest first: the history is ordered by version, not by arrival
        for (int i = events.size() - 1; i >= 0; i--) {
            publish(events.get(i));
        }

        var body = http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).containsOnlyKeys("data");
        var data = (List<Map<String, Object>>) body.get("data");
        assertThat(data)
                .extracting(entry -> entry.get("type"))
                .containsExactly(
                        "connection.created",
                        "connection.updated",
                        "connection.revoked",
                        "connection.rotated",
                        "connection.webhook-secret-set",
                        "connection.webhook-token-minted",
                        "connection.webhook-token-revoked");
        assertThat(data).extracting(entry -> entry.get("version")).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(data)
                .extracting(entry -> entry.get("actor"))
                .containsExactly("user-123", actor(2), actor(3), actor(4), actor(5), actor(6), actor(7));
        assertThat(data)
                .extracting(entry -> entry.get("occurred_at"))
                .containsExactly(
                        created.occurredAt().toString(),
                        at(created, 2).toString(),
                        at(created, 3).toString(),
                        at(created, 4).toString(),
                        at(created, 5).toString(),
                        at(created, 6).toString(),
                        at(created, 7).toString());
        assertThat(data)
                .allSatisfy(entry ->
                        assertThat(entry).containsOnlyKeys("type", "version", "occurred_at", "actor", "changes"));

        var creation = (Map<String, Object>) data.get(0).get("changes");
        assertThat(creation)
                .containsEntry("vendor", "pluggy")
                .containsEntry("config_name", "pluggy-main")
                .containsEntry("scope", "organization")
                .containsEntry("config", Map.of("region", "br"))
                .containsEntry(
                        "credential",
                        Map.of(
                                "fields",
                                List.of("client_id", "secret"),
                                "version",
                                1,
                                "fingerprint",
                                ConnectionFixtures.FINGERPRINT));
        assertThat(data.get(1).get("changes"))
                .isEqualTo(Map.of("display_name", "Pluggy renamed", "metadata", Map.of("default_customer_id", "c9")));
        assertThat(data.get(2).get("changes")).isEqualTo(Map.of("revoked_fingerprint", ConnectionFixtures.FINGERPRINT));
        assertThat(data.get(3).get("changes"))
                .isEqualTo(Map.of(
                        "credential_version",
                        2,
                        "fingerprint",
                        "fp_rotated",
                        "previous_fingerprint",
                        ConnectionFixtures.FINGERPRINT));
        assertThat(data.get(4).get("changes")).isEqualTo(Map.of("secret_version", 1, "fingerprint", "whfp_1"));
        assertThat(data.get(5).get("changes")).isEqualTo(Map.of("token_id", tokenId));
        assertThat(data.get(6).get("changes")).isEqualTo(Map.of("token_id", tokenId));
    }

    @Test
    void aDeletedConnectionsHistoryIsForAdminsOnly() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var deleted = ConnectionFixtures.deleted(created, 2);
        publish(created);
        publish(deleted);

        for (var caller : List.of(viewer(tenant), editor(tenant))) {
            http.get()
                    .uri("/v1/connections/{id}/history", created.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, caller)
                    .header("Consistency-Token", consistencyToken(deleted))
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0201");
        }
        http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, admin(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.length()")
                .isEqualTo(2)
                .jsonPath("$.data[0].type")
                .isEqualTo("connection.created")
                .jsonPath("$.data[1].type")
                .isEqualTo("connection.deleted")
                .jsonPath("$.data[1].actor")
                .isEqualTo("user-deleter")
                .jsonPath("$.data[1].changes")
                .isEmpty();
    }

    @Test
    void anotherTenantsOrAnUnknownConnectionsHistoryIsNotFoundEvenForAnAdmin() {
        var owner = TestTokens.newTenant();
        var created = aConnection(owner).created();
        publish(created);
        http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(owner))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk();

        var stranger = TestTokens.newTenant();
        for (var id :
                List.of(created.connectionId().toString(), UUID.randomUUID().toString(), "not-a-uuid")) {
            for (var path : List.of("/v1/connections/{id}/history", "/v1/connections/{id}/webhook-tokens")) {
                http.get()
                        .uri(path, id)
                        .header(HttpHeaders.AUTHORIZATION, admin(stranger))
                        .exchange()
                        .expectStatus()
                        .isNotFound()
                        .expectBody()
                        .jsonPath("$.code")
                        .isEqualTo("PBAY-0201");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWebhookTokensOfAConnectionAreListedWithoutAnyTokenValue() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var first = ConnectionFixtures.tokenMinted(created, 2, ConnectionFixtures.newTokenId());
        var second = ConnectionFixtures.tokenMinted(created, 3, ConnectionFixtures.newTokenId());
        var revoked = ConnectionFixtures.tokenRevoked(created, 4, first.tokenId());
        List.of(created, first, second, revoked).forEach(QueryServiceTestBase::publish);

        var body = http.get()
                .uri("/v1/connections/{id}/webhook-tokens", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(revoked))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        assertThat(body).containsOnlyKeys("data");
        var data = (List<Map<String, Object>>) body.get("data");
        assertThat(data)
                .hasSize(2)
                .allSatisfy(token -> assertThat(token)
                        .containsOnlyKeys("token_id", "vendor", "minted_at", "minted_by", "revoked_at"));
        assertThat(data.get(0))
                .containsEntry("token_id", first.tokenId())
                .containsEntry("vendor", "pluggy")
                .containsEntry("minted_at", at(created, 2).toString())
                .containsEntry("minted_by", actor(2))
                .containsEntry("revoked_at", at(created, 4).toString());
        assertThat(data.get(1))
                .containsEntry("token_id", second.tokenId())
                .containsEntry("minted_at", at(created, 3).toString())
                .containsEntry("revoked_at", null);

        var deleted = ConnectionFixtures.deleted(created, 5);
        publish(deleted);
        http.get()
                .uri("/v1/connections/{id}/webhook-tokens", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(deleted))
                .exchange()
                .expectStatus()
                .isNotFound();
    }
}
