package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The {@code health_rechecks} table: when each live connection is next checked, and its leases. */
@Component
class Rechecks {

    /** A connection whose re-check this instance leased. */
    record Due(ConnectionId connectionId, TenantId tenant) {}

    // New live connections start at a random point of the period, so a tenant's thousands of connections are spread
    // over it rather than checked at once.
    private static final String SEED = """
            INSERT INTO health_rechecks (connection_id, tenant_id, next_check_at)
            SELECT connection_id, tenant_id, CAST(? AS timestamptz) + make_interval(secs => ? * random())
            FROM live_connections
            ON CONFLICT (connection_id) DO NOTHING
            """;

    private static final String DROP_GONE = """
            DELETE FROM health_rechecks AS r
            WHERE NOT EXISTS (SELECT 1 FROM live_connections AS l WHERE l.connection_id = r.connection_id)
            """;

    // One statement leases and pushes on: rows another instance has locked are skipped, not waited for, and a row
    // it has pushed on is no longer due, so each due row is leased by exactly one instance once per period.
    private static final String LEASE = """
            WITH due AS (
                SELECT connection_id FROM health_rechecks
                WHERE next_check_at <= ?
                ORDER BY next_check_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            )
            UPDATE health_rechecks AS r
            SET next_check_at = CAST(? AS timestamptz) + make_interval(secs => ? * (0.9 + 0.2 * random()))
            FROM due WHERE r.connection_id = due.connection_id
            RETURNING r.connection_id, r.tenant_id
            """;

    private final JdbcClient jdbc;

    Rechecks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Gives every live connection without one a first time within the period, and drops the gone; how many new. */
    int seed(Instant now, Duration period) {
        int seeded = jdbc.sql(SEED)
                .params(Timestamp.from(now), (double) period.toSeconds())
                .update();
        jdbc.sql(DROP_GONE).update();
        return seeded;
    }

    /** Leases at most {@code limit} due connections and moves each a period (±10 %) past {@code now}. */
    List<Due> lease(Instant now, Duration period, int limit) {
        return jdbc.sql(LEASE)
                .params(Timestamp.from(now), limit, Timestamp.from(now), (double) period.toSeconds())
                .query((rs, row) ->
                        new Due(new ConnectionId(rs.getObject(1, UUID.class)), TenantId.of(rs.getString(2))))
                .list();
    }
}
