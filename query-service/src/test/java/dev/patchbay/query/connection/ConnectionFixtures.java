package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.contracts.probe.ProbeCompleted;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test data: a Pluggy connection as command-service would create it, altered with {@code with...}, and the later
 * events of it. Event {@code n} of a connection happens {@code n} seconds after its creation, by {@code actor-n}.
 */
final class ConnectionFixtures {

    static final String FINGERPRINT = "fp_3c9a41d07be2a8f1";

    private ConnectionFixtures() {}

    static Builder aConnection(String tenant) {
        return new Builder(TenantId.of(tenant));
    }

    static Instant at(ConnectionCreated created, long version) {
        return created.occurredAt().plusSeconds(version - 1);
    }

    static String actor(long version) {
        return "actor-" + version;
    }

    static ConnectionDeleted deleted(ConnectionCreated created, long version) {
        return new ConnectionDeleted(
                created.connectionId(),
                created.tenantId(),
                version,
                created.occurredAt().plusSeconds(60),
                "user-deleter",
                created.configName());
    }

    /** An update of the display name and the metadata; the other updatable fields stay as created. */
    static ConnectionUpdated updated(
            ConnectionCreated created, long version, String displayName, Map<String, Object> metadata) {
        return new ConnectionUpdated(
                created.connectionId(),
                created.tenantId(),
                version,
                at(created, version),
                actor(version),
                List.of("display_name", "metadata"),
                displayName,
                created.baseUrl(),
                created.accountRef(),
                created.config(),
                metadata);
    }

    static ConnectionRotated rotated(
            ConnectionCreated created,
            long version,
            int credentialVersion,
            String fingerprint,
            String previousFingerprint) {
        return new ConnectionRotated(
                created.connectionId(),
                created.tenantId(),
                version,
                at(created, version),
                actor(version),
                new CredentialInfo(
                        List.of("client_id", "secret"), credentialVersion, fingerprint, at(created, version)),
                previousFingerprint);
    }

    static ConnectionRevoked revoked(ConnectionCreated created, long version, String fingerprint) {
        return new ConnectionRevoked(
                created.connectionId(), created.tenantId(), version, at(created, version), actor(version), fingerprint);
    }

    static WebhookSecretSet webhookSecretSet(ConnectionCreated created, long version, int secretVersion) {
        return new WebhookSecretSet(
                created.connectionId(),
                created.tenantId(),
                version,
                at(created, version),
                actor(version),
                secretVersion,
                "whfp_" + secretVersion);
    }

    static WebhookTokenMinted tokenMinted(ConnectionCreated created, long version, String tokenId) {
        return new WebhookTokenMinted(
                created.connectionId(),
                created.tenantId(),
                version,
                at(created, version),
                actor(version),
                tokenId,
                created.vendor());
    }

    static WebhookTokenRevoked tokenRevoked(ConnectionCreated created, long version, String tokenId) {
        return new WebhookTokenRevoked(
                created.connectionId(), created.tenantId(), version, at(created, version), actor(version), tokenId);
    }

    /** Its health changed to unhealthy with that code at that instant, from healthy. */
    static ConnectionHealthChanged healthChanged(ConnectionCreated created, long version, String errorCode) {
        return new ConnectionHealthChanged(
                created.connectionId(),
                created.tenantId(),
                version,
                at(created, version),
                ConnectionHealthChanged.ACTOR,
                "unhealthy",
                "healthy",
                new ProbeError(errorCode, "The check failed."),
                null);
    }

    /** A probe result for the connection, checked at that instant; unhealthy ones carry a secret-free error. */
    static ProbeCompleted probed(ConnectionCreated created, boolean healthy, Instant checkedAt, long latencyMs) {
        return new ProbeCompleted(
                UUID.randomUUID().toString(),
                created.connectionId(),
                created.tenantId(),
                created.vendor(),
                healthy,
                latencyMs,
                checkedAt,
                healthy ? null : new ProbeError("credentials_rejected", "The vendor refused the credential."));
    }

    static String newTokenId() {
        return "wht_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static final class Builder {

        private final TenantId tenant;
        private ConnectionId id = new ConnectionId(UUID.randomUUID());
        private long version = 1;
        private Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        private String vendor = "pluggy";
        private String configName = "pluggy-main";
        private String displayName = "Pluggy production";
        private Scope scope = Scope.ORGANIZATION;
        private String workspaceId;
        private String endUserId;

        private Builder(TenantId tenant) {
            this.tenant = tenant;
        }

        Builder withId(ConnectionId id) {
            this.id = id;
            return this;
        }

        Builder withVersion(long version) {
            this.version = version;
            return this;
        }

        Builder at(Instant occurredAt) {
            this.occurredAt = occurredAt;
            return this;
        }

        Builder withVendor(String vendor) {
            this.vendor = vendor;
            return this;
        }

        Builder named(String configName) {
            this.configName = configName;
            return this;
        }

        Builder withDisplayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        Builder forWorkspace(String workspaceId) {
            this.scope = Scope.WORKSPACE;
            this.workspaceId = workspaceId;
            this.endUserId = null;
            return this;
        }

        /** User-scoped; {@code workspaceId} may be null. */
        Builder forUser(String endUserId, String workspaceId) {
            this.scope = Scope.USER;
            this.endUserId = endUserId;
            this.workspaceId = workspaceId;
            return this;
        }

        ConnectionCreated created() {
            return new ConnectionCreated(
                    id,
                    tenant,
                    version,
                    occurredAt,
                    "user-123",
                    vendor,
                    "rest",
                    configName,
                    displayName,
                    "https://api.pluggy.ai",
                    "5f0f5c2e-item",
                    Map.of("region", "br"),
                    scope,
                    workspaceId,
                    endUserId,
                    Map.of("default_customer_id", "cus_000042"),
                    new CredentialInfo(List.of("client_id", "secret"), 1, FINGERPRINT, occurredAt));
        }
    }
}
