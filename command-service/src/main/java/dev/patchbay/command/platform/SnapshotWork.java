package dev.patchbay.command.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Axon's snapshotter takes its snapshots: on a thread of its own, once the command's transaction has committed.
 * <p>
 * Axon schedules a snapshot when its unit of work commits, but here that unit of work runs inside the command's wider
 * Spring transaction (name index, vault, events), which is still open then. Taken there, the snapshot's statements
 * joined the command's transaction: a snapshot that failed (two instances storing one aggregate's snapshot at once,
 * a full disk, a bug) aborted the transaction and failed a command whose events were fine, and every hundredth
 * command paid for the snapshot in its own latency. Handed to this executor, a snapshot waits for the command's
 * commit (after a rollback it is dropped: its events were never stored), then runs on this thread in a transaction of
 * its own; its failure is logged by Axon and changes nothing but the next load's length. A later command takes the
 * next snapshot, so one dropped because the queue is full costs nothing either.
 */
public final class SnapshotWork implements Executor, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWork.class);
    private static final int QUEUED = 1_000;

    /** Snapshots handed to the thread and not finished. */
    private final AtomicInteger pending = new AtomicInteger();

    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUED),
            task -> {
                var snapshotter = new Thread(task, "snapshotter");
                snapshotter.setDaemon(true);
                return snapshotter;
            },
            (task, executor) -> {
                pending.decrementAndGet();
                if (!executor.isShutdown()) {
                    log.warn("{} snapshots wait already; this one is not taken", QUEUED);
                }
            });

    @Override
    public void execute(Runnable snapshot) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            hand(snapshot);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                hand(snapshot);
            }
        });
    }

    private void hand(Runnable snapshot) {
        pending.incrementAndGet();
        thread.execute(() -> {
            try {
                snapshot.run();
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    /** Whether no snapshot waits or runs here (snapshots still waiting for their command's commit aside). */
    public boolean idle() {
        return pending.get() == 0;
    }

    @Override
    public void destroy() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(10, TimeUnit.SECONDS);
    }
}
