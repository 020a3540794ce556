package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.query.connection.ConnectionFixtures.actor;
import static dev.patchbay.query.connection.ConnectionFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

/** Every connection event type reaches the descriptor, and applying any of them again changes nothing. */
class ConnectionEventsIT extends QueryServiceTestBase {

    @Test
    void updateRevokeRotateAndWebhookEventsAreProjected() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var updated = ConnectionFixtures.updated(created, 2, "Pluggy renamed", Map.of("default_customer_id", "c9"));
        publish(created);
        publish(updated);

        var afterUpdate = readAfter(tenant, updated);
        assertThat(afterUpdate)
                .containsEntry("version", 2)
                .containsEntry("display_name", "Pluggy renamed")
                .containsEntry("metadata", Map.of("default_customer_id", "c9"))
                .containsEntry("base_url", "https://api.pluggy.ai")
                .containsEntry("account_ref", "5f0f5c2e-item")
                .containsEntry("config", Map.of("region", "br"))
                .containsEntry("status", "active")
                .containsEntry("updated_at", at(created, 2).toString())
                .containsEntry("updated_by", actor(2))
                .containsEntry("created_at", created.occurredAt().toString())
                .containsEntry("created_by", "user-123");

        var revoked = ConnectionFixtures.revoked(created, 3, ConnectionFixtures.FINGERPRINT);
        publish(revoked);
        assertThat(readAfter(tenant, revoked))
                .containsEntry("version", 3)
                .containsEntry("status", "revoked")
                .containsEntry("updated_by", actor(3))
                .containsEntry("display_name", "Pluggy renamed");

        var rotated = ConnectionFixtures.rotated(created, 4, 2, "fp_rotated", ConnectionFixtures.FINGERPRINT);
        publish(rotated);
        var afterRotation = readAfter(tenant, rotated);
        assertThat(afterRotation)
                .containsEntry("version", 4)
                .containsEntry("status", "active")
                .containsEntry("updated_at", at(created, 4).toString());
        assertThat(afterRotation.get("credential"))
                .isEqualTo(Map.of(
                        "fields",
                        List.of("client_id", "secret"),
                        "version",
                        2,
                        "fingerprint",
                        "fp_rotated",
                        "rotated_at",
                        at(created, 4).toString()));

        var secretSet = ConnectionFixtures.webhookSecretSet(created, 5, 1);
        var minted = ConnectionFixtures.tokenMinted(created, 6, ConnectionFixtures.newTokenId());
        var tokenRevoked = ConnectionFixtures.tokenRevoked(created, 7, minted.tokenId());
        publish(secretSet);
        assertThat(readAfter(tenant, secretSet)).containsEntry("version", 5).containsEntry("updated_by", actor(5));
        publish(minted);
        publish(tokenRevoked);
        var last = readAfter(tenant, tokenRevoked);
        assertThat(last)
                .containsEntry("version", 7)
                .containsEntry("updated_at", at(created, 7).toString())
                .containsEntry("updated_by", actor(7))
                .containsEntry("status", "active")
                .containsEntry("display_name", "Pluggy renamed");
        assertThat(last.get("credential")).isEqualTo(afterRotation.get("credential"));
    }

    @Test
    void redeliveryAndReplayOfEveryEventTypeChangeNothing() {
        var tenant = TestTokens.newTenant();
        var kept = aConnection(tenant).named("kept").created();
        var tokenId = ConnectionFixtures.newTokenId();
        var keptEvents = List.<ConnectionEvent>of(
                kept,
                ConnectionFixtures.updated(kept, 2, "renamed", Map.of("k", "v")),
                ConnectionFixtures.revoked(kept, 3, ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.rotated(kept, 4, 2, "fp_2", ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.webhookSecretSet(kept, 5, 1),
                ConnectionFixtures.tokenMinted(kept, 6, tokenId),
                ConnectionFixtures.tokenRevoked(kept, 7, tokenId),
                ConnectionFixtures.updated(kept, 8, "renamed again", Map.of()));
        var gone = aConnection(tenant).named("gone").created();
        var goneEvents = List.<ConnectionEvent>of(gone, ConnectionFixtures.deleted(gone, 2));
        keptEvents.forEach(QueryServiceTestBase::publish);
        goneEvents.forEach(QueryServiceTestBase::publish);
        var before = snapshot(tenant, keptEvents.get(7), goneEvents.get(1));
        assertThat(before.descriptor()).containsEntry("version", 8).containsEntry("display_name", "renamed again");
        assertThat(before.history()).hasSize(8);
        assertThat(before.tokens()).hasSize(1);
        assertThat(before.deletedHistory()).hasSize(2);

        // a replay from the beginning, then redeliveries out of order
        var replayed = new ArrayList<ConnectionEvent>(keptEvents);
        replayed.addAll(goneEvents);
        replayed.addAll(List.of(
                keptEvents.get(2),
                keptEvents.get(0),
                goneEvents.get(0),
                keptEvents.get(5),
                keptEvents.get(3),
                keptEvents.get(6),
                keptEvents.get(4),
                keptEvents.get(1)));
        var sent = new ArrayList<RecordMetadata>();
        for (var event : replayed) {
            sent.add(publish(event));
        }
        sent.forEach(this::awaitConsumed);

        assertThat(snapshot(tenant, keptEvents.get(7), goneEvents.get(1))).isEqualTo(before);
        http.get()
                .uri("/v1/connections/{id}", gone.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    private record Snapshot(
            Map<String, Object> descriptor, List<?> history, List<?> tokens, List<?> deletedHistory, Object total) {}

    private Snapshot snapshot(String tenant, ConnectionEvent keptLast, ConnectionEvent goneLast) {
        var descriptor = readAfter(tenant, keptLast);
        var history = data("/v1/connections/" + keptLast.connectionId() + "/history", admin(tenant));
        var tokens = data("/v1/connections/" + keptLast.connectionId() + "/webhook-tokens", viewer(tenant));
        var deletedHistory = http.get()
                .uri("/v1/connections/{id}/history", goneLast.connectionId())
                .header(HttpHeaders.AUTHORIZATION, admin(tenant))
                .header("Consistency-Token", consistencyToken(goneLast))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("data");
        var total = http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("total");
        return new Snapshot(descriptor, history, tokens, (List<?>) deletedHistory, total);
    }

    private List<?> data(String path, String authorization) {
        return (List<?>) http.get()
                .uri(path)
                .header(HttpHeaders.AUTHORIZATION, authorization)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("data");
    }
}
