package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data: a Pluggy connection as command-service would create it, altered with {@code with...}. */
final class ConnectionFixtures {

    private ConnectionFixtures() {
    }

    static Builder aConnection(String tenant) {
        return new Builder(TenantId.of(tenant));
    }

    static ConnectionDeleted deleted(ConnectionCreated created, long version) {
        return new ConnectionDeleted(created.connectionId(), created.tenantId(), version,
                created.occurredAt().plusSeconds(60), "user-deleter", created.configName());
    }

    static final class Builder {

        private final TenantId tenant;
        private ConnectionId id = new ConnectionId(UUID.randomUUID());
        private long version = 1;
        private Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        private String vendor = "pluggy";
        private String configName = "pluggy-main";
        private String displayName = "Pluggy production";

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

        ConnectionCreated created() {
            return new ConnectionCreated(id, tenant, version, occurredAt, "user-123", vendor, "rest", configName,
                    displayName, "https://api.pluggy.ai", "5f0f5c2e-item", Map.of("region", "br"),
                    Scope.ORGANIZATION, null, null, Map.of("default_customer_id", "cus_000042"),
                    new CredentialInfo(List.of("client_id", "secret"), 1, "fp_3c9a41d07be2a8f1", occurredAt));
        }
    }
}
