package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

class ConnectionDescriptorProjectionTest {

    @Test
    void everyConnectionEventTypeIsProjected() {
        assertThat(Set.<Class<?>>copyOf(ConnectionDescriptorProjection.PROJECTED))
                .as("a new ConnectionEvent type needs a branch in ConnectionWrites and ConnectionHistory")
                .containsExactlyInAnyOrder(ConnectionEvent.class.getPermittedSubclasses());
    }

    @Test
    void anEventWithoutWhatEveryWriteNeedsIsIncomplete() {
        var created = aConnection("t-1").created();

        assertThat(ConnectionDescriptorProjection.incomplete(created)).isFalse();
        assertThat(ConnectionDescriptorProjection.incomplete(ConnectionFixtures.deleted(created, 2)))
                .isFalse();
        assertThat(ConnectionDescriptorProjection.incomplete(new ConnectionCreated(
                        null, null, 0, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null)))
                .isTrue();
        assertThat(ConnectionDescriptorProjection.incomplete(new ConnectionDeleted(
                        created.connectionId(), created.tenantId(), 0, created.occurredAt(), "user", null)))
                .isTrue();
        assertThat(ConnectionDescriptorProjection.incomplete(new ConnectionCreated(
                        created.connectionId(),
                        created.tenantId(),
                        1,
                        created.occurredAt(),
                        "user",
                        "pluggy",
                        "rest",
                        "name",
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null)))
                .isTrue();
    }

    @Test
    void aRotationWithoutCredentialAndATokenEventWithoutTokenIdAreIncomplete() {
        var created = aConnection("t-1").created();

        assertThat(ConnectionDescriptorProjection.incomplete(
                        ConnectionFixtures.rotated(created, 2, 2, "fp_new", ConnectionFixtures.FINGERPRINT)))
                .isFalse();
        assertThat(ConnectionDescriptorProjection.incomplete(new ConnectionRotated(
                        created.connectionId(), created.tenantId(), 2, created.occurredAt(), "user", null, "fp_old")))
                .isTrue();
        assertThat(ConnectionDescriptorProjection.incomplete(new WebhookTokenMinted(
                        created.connectionId(), created.tenantId(), 2, created.occurredAt(), "user", null, "pluggy")))
                .isTrue();
        assertThat(ConnectionDescriptorProjection.incomplete(new WebhookTokenRevoked(
                        created.connectionId(), created.tenantId(), 3, created.occurredAt(), "user", null)))
                .isTrue();
        assertThat(ConnectionDescriptorProjection.incomplete(ConnectionFixtures.updated(created, 2, "x", Map.of())))
                .isFalse();
        assertThat(ConnectionDescriptorProjection.incomplete(ConnectionFixtures.revoked(created, 2, "fp")))
                .isFalse();
        assertThat(ConnectionDescriptorProjection.incomplete(ConnectionFixtures.webhookSecretSet(created, 2, 1)))
                .isFalse();
    }
}
