package dev.patchbay.command.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.UUID;

/**
 * Re-seals every vault row that another key sealed, under the current key, while the service keeps serving: rows
 * are taken in small batches, each in its own transaction with its rows locked (SKIP LOCKED, so a command that
 * holds a row is never waited for; that row is met again on a later pass or by the next reseal).
 */
@Service
class Reseal {

    private static final Logger log = LoggerFactory.getLogger(Reseal.class);
    private static final int BATCH = 100;

    /** What a reseal did: rows moved to the current key, rows no configured key opens, rows still to move. */
    @io.swagger.v3.oas.annotations.media.Schema(name = "ResealResult")
    record Result(String keyName, int resealed, int unreadable, long remaining) {
    }

    private record Row(UUID connectionId, String purpose, int version, String tenantId, byte[] ciphertext) {
    }

    private final Vault vault;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    Reseal(Vault vault, JdbcClient jdbc, TransactionTemplate transactions) {
        this.vault = vault;
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    Result run() {
        int resealed = 0;
        int unreadable = 0;
        var after = new Row(new UUID(0, 0), "", Integer.MIN_VALUE, "", null);
        while (true) {
            var position = after;
            var outcome = transactions.execute(status -> resealBatch(position));
            if (outcome == null || outcome.last() == null) {
                break;
            }
            resealed += outcome.resealed();
            unreadable += outcome.unreadable();
            after = outcome.last();
        }
        long remaining = jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE key_name <> ?").param(vault.keyName())
                .query(Long.class).single();
        log.info("Reseal under '{}': {} rows resealed, {} unreadable, {} remaining", vault.keyName(), resealed,
                unreadable, remaining);
        return new Result(vault.keyName(), resealed, unreadable, remaining);
    }

    private record Batch(int resealed, int unreadable, Row last) {
    }

    private Batch resealBatch(Row after) {
        var rows = jdbc.sql("SELECT connection_id, purpose, version, tenant_id, ciphertext FROM sealed_secrets "
                + "WHERE key_name <> ? AND (connection_id, purpose, version) > (?, ?, ?) "
                + "ORDER BY connection_id, purpose, version LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(vault.keyName(), after.connectionId(), after.purpose(), after.version(), BATCH)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                        rs.getString(4), rs.getBytes(5)))
                .list();
        int resealed = 0;
        int unreadable = 0;
        for (var row : rows) {
            var context = new SealingContext(TenantId.of(row.tenantId()), new ConnectionId(row.connectionId()),
                    row.version(), row.purpose());
            try (var secret = vault.open(row.ciphertext(), context)) {
                jdbc.sql("UPDATE sealed_secrets SET ciphertext = ?, key_name = ?, sealed_at = now() "
                        + "WHERE connection_id = ? AND purpose = ? AND version = ?")
                        .params(vault.seal(secret, context), vault.keyName(), row.connectionId(), row.purpose(),
                                row.version())
                        .update();
                resealed++;
            }
            catch (SealedCredentialUnreadable e) {
                unreadable++;
                log.warn("Reseal: {}", e.getMessage());
            }
        }
        return new Batch(resealed, unreadable, rows.isEmpty() ? null : rows.get(rows.size() - 1));
    }
}
