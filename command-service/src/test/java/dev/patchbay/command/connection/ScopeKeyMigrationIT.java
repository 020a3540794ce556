package dev.patchbay.command.connection;

import dev.patchbay.platform.test.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V7 rewrites the scope keys of connections created before it, from their ConnectionCreated events, into
 * exactly the keys {@link ScopeKeys} builds now: so names stay unique, and lookups by name find them, across the
 * upgrade. A database is migrated to just before V7, given rows as the old code wrote them, then migrated on.
 */
class ScopeKeyMigrationIT {

    private static final MigrationVersion V7 = MigrationVersion.fromVersion("7");

    private final TestInfrastructure.Database database = TestInfrastructure.freshDatabase("command_v7");
    private final SimpleDriverDataSource dataSource =
            new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(), database.username(), "");
    private final JdbcClient jdbc = JdbcClient.create(dataSource);

    @Test
    void oldKeysAreRewrittenFromTheirEventsSoThatAmbiguousOnesPartAndLookupsStillFindThem() {
        var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/command");
        var beforeV7 = Arrays.stream(flyway.load().info().all())
                .map(MigrationInfo::getVersion)
                .filter(version -> version.compareTo(V7) < 0)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        flyway.target(beforeV7).load().migrate();

        // what the old code wrote: user u in workspace w, and (another tenant's) user "u@workspace:w" in none,
        // had one key
        var userInWorkspace =
                oldRow("tenant-a", "user:u@workspace:w", Map.of("scope", "user", "workspaceId", "w", "endUserId", "u"));
        var lookalikeUser =
                oldRow("tenant-b", "user:u@workspace:w", Map.of("scope", "user", "endUserId", "u@workspace:w"));
        // the new key of workspace "abc" is the old key of workspace "3:abc": the rewrite must not trip over it
        var workspace = oldRow("tenant-a", "workspace:abc", Map.of("scope", "workspace", "workspaceId", "abc"));
        var lengthLikeWorkspace =
                oldRow("tenant-a", "workspace:3:abc", Map.of("scope", "workspace", "workspaceId", "3:abc"));
        var organization = oldRow("tenant-a", "organization", Map.of("scope", "organization"));
        var withoutEvent = UUID.randomUUID();
        claim("tenant-c", "user:solo", withoutEvent);

        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/command")
                .load()
                .migrate();

        assertThat(keyOf(userInWorkspace)).isEqualTo(ScopeKeys.user("u", "w")).isEqualTo("user:1:u:workspace:1:w");
        assertThat(keyOf(lookalikeUser))
                .isEqualTo(ScopeKeys.user("u@workspace:w", null))
                .isEqualTo("user:13:u@workspace:w");
        assertThat(keyOf(workspace)).isEqualTo(ScopeKeys.workspace("abc")).isEqualTo("workspace:3:abc");
        assertThat(keyOf(lengthLikeWorkspace)).isEqualTo(ScopeKeys.workspace("3:abc"));
        assertThat(keyOf(organization)).isEqualTo(ScopeKeys.organization());
        assertThat(keyOf(withoutEvent)).isEqualTo(ScopeKeys.user("solo", null));

        // the look-alike now has a key of its own in tenant-a too
        claim("tenant-a", ScopeKeys.user("u@workspace:w", null), UUID.randomUUID());
        assertThat(jdbc.sql("SELECT count(*) FROM live_connections WHERE tenant_id = 'tenant-a' "
                                + "AND config_name = 'main'")
                        .query(Integer.class)
                        .single())
                .isEqualTo(5);
    }

    private UUID oldRow(String tenant, String oldKey, Map<String, String> scope) {
        var id = UUID.randomUUID();
        claim(tenant, oldKey, id);
        var fields = new LinkedHashMap<String, String>();
        fields.put("connectionId", id.toString());
        fields.put("tenantId", tenant);
        fields.put("configName", "main");
        fields.put("workspaceId", null);
        fields.put("endUserId", null);
        fields.putAll(scope);
        var payload = new StringJoiner(",", "{", "}");
        fields.forEach(
                (name, value) -> payload.add("\"" + name + "\":" + (value == null ? "null" : "\"" + value + "\"")));
        jdbc.sql("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, payload, "
                        + "payloadtype, timestamp) VALUES (?, 0, 'Connection', ?, ?, "
                        + "'dev.patchbay.contracts.connection.ConnectionCreated', '2026-11-24T10:00:00Z')")
                .params(
                        id.toString(),
                        UUID.randomUUID().toString(),
                        payload.toString().getBytes(StandardCharsets.UTF_8))
                .update();
        return id;
    }

    private void claim(String tenant, String scopeKey, UUID id) {
        jdbc.sql(
                        "INSERT INTO live_connections (tenant_id, scope_key, config_name, vendor, category, connection_id, "
                                + "credential_version, created_at) VALUES (?, ?, 'main', 'postgresql', 'database', ?, 1, now())")
                .params(tenant, scopeKey, id)
                .update();
    }

    private String keyOf(UUID id) {
        return jdbc.sql("SELECT scope_key FROM live_connections WHERE connection_id = ?")
                .param(id)
                .query(String.class)
                .single();
    }
}
