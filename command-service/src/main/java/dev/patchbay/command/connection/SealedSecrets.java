package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.vault.SealingContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;

/** The vault table: sealed blobs only, each bound by its encryption context to the row it sits in. */
@Repository
class SealedSecrets {

    private final JdbcClient jdbc;

    SealedSecrets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void store(SealingContext context, byte[] ciphertext, String keyName, Instant at) {
        jdbc.sql("INSERT INTO sealed_secrets (connection_id, purpose, version, tenant_id, ciphertext, key_name, "
                + "sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(context.connectionId().value(), context.purpose(), context.version(),
                        context.tenant().value(), ciphertext, keyName, Timestamp.from(at))
                .update();
    }

    /** Destroys every version of one purpose older than {@code keep}. */
    int destroyBefore(ConnectionId id, String purpose, int keep) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ? AND version < ?")
                .params(id.value(), purpose, keep).update();
    }

    int destroy(ConnectionId id, String purpose) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ? AND purpose = ?")
                .params(id.value(), purpose).update();
    }

    /** Destroys every sealed secret of the connection: its credential and its webhook secret. */
    int destroyAll(ConnectionId id) {
        return jdbc.sql("DELETE FROM sealed_secrets WHERE connection_id = ?").param(id.value()).update();
    }
}
