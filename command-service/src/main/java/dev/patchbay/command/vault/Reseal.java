package dev.patchbay.command.vault;

import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealedSecretStore.StoredRow;
import dev.patchbay.vault.Vault;
import io.swagger.v3.oas.annotations.media.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Re-seals every vault row that another key sealed, under the current key, and binds every credential sealed before
 * destinations were bound to the destination recorded for it ({@link LegacyDestinations}), while the service keeps
 * serving: rows are taken in small batches, each in its own transaction with its rows locked (SKIP LOCKED, so a
 * command that holds a row is never waited for; that row is met again on a later pass or by the next reseal).
 */
@Service
class Reseal {

    private static final Logger log = LoggerFactory.getLogger(Reseal.class);
    private static final int BATCH = 100;

    /** What a reseal did: rows moved to the current key, rows no configured key opens, rows still to move. */
    @Schema(name = "ResealResult")
    record Result(String keyName, int resealed, int unreadable, long remaining) {}

    private final Vault vault;
    private final SealedSecretStore store;
    private final TransactionTemplate transactions;

    Reseal(Vault vault, SealedSecretStore store, TransactionTemplate transactions) {
        this.vault = vault;
        this.store = store;
        this.transactions = transactions;
    }

    Result run() {
        int resealed = 0;
        int unreadable = 0;
        StoredRow after = null;
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
        long remaining = store.remainingToReseal(vault.keyName());
        log.info(
                "Reseal under '{}': {} rows resealed, {} unreadable, {} remaining",
                vault.keyName(),
                resealed,
                unreadable,
                remaining);
        return new Result(vault.keyName(), resealed, unreadable, remaining);
    }

    private record Batch(int resealed, int unreadable, StoredRow last) {}

    private Batch resealBatch(StoredRow after) {
        var rows = store.lockRowsToReseal(vault.keyName(), after, BATCH);
        int resealed = 0;
        int unreadable = 0;
        for (var row : rows) {
            // A bound row opens and is sealed again for its destination; an unbound one opens as it was sealed
            // (no destination in its context) and is sealed for the destination recorded for it.
            try (var secret = vault.open(row.ciphertext(), row.sealedFor())) {
                store.replaceSealed(row, vault.seal(secret, row.sealTo()), vault.keyName());
                resealed++;
            } catch (SealedCredentialUnreadable e) {
                unreadable++;
                log.warn("Reseal: {}", e.getMessage());
            }
        }
        return new Batch(resealed, unreadable, rows.isEmpty() ? null : rows.get(rows.size() - 1));
    }
}
