package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The vault table {@code sealed_secrets}: sealed blobs only, each bound by its encryption context to the row it sits
 * in and, for a credential, to its destination, whose digest is kept beside it. command-service writes through it;
 * probe-worker only reads (its pool's sessions are read-only).
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
                .params(context.connectionId().value(), context.purpose(), context.version(),
                        context.tenant().value(), ciphertext, keyName, Timestamp.from(at), context.destination())
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

    /** The digest stored with a connection's current credential, if it has one. */
    public Optional<String> destinationOf(ConnectionId connection, int version) {
        return jdbc.sql("SELECT destination FROM sealed_secrets WHERE connection_id = ? AND purpose = ? "
                        + "AND version = ?")
                .params(connection.value(), SealingContext.CREDENTIAL, version)
                .query((rows, n) -> Optional.ofNullable(rows.getString(1))).optional().flatMap(found -> found);
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
                .params(destination, connection.value(), SealingContext.CREDENTIAL, version).update() == 1;
    }

    /** Destroys every version of one purpose older than {@code keep}. */
    public int destroyBefore(ConnectionId id, String purpose, int keep) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ? AND version < ?")
                .params(id.value(), purpose, keep).update();
    }

    public int destroy(ConnectionId id, String purpose) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ?")
                .params(id.value(), purpose).update();
    }

    /** Destroys every sealed secret of the connection: its credential and its webhook secret. */
    public int destroyAll(ConnectionId id) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ?").param(id.value()).update();
    }
}
