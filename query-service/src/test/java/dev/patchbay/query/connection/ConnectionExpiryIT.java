package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.util.List;
import java.util.Map;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.query.connection.ConnectionFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credential expiry on the read side (issue 21 §3): a connection's {@code credential.expires_at}, its status
 * {@code expired} after a {@code ConnectionExpired} (its credential described as it was: it is kept), the list's
 * {@code status=expired} filter, a refresher's rotation that makes it active again with the renewed expiry, and the
 * history of both; every event applied again changes nothing.
 */
class ConnectionExpiryIT extends QueryServiceTestBase {

    @Test
    @SuppressWarnings("unchecked")
    void anExpiredConnectionIsShownListedAndHistoriedUntilARotationMakesItActiveAgain() {
        var tenant = TestTokens.newTenant();
        var plain = aConnection(tenant).created();
        var expiresAt = at(plain, 1).plusSeconds(3600);
        var created = new dev.patchbay.contracts.connection.ConnectionCreated(
                plain.connectionId(),
                plain.tenantId(),
                plain.version(),
                plain.occurredAt(),
                plain.actor(),
                plain.vendor(),
                plain.category(),
                plain.configName(),
                plain.displayName(),
                plain.baseUrl(),
                plain.accountRef(),
                plain.config(),
                plain.scope(),
                plain.workspaceId(),
                plain.endUserId(),
                plain.metadata(),
                new CredentialInfo(
                        plain.credential().fields(),
                        1,
                        plain.credential().fingerprint(),
                        plain.credential().rotatedAt(),
                        expiresAt));
        var expired = new ConnectionExpired(
                created.connectionId(),
                created.tenantId(),
                2,
                at(created, 2),
                RefreshRequested.REFRESHER,
                1,
                ConnectionExpired.GRANT_REFUSED);
        publish(created);
        publish(expired);

        var afterExpiry = readAfter(tenant, expired);
        assertThat(afterExpiry)
                .containsEntry("status", "expired")
                .containsEntry("version", 2)
                .containsEntry("updated_by", RefreshRequested.REFRESHER);
        assertThat((Map<String, Object>) afterExpiry.get("credential"))
                .containsEntry("version", 1)
                .containsEntry("expires_at", expiresAt.toString());
        assertThat(list(tenant, "expired"))
                .containsExactly(created.connectionId().toString());
        assertThat(list(tenant, "active")).isEmpty();

        var renewed = new CredentialInfo(
                List.of("access_token", "client_id", "client_secret", "refresh_token"),
                2,
                "fp_renewed",
                at(created, 3),
                at(created, 3).plusSeconds(3600));
        var rotated = new ConnectionRotated(
                created.connectionId(),
                created.tenantId(),
                3,
                at(created, 3),
                RefreshRequested.REFRESHER,
                renewed,
                created.credential().fingerprint());
        publish(rotated);
        // both again: redelivered, they change nothing
        publish(expired);
        publish(created);

        var afterRotation = readAfter(tenant, rotated);
        assertThat(afterRotation).containsEntry("status", "active").containsEntry("version", 3);
        assertThat(afterRotation.get("credential"))
                .isEqualTo(Map.of(
                        "fields",
                        renewed.fields(),
                        "version",
                        2,
                        "fingerprint",
                        "fp_renewed",
                        "rotated_at",
                        renewed.rotatedAt().toString(),
                        "expires_at",
                        renewed.expiresAt().toString()));
        assertThat(list(tenant, "expired")).isEmpty();

        var history = (List<Map<String, Object>>) http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(rotated))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("data");
        assertThat(history)
                .extracting(entry -> entry.get("type"))
                .containsExactly("connection.created", "connection.expired", "connection.rotated");
        assertThat(((Map<String, Object>) history.get(0).get("changes")).get("credential"))
                .isEqualTo(Map.of(
                        "fields",
                        created.credential().fields(),
                        "version",
                        1,
                        "fingerprint",
                        created.credential().fingerprint(),
                        "expires_at",
                        expiresAt.toString()));
        assertThat(history.get(1).get("changes"))
                .isEqualTo(Map.of("status", "expired", "reason", "grant_refused", "credential_version", 1));
        assertThat(history.get(1).get("actor")).isEqualTo(RefreshRequested.REFRESHER);
        assertThat(history.get(2).get("changes"))
                .isEqualTo(Map.of(
                        "credential_version",
                        2,
                        "fingerprint",
                        "fp_renewed",
                        "previous_fingerprint",
                        created.credential().fingerprint(),
                        "expires_at",
                        renewed.expiresAt().toString()));
    }

    @SuppressWarnings("unchecked")
    private List<String> list(String tenant, String status) {
        var body = http.get()
                .uri("/v1/connections?status={status}", status)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((List<Map<String, Object>>) body.get("data"))
                .stream().map(c -> (String) c.get("id")).toList();
    }
}
