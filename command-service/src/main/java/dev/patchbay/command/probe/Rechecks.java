package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The {@code health_rechecks} table: when each live connection is next checked, and its leases. */
@Component
class Rechecks {

    /** A connection whose re-check this instance leased. */
    record Due(ConnectionId connectionId, TenantId tenant) {}

    // The period of the row's connection: its own, else its tenant's, else the default (the arrays are the
    // configured connections and tenants with their periods in seconds). Used with the row's ids in scope.
    private static final String PERIOD_SECONDS = """
            COALESCE(
                (SELECT own.seconds FROM unnest(CAST(:connections AS uuid[]), CAST(:connectionSeconds AS float8[]))
                     AS own(connection_id, seconds) WHERE own.connection_id = %1$s.connection_id),
                (SELECT own.seconds FROM unnest(CAST(:tenants AS text[]), CAST(:tenantSeconds AS float8[]))
                     AS own(tenant_id, seconds) WHERE own.tenant_id = %1$s.tenant_id),
                :defaultSeconds)""";

    // New live connections start at a random point of their period, so a tenant's thousands of connections are
    // spread over it rather than checked at once. A connection whose re-checks are off gets no row.
    // The full pass reads every live connection; the pass over new ones only those created since (by the index on
    // created_at), so that its cost follows the rate of creates, not the size of the store.
    private static final String SEED = """
            INSERT INTO health_rechecks (connection_id, tenant_id, next_check_at)
            SELECT connection_id, tenant_id, CAST(:now AS timestamptz) + make_interval(secs => %s * random())
            FROM live_connections AS live
            WHERE live.connection_id <> ALL (CAST(:off AS uuid[]))
              AND NOT EXISTS (SELECT 1 FROM health_rechecks AS r WHERE r.connection_id = live.connection_id)
              %%s
            ON CONFLICT (connection_id) DO NOTHING
            """.formatted(PERIOD_SECONDS.formatted("live"));

    private static final String SEED_ALL = SEED.formatted("");
    private static final String SEED_NEW = SEED.formatted("AND live.created_at >= :since");

    private static final String DROP_GONE_OR_OFF = """
            DELETE FROM health_rechecks AS r
            WHERE NOT EXISTS (SELECT 1 FROM live_connections AS l WHERE l.connection_id = r.connection_id)
               OR r.connection_id = ANY (CAST(:off AS uuid[]))
            """;

    // One statement leases and pushes on: rows another instance has locked are skipped, not waited for, and a row
    // it has pushed on is no longer due, so each due row is leased by exactly one instance once per period.
    private static final String LEASE = """
            WITH due AS (
                SELECT connection_id FROM health_rechecks
                WHERE next_check_at <= :now AND connection_id <> ALL (CAST(:off AS uuid[]))
                ORDER BY next_check_at
                LIMIT :limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE health_rechecks AS r
            SET next_check_at = CAST(:now AS timestamptz) + make_interval(secs => %s * (0.9 + 0.2 * random()))
            FROM due WHERE r.connection_id = due.connection_id
            RETURNING r.connection_id, r.tenant_id
            """.formatted(PERIOD_SECONDS.formatted("r"));

    // A leased connection whose re-check was not sent: due again after the retry delay, not a period later.
    private static final String RETRY = """
            UPDATE health_rechecks SET next_check_at = CAST(:at AS timestamptz) WHERE connection_id = :connection
            """;

    private final JdbcClient jdbc;

    Rechecks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Gives every live connection without one a first time within its period, and drops the gone and those whose
     * re-checks are off; how many new.
     */
    int seed(Instant now, Periods periods) {
        int seeded = periods.bind(jdbc.sql(SEED_ALL))
                .param("now", Timestamp.from(now))
                .update();
        jdbc.sql(DROP_GONE_OR_OFF).param("off", periods.off()).update();
        return seeded;
    }

    /**
     * Gives the live connections created at or after {@code since} that have none a first time within their period;
     * how many new. Reads only those connections: the gone are left to {@link #seed}.
     */
    int seedNew(Instant now, Periods periods, Instant since) {
        return periods.bind(jdbc.sql(SEED_NEW))
                .param("now", Timestamp.from(now))
                .param("since", Timestamp.from(since))
                .update();
    }

    /** Leases at most {@code limit} due connections and moves each its period (±10 %) past {@code now}. */
    List<Due> lease(Instant now, Periods periods, int limit) {
        return periods.bind(jdbc.sql(LEASE))
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query((rs, row) ->
                        new Due(new ConnectionId(rs.getObject(1, UUID.class)), TenantId.of(rs.getString(2))))
                .list();
    }

    /** Makes a leased connection due again at {@code at}: its re-check was not sent. */
    void retryAt(ConnectionId connection, Instant at) {
        jdbc.sql(RETRY)
                .param("at", Timestamp.from(at))
                .param("connection", connection.value())
                .update();
    }

    /**
     * The periods as the statements take them: the default, the tenants' own, the connections' own, and the
     * connections whose re-checks are off.
     */
    record Periods(
            double defaultSeconds,
            String[] tenants,
            Double[] tenantSeconds,
            UUID[] connections,
            Double[] connectionSeconds,
            UUID[] off) {

        static Periods of(Duration period, Map<String, Duration> tenantPeriods) {
            return of(period, tenantPeriods, Map.of());
        }

        /**
         * @param connectionPeriods by connection id: a duration (at least a minute), or {@code off}
         */
        static Periods of(Duration period, Map<String, Duration> tenantPeriods, Map<String, String> connectionPeriods) {
            var tenants = tenantPeriods.keySet().toArray(String[]::new);
            var tenantSeconds = new Double[tenants.length];
            for (int i = 0; i < tenants.length; i++) {
                tenantSeconds[i] = (double) tenantPeriods.get(tenants[i]).toSeconds();
            }
            List<UUID> connections = new ArrayList<>();
            List<Double> connectionSeconds = new ArrayList<>();
            List<UUID> off = new ArrayList<>();
            connectionPeriods.forEach((connection, value) -> {
                var id = UUID.fromString(connection);
                var own = RecheckProperties.connectionPeriod(connection, value);
                if (own.isEmpty()) {
                    off.add(id);
                } else {
                    connections.add(id);
                    connectionSeconds.add((double) own.get().toSeconds());
                }
            });
            return new Periods(
                    period.toSeconds(),
                    tenants,
                    tenantSeconds,
                    connections.toArray(UUID[]::new),
                    connectionSeconds.toArray(Double[]::new),
                    off.toArray(UUID[]::new));
        }

        static Periods of(RecheckProperties properties) {
            return of(properties.period(), properties.tenantPeriods(), properties.connectionPeriods());
        }

        private JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
            return statement
                    .param("defaultSeconds", defaultSeconds)
                    .param("tenants", tenants)
                    .param("tenantSeconds", tenantSeconds)
                    .param("connections", connections)
                    .param("connectionSeconds", connectionSeconds)
                    .param("off", off);
        }
    }
}
