package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectionHistoryTest {

    private final ConnectionCreated created = aConnection("t-1").created();

    @Test
    void everyEventTypeHasAShortStableNameAndSecretFreeChanges() {
        List<ConnectionEvent> events = List.of(
                created,
                ConnectionFixtures.updated(created, 2, "renamed", Map.of("k", "v")),
                ConnectionFixtures.revoked(created, 3, ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.rotated(created, 4, 2, "fp_new", ConnectionFixtures.FINGERPRINT),
                ConnectionFixtures.webhookSecretSet(created, 5, 1),
                ConnectionFixtures.tokenMinted(created, 6, "wht_1"),
                ConnectionFixtures.tokenRevoked(created, 7, "wht_1"),
                ConnectionFixtures.healthChanged(created, 8, "credentials_rejected"),
                new dev.patchbay.contracts.connection.ConnectionExpired(
                        created.connectionId(),
                        created.tenantId(),
                        9,
                        ConnectionFixtures.at(created, 9),
                        "patchbay:expiry",
                        2,
                        "credential_expired"),
                ConnectionFixtures.deleted(created, 10));
        assertThat(events).extracting(event -> (Object) event.getClass()).containsExactlyInAnyOrder((Object[])
                ConnectionEvent.class.getPermittedSubclasses());

        assertThat(events)
                .extracting(ConnectionHistory::type)
                .containsExactly(
                        "connection.created",
                        "connection.updated",
                        "connection.revoked",
                        "connection.rotated",
                        "connection.webhook-secret-set",
                        "connection.webhook-token-minted",
                        "connection.webhook-token-revoked",
                        "connection.health-changed",
                        "connection.expired",
                        "connection.deleted");
        assertThat(events)
                .extracting(event -> ConnectionHistory.changes(event).keySet())
                .containsExactly(
                        Set.of(
                                "vendor",
                                "category",
                                "config_name",
                                "display_name",
                                "base_url",
                                "account_ref",
                                "config",
                                "scope",
                                "workspace_id",
                                "end_user_id",
                                "metadata",
                                "credential"),
                        Set.of("display_name", "metadata"),
                        Set.of("revoked_fingerprint"),
                        Set.of("credential_version", "fingerprint", "previous_fingerprint"),
                        Set.of("secret_version", "fingerprint"),
                        Set.of("token_id"),
                        Set.of("token_id"),
                        Set.of("state", "previous_state", "error_code", "previous_error_code"),
                        Set.of("status", "reason", "credential_version"),
                        Set.of());
    }

    @Test
    void aCreationShowsTheCredentialsFieldsVersionAndFingerprintOnly() {
        assertThat(ConnectionHistory.changes(created).get("credential"))
                .isEqualTo(Map.of(
                        "fields",
                        List.of("client_id", "secret"),
                        "version",
                        1,
                        "fingerprint",
                        ConnectionFixtures.FINGERPRINT));
    }

    @Test
    void anUpdateShowsTheChangedFieldsWithTheirNewValuesAndIgnoresUnknownNames() {
        var updated = new ConnectionUpdated(
                created.connectionId(),
                created.tenantId(),
                2,
                created.occurredAt(),
                "user",
                List.of("base_url", "account_ref", "config", "colour"),
                "same",
                "https://api2.pluggy.ai",
                null,
                Map.of("region", "us"),
                Map.of());

        var changes = ConnectionHistory.changes(updated);

        assertThat(changes).containsOnlyKeys("base_url", "account_ref", "config");
        assertThat(changes)
                .containsEntry("base_url", "https://api2.pluggy.ai")
                .containsEntry("account_ref", null)
                .containsEntry("config", Map.of("region", "us"));
    }
}
