package dev.patchbay.command.refresh;

import dev.patchbay.command.platform.CredentialExpiries;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code credential_expiries} table (migration V12): each live, active connection whose credential expires, when
 * it is next due (its refresh, or its expiry), and its run of transient refresh failures. Written by the connection
 * feature's commands ({@link CredentialExpiries}) in their transactions, and by the refresh feature's scheduler and
 * result consumer.
 */
@Component
class ExpiryIndex implements CredentialExpiries {

    /** The connector type whose credentials a refresher renews, when they carry a refresh token. */
    static final String OAUTH2 = "oauth2";

    static final String REFRESH_TOKEN = "refresh_token";

    /** A row as the scheduler leased it. */
    record Due(
            ConnectionId connectionId,
            TenantId tenant,
            String vendor,
            int credentialVersion,
            Instant expiresAt,
            boolean refreshable,
            Instant failingSince) {}

    // One statement leases and pushes on: rows another instance has locked are skipped, not waited for, and a row
    // pushed on is no longer due, so each due row goes to exactly one instance until its lease runs out.
    private static final String LEASE = """
            WITH due AS (
                SELECT connection_id FROM credential_expiries
                WHERE next_attempt_at <= :now
                ORDER BY next_attempt_at
                LIMIT :limit
                FOR UPDATE SKIP LOCKED
            )
            UPDATE credential_expiries AS e
            SET next_attempt_at = :leasedUntil, leased_until = :leasedUntil
            FROM due WHERE e.connection_id = due.connection_id
            RETURNING e.connection_id, e.tenant_id, e.vendor, e.credential_version, e.expires_at, e.refreshable,
                      e.failing_since
            """;

    private final JdbcClient jdbc;
    private final OAuth2Properties properties;

    ExpiryIndex(JdbcClient jdbc, OAuth2Properties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    static boolean refreshable(String vendor, List<String> fields) {
        return OAUTH2.equals(vendor) && fields.contains(REFRESH_TOKEN);
    }

    @Override
    public void track(TenantId tenant, ConnectionResource connection) {
        var credential = connection.credential();
        if (connection.status() != ConnectionResource.Status.ACTIVE
                || credential == null
                || credential.expiresAt() == null) {
            forget(connection.id());
            return;
        }
        boolean refreshable = refreshable(connection.vendor(), credential.fields());
        var due = refreshable ? credential.expiresAt().minus(properties.refreshMargin()) : credential.expiresAt();
        // A new credential starts afresh; the same one (an update that did not rotate) keeps its schedule.
        jdbc.sql("""
                        INSERT INTO credential_expiries (connection_id, tenant_id, vendor, credential_version, expires_at,
                            refreshable, next_attempt_at, failing_since, attempts, leased_until)
                        VALUES (:id, :tenant, :vendor, :version, :expiresAt, :refreshable, :due, NULL, 0, NULL)
                        ON CONFLICT (connection_id) DO UPDATE SET
                            tenant_id = EXCLUDED.tenant_id, vendor = EXCLUDED.vendor,
                            credential_version = EXCLUDED.credential_version, expires_at = EXCLUDED.expires_at,
                            refreshable = EXCLUDED.refreshable, next_attempt_at = EXCLUDED.next_attempt_at,
                            failing_since = NULL, attempts = 0, leased_until = NULL
                        WHERE credential_expiries.credential_version <> EXCLUDED.credential_version
                        """)
                .param("id", connection.id().value())
                .param("tenant", tenant.value())
                .param("vendor", connection.vendor())
                .param("version", credential.version())
                .param("expiresAt", Timestamp.from(credential.expiresAt()))
                .param("refreshable", refreshable)
                .param("due", Timestamp.from(due))
                .update();
    }

    @Override
    public void forget(ConnectionId id) {
        jdbc.sql("DELETE FROM credential_expiries WHERE connection_id = ?")
                .param(id.value())
                .update();
    }

    /** Forgets the row if it is still that credential's (a newer credential's row is kept). */
    void forget(ConnectionId id, int credentialVersion) {
        jdbc.sql("DELETE FROM credential_expiries WHERE connection_id = ? AND credential_version = ?")
                .params(id.value(), credentialVersion)
                .update();
    }

    /** Leases up to {@code limit} due rows until {@code leasedUntil}. */
    List<Due> lease(Instant now, Instant leasedUntil, int limit) {
        return jdbc.sql(LEASE)
                .param("now", Timestamp.from(now))
                .param("leasedUntil", Timestamp.from(leasedUntil))
                .param("limit", limit)
                .query(ExpiryIndex::due)
                .list();
    }

    /** The row of the connection, if it is tracked. */
    Optional<Due> find(ConnectionId id) {
        return jdbc.sql("SELECT connection_id, tenant_id, vendor, credential_version, expires_at, refreshable, "
                        + "failing_since FROM credential_expiries WHERE connection_id = ?")
                .param(id.value())
                .query(ExpiryIndex::due)
                .optional();
    }

    /** A failed run so far: since when, and how many failures. */
    record Failing(Instant since, int attempts) {}

    /**
     * Records a transient failure of the refresh of {@code credentialVersion} at {@code now}: the run of failures
     * starts now if none was running, and the next attempt comes after the backoff, or when the provider asked.
     * Empty when the row is not that credential's any more.
     */
    Optional<Failing> failedTransiently(ConnectionId id, int credentialVersion, Instant now, Instant retryAfter) {
        var current = jdbc.sql("SELECT failing_since, attempts FROM credential_expiries WHERE connection_id = ? "
                        + "AND credential_version = ? FOR UPDATE")
                .params(id.value(), credentialVersion)
                .query((rs, n) -> new Failing(instant(rs, 1), rs.getInt(2)))
                .optional();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        var since = current.get().since() == null ? now : current.get().since();
        int attempts = current.get().attempts() + 1;
        var next = now.plus(properties.backoffAfter(attempts));
        if (retryAfter != null && retryAfter.isAfter(next)) {
            next = retryAfter;
        }
        jdbc.sql("UPDATE credential_expiries SET failing_since = ?, attempts = ?, next_attempt_at = ?, "
                        + "leased_until = NULL WHERE connection_id = ?")
                .params(Timestamp.from(since), attempts, Timestamp.from(next), id.value())
                .update();
        return Optional.of(new Failing(since, attempts));
    }

    /**
     * The credential turned out to have nothing to refresh it with: it is due to expire at its expiry instead.
     */
    void notRefreshable(ConnectionId id, int credentialVersion) {
        jdbc.sql("UPDATE credential_expiries SET refreshable = false, next_attempt_at = expires_at, "
                        + "leased_until = NULL WHERE connection_id = ? AND credential_version = ?")
                .params(id.value(), credentialVersion)
                .update();
    }

    private static Due due(ResultSet rs, int row) throws SQLException {
        return new Due(
                new ConnectionId(rs.getObject(1, UUID.class)),
                TenantId.of(rs.getString(2)),
                rs.getString(3),
                rs.getInt(4),
                instant(rs, 5),
                rs.getBoolean(6),
                instant(rs, 7));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        var at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }
}
