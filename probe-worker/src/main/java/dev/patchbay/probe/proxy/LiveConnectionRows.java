package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.Optional;

/**
 * The connection directory over command-service's live connections' index ({@code live_connections}, migration
 * V11, its status V12), read-only in the database the worker already reads the vault from: one row by primary key per call, so
 * a worker's memory does not grow with the number of connections, and a delete or a rotation is seen by the next
 * call. command-service writes the row in the transaction of each command, so it is never behind the event store.
 */
final class LiveConnectionRows implements ConnectionDirectory {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    LiveConnectionRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<ProxiedConnection> find(TenantId tenant, ConnectionId id) {
        return jdbc.sql("SELECT vendor, credential_version, base_url, config, metadata, status FROM live_connections "
                        + "WHERE connection_id = ? AND tenant_id = ?")
                .params(id.value(), tenant.value())
                .query((rs, row) -> new ProxiedConnection(
                        id,
                        tenant,
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getString(3),
                        object(rs.getString(4)),
                        object(rs.getString(5)),
                        "expired".equals(rs.getString(6))))
                .optional();
    }

    private Map<String, Object> object(String text) {
        return text == null ? Map.of() : json.readValue(text, OBJECT);
    }
}
