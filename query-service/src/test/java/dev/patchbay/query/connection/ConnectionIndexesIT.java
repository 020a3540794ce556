package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestInfrastructure;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plans of the reads at 100,000 live connections of one tenant (and 20,000 of others), on a fresh database
 * migrated like the service's: {@code EXPLAIN (ANALYZE, BUFFERS)} of the very statements
 * {@link ConnectionDescriptors} sends, with their parameters. It asserts the plan shape (index scans, never a
 * sequential scan), not a time: the plans and their timings are written to {@code target/index-plans.txt}.
 */
class ConnectionIndexesIT {

    private static final TenantId TENANT = TenantId.of("t-bench");
    private static final int ROWS = 100_000;

    private static DatabaseClient db;

    @BeforeAll
    static void oneHundredThousandConnectionsOfOneTenant() {
        var database = TestInfrastructure.freshDatabase("bench");
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), "")
                .locations("classpath:db/migration/query")
                .load()
                .migrate();
        db = DatabaseClient.create(ConnectionFactories.get(ConnectionFactoryOptions.parse(database.r2dbcUrl())
                .mutate()
                .option(ConnectionFactoryOptions.USER, database.username())
                .build()));
        db.sql("""
                INSERT INTO connections (id, tenant_id, version, vendor, category, config_name, display_name,
                    base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential,
                    health_state, created_at, updated_at, created_by, updated_by, deleted, deleted_at)
                SELECT gen_random_uuid(),
                    CASE WHEN i <= 100000 THEN 't-bench' ELSE 't-other-' || (i % 7) END,
                    1 + i % 5,
                    (ARRAY['pluggy', 'belvo', 'postgresql', 'mysql', 'stripe'])[1 + i % 5], 'rest',
                    'conn-' || i, 'Connection ' || i, 'https://api.example.com', 'acct-' || i,
                    jsonb_build_object('region', 'br'),
                    CASE i % 10 WHEN 0 THEN 'workspace' WHEN 1 THEN 'user' ELSE 'organization' END,
                    CASE WHEN i % 10 IN (0, 1) THEN 'ws-' || (i % 200) END,
                    CASE WHEN i % 10 = 1 THEN 'eu-' || i END,
                    jsonb_build_object('default_customer_id', 'cus_' || i),
                    CASE WHEN i % 50 = 0 THEN 'revoked' ELSE 'active' END,
                    jsonb_build_object('fields', jsonb_build_array('client_id', 'secret'), 'version', 1,
                        'fingerprint', 'fp_' || i, 'rotated_at', '2026-01-01T00:00:00.000Z'),
                    CASE WHEN i % 100 = 7 THEN 'unhealthy' WHEN i % 3 = 0 THEN 'healthy' ELSE 'unknown' END,
                    timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second',
                    timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second', 'user-1', 'user-1',
                    i % 997 = 0, CASE WHEN i % 997 = 0 THEN now() END
                FROM generate_series(1, 120000) AS i""").then().block();
        db.sql("VACUUM ANALYZE connections").then().block();
    }

    @Test
    void theListGetAndResolveReadsUseIndexesAt100000ConnectionsOfOneTenant() throws IOException {
        var middle = db.sql("SELECT id, created_at FROM connections WHERE tenant_id = 't-bench' AND NOT deleted "
                        + "ORDER BY created_at DESC, id DESC OFFSET 50000 LIMIT 1")
                .map(row -> new PagePosition(row.get("created_at", Instant.class), row.get("id", UUID.class), ROWS))
                .one()
                .block();
        var workspaceUser = db.sql("SELECT workspace_id, end_user_id, config_name FROM connections "
                        + "WHERE tenant_id = 't-bench' AND scope = 'user' AND vendor = 'belvo' LIMIT 1")
                .map(row -> new String[] {
                    row.get("workspace_id", String.class),
                    row.get("end_user_id", String.class),
                    row.get("config_name", String.class)
                })
                .one()
                .block();
        var none = ConnectionFilter.NONE;
        Map<String, ConnectionDescriptors.Query> queries = new LinkedHashMap<>();
        queries.put("get by id", ConnectionDescriptors.findQuery(TENANT, new ConnectionId(middle.id())));
        queries.put("list, first page", ConnectionDescriptors.pageQuery(TENANT, none, null, 21));
        queries.put("list, first page with its total", ConnectionDescriptors.firstPageQuery(TENANT, 21));
        queries.put("list, page at row 50,000", ConnectionDescriptors.pageQuery(TENANT, none, middle, 21));
        queries.put(
                "list, vendor=belvo",
                ConnectionDescriptors.pageQuery(
                        TENANT, new ConnectionFilter("belvo", null, null, null, null), null, 21));
        queries.put(
                "list, status=revoked",
                ConnectionDescriptors.pageQuery(
                        TENANT, new ConnectionFilter(null, Status.REVOKED, null, null, null), null, 21));
        queries.put(
                "list, health=unhealthy",
                ConnectionDescriptors.pageQuery(
                        TENANT, new ConnectionFilter(null, null, "unhealthy", null, null), null, 21));
        queries.put(
                "list, workspace_id=ws-10",
                ConnectionDescriptors.pageQuery(
                        TENANT, new ConnectionFilter(null, null, null, "ws-10", null), null, 21));
        queries.put(
                "list, end_user_id",
                ConnectionDescriptors.pageQuery(
                        TENANT, new ConnectionFilter(null, null, null, null, workspaceUser[1]), null, 21));
        // an unfiltered first page reads its total from connection_totals by primary key instead (totalQuery)
        queries.put(
                "total of a first page, vendor=belvo",
                ConnectionDescriptors.countQuery(TENANT, new ConnectionFilter("belvo", null, null, null, null)));
        queries.put(
                "total, health=unhealthy",
                ConnectionDescriptors.countQuery(TENANT, new ConnectionFilter(null, null, "unhealthy", null, null)));
        queries.put(
                "resolve",
                ConnectionDescriptors.resolveQuery(
                        TENANT, "belvo", workspaceUser[2], workspaceUser[0], workspaceUser[1]));

        var report = new ArrayList<String>();
        report.add("EXPLAIN (ANALYZE, BUFFERS) at " + ROWS + " live connections of one tenant, 20,000 of others");
        for (var query : queries.entrySet()) {
            var plan = db.sql("EXPLAIN (ANALYZE, BUFFERS) " + query.getValue().sql())
                    .bindValues(query.getValue().values())
                    .map(row -> row.get(0, String.class))
                    .all()
                    .collectList()
                    .block();
            report.add("");
            report.add("== " + query.getKey());
            report.addAll(plan);
            var text = String.join("\n", plan);
            assertThat(text).as(query.getKey()).doesNotContain("Seq Scan").contains("Index");
        }
        var file = Path.of("target", "index-plans.txt");
        Files.writeString(file, String.join("\n", report) + "\n");
        System.out.println(String.join("\n", report));
    }
}
