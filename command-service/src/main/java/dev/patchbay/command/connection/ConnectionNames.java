package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;

/** The index of live config names; its primary key is what makes a duplicate a 409 even under concurrency. */
@Repository
class ConnectionNames {

    private final JdbcClient jdbc;

    ConnectionNames(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws org.springframework.dao.DuplicateKeyException when a live connection of that scope has the name */
    void claim(TenantId tenant, String scopeKey, String configName, String vendor, ConnectionId id, Instant at) {
        jdbc.sql("INSERT INTO connection_names (tenant_id, scope_key, config_name, vendor, connection_id, claimed_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)")
                .params(tenant.value(), scopeKey, configName, vendor, id.value(), Timestamp.from(at)).update();
    }

    void release(ConnectionId id) {
        jdbc.sql("DELETE FROM connection_names WHERE connection_id = ?").param(id.value()).update();
    }
}
