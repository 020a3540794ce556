package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The total of an unfiltered first page comes from {@code connection_totals}, which the projection keeps in the
 * transaction of each row change: it is the true number of live connections whatever order, redelivery or replay
 * the events come in. Filtered first pages still count.
 */
class ConnectionTotalsIT extends QueryServiceTestBase {

    @Autowired
    private ConnectionFactory connectionFactory;

    @Test
    void theTotalIsTheTrueNumberOfLiveConnectionsThroughDeletesRevivalsRedeliveriesAndReplays() {
        var tenant = TestTokens.newTenant();
        var other = TestTokens.newTenant();
        var events = new ArrayList<ConnectionEvent>();
        // five live, one of them revoked (revoked ones count)
        var live = new ArrayList<ConnectionCreated>();
        for (int i = 0; i < 5; i++) {
            var created = aConnection(tenant).named("live-" + i).created();
            live.add(created);
            events.add(created);
        }
        events.add(ConnectionFixtures.revoked(live.get(1), 2, ConnectionFixtures.FINGERPRINT));
        // two created and deleted
        for (int i = 0; i < 2; i++) {
            var created = aConnection(tenant).named("deleted-" + i).created();
            events.add(created);
            events.add(ConnectionFixtures.updated(created, 2, "about to go", Map.of()));
            events.add(ConnectionFixtures.deleted(created, 3));
        }
        // a delete that arrives before its create: a tombstone, which counts nothing, nor does the late create
        var early = aConnection(tenant).named("deleted-early").created();
        events.add(ConnectionFixtures.deleted(early, 2));
        events.add(early);
        // created, deleted, then created again at a later version: live
        var revived = aConnection(tenant).named("revived").created();
        events.add(revived);
        events.add(ConnectionFixtures.deleted(revived, 2));
        events.add(aConnection(tenant)
                .withId(revived.connectionId())
                .withVersion(3)
                .named("revived")
                .at(revived.occurredAt().plusSeconds(120))
                .created());
        // another tenant's creation of an id that is this tenant's changes neither tenant's total
        events.add(aConnection(other)
                .withId(live.get(0).connectionId())
                .withVersion(5)
                .named("forged")
                .created());

        awaitAllConsumed(events);
        assertThat(total(tenant, "")).isEqualTo(6);
        assertThat(total(other, "")).isZero();

        // a replay of everything, then redeliveries in reverse
        var again = new ArrayList<>(events);
        var reversed = new ArrayList<>(events);
        Collections.reverse(reversed);
        again.addAll(reversed);
        awaitAllConsumed(again);

        assertThat(total(tenant, "")).isEqualTo(6).isEqualTo(countedLive(tenant));
        assertThat(total(tenant, "?status=active") + total(tenant, "?status=revoked"))
                .isEqualTo(6);
        assertThat(total(tenant, "?status=revoked")).isEqualTo(1);
        assertThat(total(other, "")).isZero().isEqualTo(countedLive(other));
    }

    @Test
    void theMigrationCountsEachTenantsLiveRowsThereAre() throws SQLException {
        var database = TestInfrastructure.freshDatabase("totals");
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), "")
                .locations("classpath:db/migration/query")
                .target("2")
                .load()
                .migrate();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var statement = connection.createStatement()) {
            statement.execute("""
                    INSERT INTO connections (id, tenant_id, version, vendor, category, config_name, config, scope,
                        metadata, status, credential, created_at, updated_at, created_by, updated_by, deleted)
                    SELECT gen_random_uuid(), 't-' || (i % 3), 1, 'pluggy', 'rest', 'c-' || i, '{}', 'organization',
                        '{}', CASE WHEN i % 4 = 0 THEN 'revoked' ELSE 'active' END, '{}', now(), now(), 'u', 'u',
                        i % 5 = 0
                    FROM generate_series(1, 30) AS i""");
            statement.execute("INSERT INTO connections (id, tenant_id, version, deleted) "
                    + "VALUES (gen_random_uuid(), 't-only-tombstones', 2, true)");
        }

        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), "")
                .locations("classpath:db/migration/query")
                .load()
                .migrate();

        var totals = new TreeMap<String, Long>();
        var counted = new TreeMap<String, Long>();
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var statement = connection.createStatement()) {
            try (var rows = statement.executeQuery("SELECT tenant_id, live FROM connection_totals")) {
                while (rows.next()) {
                    totals.put(rows.getString(1), rows.getLong(2));
                }
            }
            try (var rows = statement.executeQuery(
                    "SELECT tenant_id, count(*) FILTER (WHERE NOT deleted) " + "FROM connections GROUP BY tenant_id")) {
                while (rows.next()) {
                    counted.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        assertThat(totals)
                .isEqualTo(counted)
                .containsEntry("t-only-tombstones", 0L)
                .hasSize(4);
        assertThat(totals.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(24);
    }

    private void awaitAllConsumed(List<ConnectionEvent> events) {
        var sent = new ArrayList<RecordMetadata>();
        for (var event : events) {
            sent.add(publish(event));
        }
        sent.forEach(this::awaitConsumed);
    }

    private long countedLive(String tenant) {
        return DatabaseClient.create(connectionFactory)
                .sql("SELECT count(*) AS n FROM connections WHERE tenant_id = :tenant AND NOT deleted")
                .bind("tenant", TenantId.of(tenant).value())
                .map(row -> row.get("n", Long.class))
                .one()
                .block();
    }

    private long total(String tenant, String query) {
        var body = http.get()
                .uri("/v1/connections" + query)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((Number) body.get("total")).longValue();
    }
}
