package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The vault's tables: {@code sealed_secrets}, sealed blobs only, each bound by its encryption context to the row it sits
 * in and, for a credential, to its destination, whose digest is kept beside it; and {@code vault_keys}, the check
 * value of each key that sealed here. command-service writes through it; probe-worker reads, and writes one kind of
 * row only: an OAuth2 credential its refresher renewed, staged ({@link SealingContext#REFRESHED}) until
 * command-service promotes or destroys it. No other code writes SQL against these tables.
 */
public final class SealedSecretStore {

    /**
     * One sealed credential as stored.
     *
     * @param destination the digest of the destination it may be sent to; null for a row sealed before
     *     destinations were bound and not yet given one
     * @param bound whether the destination is in the encryption context itself (rows sealed before the binding
     *     carry it only in this table until a reseal binds them)
     */
    public record SealedRow(byte[] ciphertext, String destination, boolean bound) {

        @Override
        public String toString() {
            return "SealedRow(" + ciphertext.length + " bytes, " + destination + ", bound=" + bound + ")";
        }
    }

    private final JdbcClient jdbc;

    public SealedSecretStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a blob sealed for {@code context}, its destination beside it. */
    public void store(SealingContext context, byte[] ciphertext, String keyName, Instant at) {
        jdbc.sql("INSERT INTO sealed_secrets (connection_id, purpose, version, tenant_id, ciphertext, key_name, "
                        + "sealed_at, destination, bound) VALUES (?, ?, ?, ?, ?, ?, ?, ?, true)")
                .params(
                        context.connectionId().value(),
                        context.purpose(),
                        context.version(),
                        context.tenant().value(),
                        ciphertext,
                        keyName,
                        Timestamp.from(at),
                        context.destination())
                .update();
    }

    /**
     * One version of one connection's credential, of that tenant only: a request for another tenant's row finds
     * nothing.
     */
    public Optional<SealedRow> findCredential(ConnectionId connection, TenantId tenant, int version) {
        return jdbc.sql("SELECT ciphertext, destination, bound FROM sealed_secrets WHERE connection_id = ? "
                        + "AND purpose = ? AND version = ? AND tenant_id = ?")
                .params(connection.value(), SealingContext.CREDENTIAL, version, tenant.value())
                .query((rows, n) -> new SealedRow(rows.getBytes(1), rows.getString(2), rows.getBoolean(3)))
                .optional();
    }

    /**
     * One sealed row of a secret that may be sent somewhere ({@code credential} or {@code candidate}), of that
     * tenant only. A webhook signing secret is never sent anywhere, so it is never found here.
     */
    public Optional<SealedRow> findSendable(ConnectionId connection, TenantId tenant, int version, String purpose) {
        if (!SealingContext.CREDENTIAL.equals(purpose) && !SealingContext.CANDIDATE.equals(purpose)) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT ciphertext, destination, bound FROM sealed_secrets WHERE connection_id = ? "
                        + "AND purpose = ? AND version = ? AND tenant_id = ?")
                .params(connection.value(), purpose, version, tenant.value())
                .query((rows, n) -> new SealedRow(rows.getBytes(1), rows.getString(2), rows.getBoolean(3)))
                .optional();
    }

    /**
     * Destroys the candidate rows sealed before {@code sealedBefore}: those whose check ended without its own
     * clean-up (a crash, a lost connection to the database).
     */
    public int destroyCandidatesSealedBefore(Instant sealedBefore) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE purpose = ? AND sealed_at < ?")
                .params(SealingContext.CANDIDATE, Timestamp.from(sealedBefore))
                .update();
    }

    /**
     * Stages a credential a refresher renewed: a row of purpose {@link SealingContext#REFRESHED}, version
     * {@code credentialContext.version()}, sealed under {@code credentialContext} (a {@link SealingContext#CREDENTIAL}
     * context bound to the connection's destination), which command-service promotes when it records the rotation.
     *
     * @return false if that version is already staged (another refresher got there first); nothing is changed then
     */
    public boolean stageRefreshed(SealingContext credentialContext, byte[] ciphertext, String keyName, Instant at) {
        return stageRefreshed(credentialContext, ciphertext, keyName, at, null);
    }

    /**
     * As {@link #stageRefreshed(SealingContext, byte[], String, Instant)}, with the new credential's expiry (not
     * secret, not sealed; null when the provider gave none), kept so that a refresher can describe the staged
     * credential again ({@link #findStagedRenewal}) when its first result never reached command-service.
     */
    public boolean stageRefreshed(
            SealingContext credentialContext, byte[] ciphertext, String keyName, Instant at, Instant expiresAt) {
        if (!SealingContext.CREDENTIAL.equals(credentialContext.purpose()) || credentialContext.destination() == null) {
            throw new IllegalArgumentException("a refreshed credential is sealed under a credential context bound to "
                    + "its destination, not " + credentialContext.purpose());
        }
        return jdbc.sql("INSERT INTO sealed_secrets (connection_id, purpose, version, tenant_id, ciphertext, "
                                + "key_name, sealed_at, destination, bound, expires_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, true, ?) "
                                + "ON CONFLICT (connection_id, purpose, version) DO NOTHING")
                        .params(
                                credentialContext.connectionId().value(),
                                SealingContext.REFRESHED,
                                credentialContext.version(),
                                credentialContext.tenant().value(),
                                ciphertext,
                                keyName,
                                Timestamp.from(at),
                                credentialContext.destination(),
                                expiresAt == null ? null : Timestamp.from(expiresAt))
                        .update()
                == 1;
    }

    /**
     * A staged renewal with what describes it besides its ciphertext.
     *
     * @param sealedAt when it was staged (the rotation's time in its result)
     * @param expiresAt the new credential's expiry, null if none was given or it was staged without one
     */
    public record StagedRenewal(SealedRow row, Instant sealedAt, Instant expiresAt) {}

    /** As {@link #findStagedRefresh}, with the staged row's time and the new credential's expiry. */
    public Optional<StagedRenewal> findStagedRenewal(ConnectionId connection, TenantId tenant, int version) {
        return jdbc.sql("SELECT ciphertext, destination, bound, sealed_at, expires_at FROM sealed_secrets "
                        + "WHERE connection_id = ? AND purpose = ? AND version = ? AND tenant_id = ?")
                .params(connection.value(), SealingContext.REFRESHED, version, tenant.value())
                .query((rows, n) -> {
                    var expiresAt = rows.getTimestamp(5);
                    return new StagedRenewal(
                            new SealedRow(rows.getBytes(1), rows.getString(2), rows.getBoolean(3)),
                            rows.getTimestamp(4).toInstant(),
                            expiresAt == null ? null : expiresAt.toInstant());
                })
                .optional();
    }

    /**
     * The staged (refreshed, not yet promoted) credential of that version, of that tenant only. It opens with
     * {@link SealingContext#credential} of that version and the connection's destination.
     */
    public Optional<SealedRow> findStagedRefresh(ConnectionId connection, TenantId tenant, int version) {
        return jdbc.sql("SELECT ciphertext, destination, bound FROM sealed_secrets WHERE connection_id = ? "
                        + "AND purpose = ? AND version = ? AND tenant_id = ?")
                .params(connection.value(), SealingContext.REFRESHED, version, tenant.value())
                .query((rows, n) -> new SealedRow(rows.getBytes(1), rows.getString(2), rows.getBoolean(3)))
                .optional();
    }

    /**
     * Makes the staged credential of {@code version} the connection's credential of that version. command-service
     * calls it in the transaction that records the rotation, then destroys the older versions as a rotation does.
     *
     * @return the rows promoted: 1, or 0 if nothing was staged for that version
     */
    public int promoteRefreshed(ConnectionId connection, int version) {
        return jdbc.sql("UPDATE sealed_secrets SET purpose = ? WHERE connection_id = ? AND purpose = ? AND version = ?")
                .params(SealingContext.CREDENTIAL, connection.value(), SealingContext.REFRESHED, version)
                .update();
    }

    /** Destroys every staged refreshed credential of the connection (a refresh that will not be recorded). */
    public int destroyStaged(ConnectionId connection) {
        return destroy(connection, SealingContext.REFRESHED);
    }

    /**
     * Destroys the connection's staged refreshed credentials of {@code version} and older: renewals of a credential
     * that was replaced before they were recorded. A renewal of the current credential, staged as a newer version,
     * is kept.
     */
    public int destroyStagedUpTo(ConnectionId connection, int version) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ? AND version <= ?")
                .params(connection.value(), SealingContext.REFRESHED, version)
                .update();
    }

    /** Destroys the staged refreshed credentials sealed before {@code sealedBefore}: results never recorded. */
    public int destroyStagedBefore(Instant sealedBefore) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE purpose = ? AND sealed_at < ?")
                .params(SealingContext.REFRESHED, Timestamp.from(sealedBefore))
                .update();
    }

    /** The digest stored with a connection's current credential, if it has one. */
    public Optional<String> destinationOf(ConnectionId connection, int version) {
        return jdbc.sql("SELECT destination FROM sealed_secrets WHERE connection_id = ? AND purpose = ? "
                        + "AND version = ?")
                .params(connection.value(), SealingContext.CREDENTIAL, version)
                .query((rows, n) -> Optional.ofNullable(rows.getString(1)))
                .optional()
                .flatMap(found -> found);
    }

    /**
     * Records where a row sealed before destinations were bound may be sent, once: a row that has a destination
     * keeps it.
     *
     * @return whether the row took it
     */
    public boolean recordLegacyDestination(ConnectionId connection, int version, String destination) {
        return jdbc.sql("UPDATE sealed_secrets SET destination = ? WHERE connection_id = ? AND purpose = ? "
                                + "AND version = ? AND destination IS NULL AND NOT bound")
                        .params(destination, connection.value(), SealingContext.CREDENTIAL, version)
                        .update()
                == 1;
    }

    /** Destroys every version of one purpose older than {@code keep}. */
    public int destroyBefore(ConnectionId id, String purpose, int keep) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ? AND version < ?")
                .params(id.value(), purpose, keep)
                .update();
    }

    public int destroy(ConnectionId id, String purpose) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ?")
                .params(id.value(), purpose)
                .update();
    }

    /** Destroys every sealed secret of the connection: its credential and its webhook secret. */
    public int destroyAll(ConnectionId id) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ?")
                .param(id.value())
                .update();
    }

    /** The check value recorded for each key that has sealed here. */
    public Map<String, String> recordedKeys() {
        var recorded = new HashMap<String, String>();
        jdbc.sql("SELECT key_name, check_value FROM vault_keys")
                .query((rows, n) -> {
                    recorded.put(rows.getString(1), rows.getString(2));
                    return null;
                })
                .list();
        return recorded;
    }

    /** Records the sealing key's check value the first time it seals here; a recorded key keeps its value. */
    public void recordKey(String keyName, String checkValue) {
        jdbc.sql("INSERT INTO vault_keys (key_name, check_value) VALUES (?, ?) ON CONFLICT (key_name) DO NOTHING")
                .params(keyName, checkValue)
                .update();
    }

    /** The names of the keys that sealed the rows now in the vault. */
    public List<String> keysInUse() {
        return jdbc.sql("SELECT DISTINCT key_name FROM sealed_secrets")
                .query(String.class)
                .list();
    }

    /** A vault row as a reseal reads it: where it is, what it is bound to, and its blob. */
    public record StoredRow(
            ConnectionId connectionId,
            String purpose,
            int version,
            TenantId tenant,
            byte[] ciphertext,
            String destination,
            boolean bound) {

        /**
         * The context the row was sealed with: its destination only if it is bound to it. A staged refreshed
         * credential was sealed as the credential it will become.
         */
        public SealingContext sealedFor() {
            var sealedAs = SealingContext.REFRESHED.equals(purpose) ? SealingContext.CREDENTIAL : purpose;
            return new SealingContext(tenant, connectionId, version, sealedAs, bound ? destination : null);
        }

        /** The context to seal it with now: its recorded destination sealed in. */
        public SealingContext sealTo() {
            return sealedFor().boundTo(destination);
        }

        @Override
        public String toString() {
            return "StoredRow(" + connectionId + " " + purpose + " v" + version + ")";
        }
    }

    /** The columns {@link #storedRow} reads, in its order. */
    private static final String STORED_ROW =
            "connection_id, purpose, version, tenant_id, ciphertext, destination, bound";

    /** Rows to move: sealed by another key, or a credential whose destination is recorded but not yet sealed in. */
    private static final String TO_MOVE =
            "(key_name <> ? OR (purpose = 'credential' AND NOT bound AND destination IS NOT NULL))";

    /**
     * The next rows a reseal must move, after {@code after} in key order, locked until the transaction ends; rows
     * another transaction holds are skipped (SKIP LOCKED), so a command on them is never waited for.
     */
    public List<StoredRow> lockRowsToReseal(String currentKey, StoredRow after, int limit) {
        var afterId = after == null ? new UUID(0, 0) : after.connectionId().value();
        var afterPurpose = after == null ? "" : after.purpose();
        int afterVersion = after == null ? Integer.MIN_VALUE : after.version();
        return jdbc.sql("SELECT " + STORED_ROW + " FROM sealed_secrets WHERE " + TO_MOVE
                        + " AND (connection_id, purpose, version) > (?, ?, ?) "
                        + "ORDER BY connection_id, purpose, version LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(currentKey, afterId, afterPurpose, afterVersion, limit)
                .query(SealedSecretStore::storedRow)
                .list();
    }

    /** Replaces a row's blob with one sealed by {@code keyName} for the row's {@link StoredRow#sealTo()}. */
    public void replaceSealed(StoredRow row, byte[] ciphertext, String keyName) {
        jdbc.sql("UPDATE sealed_secrets SET ciphertext = ?, key_name = ?, sealed_at = now(), bound = true "
                        + "WHERE connection_id = ? AND purpose = ? AND version = ?")
                .params(ciphertext, keyName, row.connectionId().value(), row.purpose(), row.version())
                .update();
    }

    /** Rows a reseal has still to move: under another key, or a credential not yet bound to its destination. */
    public long remainingToReseal(String currentKey) {
        return jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE key_name <> ? OR (purpose = 'credential' "
                        + "AND NOT bound)")
                .param(currentKey)
                .query(Long.class)
                .single();
    }

    /** A credential sealed before destinations were bound, and not yet given one. */
    public record Unrecorded(ConnectionId connectionId, TenantId tenant, int version) {}

    /** Up to {@code limit} credentials sealed before binding that have no destination recorded yet. */
    public List<Unrecorded> withoutDestination(int limit) {
        return jdbc.sql("SELECT connection_id, tenant_id, version FROM sealed_secrets WHERE purpose = 'credential' "
                        + "AND NOT bound AND destination IS NULL ORDER BY connection_id LIMIT ?")
                .param(limit)
                .query((rs, n) -> new Unrecorded(
                        new ConnectionId(rs.getObject(1, UUID.class)), TenantId.of(rs.getString(2)), rs.getInt(3)))
                .list();
    }

    /** The newest version of one purpose of a connection's secrets (its webhook signing secret), if it has one. */
    public Optional<StoredRow> newest(ConnectionId connection, String purpose) {
        return jdbc.sql("SELECT " + STORED_ROW + " FROM sealed_secrets WHERE connection_id = ? AND purpose = ? "
                        + "ORDER BY version DESC LIMIT 1")
                .params(connection.value(), purpose)
                .query(SealedSecretStore::storedRow)
                .optional();
    }

    private static StoredRow storedRow(ResultSet rs, int row) throws SQLException {
        return new StoredRow(
                new ConnectionId(rs.getObject(1, UUID.class)),
                rs.getString(2),
                rs.getInt(3),
                TenantId.of(rs.getString(4)),
                rs.getBytes(5),
                rs.getString(6),
                rs.getBoolean(7));
    }
}
