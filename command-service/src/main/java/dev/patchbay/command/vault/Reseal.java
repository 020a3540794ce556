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
 * Re-seals every vault row that another key sealed, under the current key, and binds every credential sealed before
 * destinations were bound to the destination recorded for it ({@link LegacyDestinations}), while the service keeps
 * serving: rows
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

    private record Row(UUID connectionId, String purpose, int version, String tenantId, byte[] ciphertext,
            String destination, boolean bound) {
    }

    /** Rows to move: sealed by another key, or a credential whose destination is recorded but not yet sealed in. */
    private static final String TO_MOVE = "(key_name <> ? OR (purpose = 'credential' AND NOT bound "
            + "AND destination IS NOT NULL))";

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
        var after = new Row(new UUID(0, 0), "", Integer.MIN_VALUE, "", null, null, true);
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
        long remaining = jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE key_name <> ? OR (purpose = "
                + "'credential' AND NOT bound)").param(vault.keyName()).query(Long.class).single();
        log.info("Reseal under '{}': {} rows resealed, {} unreadable, {} remaining", vault.keyName(), resealed,
                unreadable, remaining);
        return new Result(vault.keyName(), resealed, unreadable, remaining);
    }

    private record Batch(int resealed, int unreadable, Row last) {
    }

    private Batch resealBatch(Row after) {
        var rows = jdbc.sql("SELECT connection_id, purpose, version, tenant_id, ciphertext, destination, bound "
                + "FROM sealed_secrets WHERE " + TO_MOVE + " AND (connection_id, purpose, version) > (?, ?, ?) "
                + "ORDER BY connection_id, purpose, version LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(vault.keyName(), after.connectionId(), after.purpose(), after.version(), BATCH)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
                        rs.getString(4), rs.getBytes(5), rs.getString(6), rs.getBoolean(7)))
                .list();
        int resealed = 0;
        int unreadable = 0;
        for (var row : rows) {
            // A bound row opens and is sealed again for its destination; an unbound one opens as it was sealed
            // (no destination in its context) and is sealed for the destination recorded for it.
            var sealedFor = new SealingContext(TenantId.of(row.tenantId()), new ConnectionId(row.connectionId()),
                    row.version(), row.purpose(), row.bound() ? row.destination() : null);
            var sealTo = row.bound() ? sealedFor : sealedFor.boundTo(row.destination());
            try (var secret = vault.open(row.ciphertext(), sealedFor)) {
                jdbc.sql("UPDATE sealed_secrets SET ciphertext = ?, key_name = ?, sealed_at = now(), bound = true "
                        + "WHERE connection_id = ? AND purpose = ? AND version = ?")
                        .params(vault.seal(secret, sealTo), vault.keyName(), row.connectionId(), row.purpose(),
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
