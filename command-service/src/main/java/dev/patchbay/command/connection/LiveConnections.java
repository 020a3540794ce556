package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The live connections' index: unique names per scope, and the row each command on a connection locks first. */
@Repository
class LiveConnections {

    /** What the command side keeps of a live connection outside its events. */
    record Live(ConnectionId id, String vendor, String category, int credentialVersion, int webhookSecretVersion) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;

    LiveConnections(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @throws org.springframework.dao.DuplicateKeyException when a live connection of that scope has the name */
    void claim(
            TenantId tenant,
            String scopeKey,
            String configName,
            String vendor,
            String category,
            ConnectionId id,
            Instant at) {
        jdbc.sql("INSERT INTO live_connections (tenant_id, scope_key, config_name, vendor, category, connection_id, "
                        + "credential_version, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)")
                .params(tenant.value(), scopeKey, configName, vendor, category, id.value(), Timestamp.from(at))
                .update();
    }

    /** Whether a live connection of that scope has the name (a look before a claim, which alone is certain). */
    boolean taken(TenantId tenant, String scopeKey, String configName) {
        return jdbc.sql("SELECT count(*) FROM live_connections WHERE tenant_id = ? AND scope_key = ? "
                                + "AND config_name = ?")
                        .params(tenant.value(), scopeKey, configName)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Locks the tenant's live connection until the transaction ends; empty when there is none for that tenant, so
     * another tenant's connection is not found, exactly like a missing one.
     */
    Optional<Live> lock(TenantId tenant, ConnectionId id) {
        return jdbc.sql("SELECT vendor, category, credential_version, webhook_secret_version FROM live_connections "
                        + "WHERE connection_id = ? AND tenant_id = ? FOR UPDATE")
                .params(id.value(), tenant.value())
                .query((rs, row) -> new Live(id, rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4)))
                .optional();
    }

    void credentialVersion(ConnectionId id, int version) {
        jdbc.sql("UPDATE live_connections SET credential_version = ? WHERE connection_id = ?")
                .params(version, id.value())
                .update();
    }

    /**
     * Records where the connection now points (its base URL, config and metadata as its events leave them) and its
     * status, for the probe worker's proxy, which reads them by id. Called in the transaction of every command that may change them.
     */
    void describe(ConnectionResource connection) {
        jdbc.sql("UPDATE live_connections SET base_url = ?, config = ?, metadata = ?, status = ? "
                        + "WHERE connection_id = ?")
                .params(
                        connection.baseUrl(),
                        json.writeValueAsString(connection.config()),
                        json.writeValueAsString(connection.metadata()),
                        connection.status().wireName(),
                        connection.id().value())
                .update();
    }

    /**
     * The connection's status ({@code active}, {@code revoked} or {@code expired}), for the probe worker's proxy, which
     * refuses an expired connection. Written in the transaction of each command that changes it.
     */
    void status(ConnectionId id, String status) {
        jdbc.sql("UPDATE live_connections SET status = ? WHERE connection_id = ?")
                .params(status, id.value())
                .update();
    }

    void webhookSecretVersion(ConnectionId id, int version) {
        jdbc.sql("UPDATE live_connections SET webhook_secret_version = ? WHERE connection_id = ?")
                .params(version, id.value())
                .update();
    }

    /** The most specific live connection of that vendor and name for that workspace and end user. */
    Optional<ConnectionId> find(
            TenantId tenant, String vendor, String configName, String workspaceId, String endUserId) {
        for (var applicable : Scope.mostSpecificFirst(workspaceId, endUserId)) {
            var scopeKey = ScopeKeys.of(applicable.scope(), applicable.workspaceId(), applicable.endUserId());
            var found = jdbc.sql("SELECT connection_id FROM live_connections WHERE tenant_id = ? AND scope_key = ? "
                            + "AND config_name = ? AND vendor = ?")
                    .params(tenant.value(), scopeKey, configName, vendor)
                    .query(UUID.class)
                    .optional();
            if (found.isPresent()) {
                return found.map(ConnectionId::new);
            }
        }
        return Optional.empty();
    }

    void release(ConnectionId id) {
        jdbc.sql("DELETE FROM live_connections WHERE connection_id = ?")
                .param(id.value())
                .update();
    }
}
