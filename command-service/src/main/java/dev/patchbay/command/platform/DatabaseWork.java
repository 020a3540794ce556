package dev.patchbay.command.platform;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.util.concurrent.Callable;

/**
 * Where the requests' blocking work runs (commands with their sealing, transaction and Axon dispatch; webhook token
 * mints and revocations; webhook deliveries; live tests' look-ups): on at most
 * {@code patchbay.command.database-threads} threads, fewer than the JDBC pool's connections, so that a burst queues
 * here instead of in HikariCP. Reactor's shared boundedElastic scheduler would run up to ten threads a core, more
 * than the pool has connections; the threads that found none then spin in HikariCP's hand-off loop
 * ({@code Thread.yield}), which costs threads and context switches (figures: bench/RESULTS.md). The pool keeps {@code maximum-pool-size - database-threads} connections for the relay, the event store's reader and
 * the rest.
 */
@Component
public class DatabaseWork implements DisposableBean {

    /** Reactor's own bound on queued tasks: a larger burst is refused rather than held in memory. */
    private static final int QUEUED_TASKS = 100_000;

    private final Scheduler scheduler;

    DatabaseWork(@Value("${patchbay.command.database-threads:8}") int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("patchbay.command.database-threads must be at least 1");
        }
        this.scheduler = Schedulers.newBoundedElastic(threads, QUEUED_TASKS, "database");
    }

    /** The work, run on one of these threads when subscribed. */
    public <T> Mono<T> run(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(scheduler);
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
