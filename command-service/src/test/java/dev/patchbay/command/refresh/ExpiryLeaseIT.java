package dev.patchbay.command.refresh;

import dev.patchbay.command.support.CommandServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two scheduler instances never act on the same connection at once: each leases due rows of
 * {@code credential_expiries} in a transaction, and while one holds its lease the other skips those rows rather
 * than taking them or waiting for them. Here two threads lease as two instances would, each keeping its transaction
 * open until the other has leased too. The rows are due only at a time far ahead, which this context's own
 * scheduler (leasing at the present) never reaches.
 */
class ExpiryLeaseIT extends CommandServiceTestBase {

    @Autowired
    ExpiryIndex index;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void twoInstancesLeasingAtOnceTakeEachDueRowOnceAndNeverWaitForEachOther() throws Exception {
        var later = Instant.now().plus(Duration.ofDays(400));
        var ids = new HashSet<UUID>();
        for (int i = 0; i < 40; i++) {
            var id = UUID.randomUUID();
            ids.add(id);
            jdbc.sql("INSERT INTO credential_expiries (connection_id, tenant_id, vendor, credential_version, "
                            + "expires_at, refreshable, next_attempt_at) VALUES (?, 'lease-test', 'oauth2', 1, ?, "
                            + "true, ?)")
                    .params(id, Timestamp.from(later), Timestamp.from(later))
                    .update();
        }
        var leasedBoth = new CountDownLatch(2);
        var at = later.plusSeconds(1);

        var first = CompletableFuture.supplyAsync(() -> leaseHolding(at, leasedBoth));
        var second = CompletableFuture.supplyAsync(() -> leaseHolding(at, leasedBoth));
        var a = first.get(60, TimeUnit.SECONDS);
        var b = second.get(60, TimeUnit.SECONDS);

        assertThat(a.bothLeasedWhileOpen())
                .as("neither waited for the other's lease")
                .isTrue();
        assertThat(b.bothLeasedWhileOpen()).isTrue();
        assertThat(a.ids()).doesNotContainAnyElementsOf(b.ids());
        var all = new HashSet<>(a.ids());
        all.addAll(b.ids());
        assertThat(all).containsAll(ids);
        assertThat(index.lease(at, at.plusSeconds(60), 100))
                .as("leased rows are pushed on: due again only when their lease runs out")
                .noneMatch(due -> ids.contains(due.connectionId().value()));
        jdbc.sql("DELETE FROM credential_expiries WHERE tenant_id = 'lease-test'")
                .update();
    }

    record Leased(Set<UUID> ids, boolean bothLeasedWhileOpen) {}

    private Leased leaseHolding(Instant at, CountDownLatch leasedBoth) {
        return transactions.execute(status -> {
            // a small batch each, several times, so that both instances are in the middle of the rows at once
            var mine = new HashSet<UUID>();
            List<ExpiryIndex.Due> batch;
            batch = index.lease(at, at.plusSeconds(120), 25);
            batch.forEach(due -> mine.add(due.connectionId().value()));
            leasedBoth.countDown();
            boolean both;
            try {
                both = leasedBoth.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            index.lease(at, at.plusSeconds(120), 100)
                    .forEach(due -> mine.add(due.connectionId().value()));
            return new Leased(mine, both);
        });
    }
}
