package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test data builders for the connection aggregate. */
final class ConnectionFixtures {

    static final TenantId TENANT = TenantId.of("tenant-a");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00.000Z");
    static final CredentialInfo CREDENTIAL = new CredentialInfo(List.of("password", "username"), 1,
            "fp_0123456789abcdef", T0);

    static ConnectionId newId() {
        return new ConnectionId(UUID.randomUUID());
    }

    static CreateConnection create(ConnectionId id) {
        return new CreateConnection(id, TENANT, "user-1", T0, "postgresql", "database", "warehouse", "Warehouse",
                null, null, Map.of("host", "db", "port", 5432, "database", "dw"), Scope.ORGANIZATION, null, null,
                Map.of(), CREDENTIAL);
    }

    static ConnectionCreated created(ConnectionId id) {
        var c = create(id);
        return new ConnectionCreated(id, TENANT, 1, T0, "user-1", c.vendor(), c.category(), c.configName(),
                c.displayName(), null, null, c.config(), Scope.ORGANIZATION, null, null, Map.of(), CREDENTIAL);
    }

    static CredentialInfo credential(int version, String fingerprint) {
        return new CredentialInfo(List.of("password", "username"), version, fingerprint, T0.plusSeconds(version));
    }

    private ConnectionFixtures() {
    }
}
