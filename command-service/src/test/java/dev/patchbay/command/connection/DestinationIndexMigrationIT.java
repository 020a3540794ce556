package dev.patchbay.command.connection;

import dev.patchbay.platform.test.TestInfrastructure;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V11 gives connections created before it the base URL, config and metadata their newest
 * ConnectionCreated or ConnectionUpdated carries, so the proxy finds them where they point. A database is migrated to
 * V10 (or whatever precedes V11), given rows and events as the old code wrote them, then migrated on.
 */
class DestinationIndexMigrationIT {

    private static final MigrationVersion V11 = MigrationVersion.fromVersion("11");

    private final TestInfrastructure.Database database = TestInfrastructure.freshDatabase("command_v11");
    private final SimpleDriverDataSource dataSource =
            new SimpleDriverDataSource(new org.postgresql.Driver(), database.jdbcUrl(), database.username(), "");
    private final JdbcClient jdbc = JdbcClient.create(dataSource);

    @Test
    void existingConnectionsGetWhereTheirNewestEventSaysTheyPoint() {
        var flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/command");
        var beforeV11 = java.util.Arrays.stream(flyway.load().info().all())
                .map(org.flywaydb.core.api.MigrationInfo::getVersion)
                .filter(version -> version.compareTo(V11) < 0)
                .max(java.util.Comparator.naturalOrder())
                .orElseThrow();
        flyway.target(beforeV11).load().migrate();

        var created = UUID.randomUUID();
        claim(created);
        event(
                created,
                0,
                "ConnectionCreated",
                "{\"baseUrl\":\"https://api.example.com/v1\",\"config\":"
                        + "{\"health_path\":\"/ping\"},\"metadata\":{\"team\":\"a\\u0000b\"}}");
        var plain = UUID.randomUUID();
        claim(plain);
        event(
                plain,
                0,
                "ConnectionCreated",
                "{\"baseUrl\":\"https://api.example.com/v1\",\"config\":"
                        + "{\"health_path\":\"/ping\"},\"metadata\":{\"team\":\"a\"}}");
        var updated = UUID.randomUUID();
        claim(updated);
        event(
                updated,
                0,
                "ConnectionCreated",
                "{\"baseUrl\":\"https://old.example.com\",\"config\":{}," + "\"metadata\":{}}");
        event(
                updated,
                1,
                "ConnectionUpdated",
                "{\"baseUrl\":\"https://new.example.com\",\"config\":{\"a\":1},"
                        + "\"metadata\":{\"header.X-Customer\":\"cus_42\"}}");
        event(updated, 2, "ConnectionRotated", "{\"credential\":{}}");

        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/command")
                .load()
                .migrate();

        // PostgreSQL's json cannot read a document with an escaped NUL: left for the connection's next update
        assertThat(row(created)).containsEntry("base_url", null).containsEntry("config", null);
        assertThat(row(plain))
                .containsEntry("base_url", "https://api.example.com/v1")
                .containsEntry("config", "{\"health_path\":\"/ping\"}")
                .containsEntry("metadata", "{\"team\":\"a\"}");
        assertThat(row(updated))
                .containsEntry("base_url", "https://new.example.com")
                .containsEntry("config", "{\"a\":1}")
                .containsEntry("metadata", "{\"header.X-Customer\":\"cus_42\"}");
    }

    private void claim(UUID id) {
        jdbc.sql("INSERT INTO live_connections (tenant_id, scope_key, config_name, vendor, category, connection_id, "
                        + "credential_version, created_at) VALUES ('t', 'organization', ?, 'rest_api', 'rest', ?, 1, "
                        + "now())")
                .params("c-" + id, id)
                .update();
    }

    private void event(UUID id, int sequence, String type, String payload) {
        jdbc.sql("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, payload, "
                        + "payloadtype, timestamp) VALUES (?, ?, 'Connection', ?, ?, ?, '2026-11-24T10:00:00Z')")
                .params(
                        id.toString(),
                        sequence,
                        UUID.randomUUID().toString(),
                        payload.getBytes(StandardCharsets.UTF_8),
                        "dev.patchbay.contracts.connection." + type)
                .update();
    }

    private Map<String, Object> row(UUID id) {
        return jdbc.sql("SELECT base_url, config, metadata FROM live_connections WHERE connection_id = ?")
                .param(id)
                .query()
                .singleRow();
    }
}
