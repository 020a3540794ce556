package dev.patchbay.probe.connection;

import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes probe requests (group {@code patchbay-probe-workers}, set in probe-worker.yml, so that worker instances
 * share the partitions) and runs each on a bounded pool of {@code patchbay.probe.concurrency} threads. A request that
 * fails in any way is logged and dropped; the listener goes on.
 *
 * <p>The listener thread never runs a check itself: a check of a slow system would stop consumption, and with it
 * every tenant's tests. Instead each tenant has at most {@code patchbay.probe.tenant-concurrency} checks in the
 * worker (running or waiting for a thread), and a request beyond that, or beyond the pool's queue, is answered at
 * once with {@link Failure#BUSY} ({@code circuit_open}: try again shortly); a scheduled re-check never takes a tenant's
 * last slot ({@link Admission}). Answering beats queueing: a tenant whose
 * systems hang gets its answers as fast as the others, and cannot fill the queue ahead of them; each check it has
 * running ends by the check deadline, so its threads come back.
 *
 * <p>Offsets are committed when a request has been handed over, not when its check ends: a worker that dies drops
 * the checks it had in flight, and their requesters get command-service's timeout. A probe is cheap to ask again;
 * running it twice after a rebalance would not be.
 */
@Component
final class ProbeRequestListener implements DisposableBean {

    static final String ID = "probe-requests";

    private static final Logger log = LoggerFactory.getLogger(ProbeRequestListener.class);

    private final ProbeRunner runner;
    private final ProbeResultPublisher publisher;
    private final VaultKeyCheck keys;
    private final ProbeProperties properties;
    private final ThreadPoolExecutor pool;
    private final Admission admission;
    private final EventCodec codec = new EventCodec(ProbeResultPublisher.SOURCE);

    ProbeRequestListener(
            ProbeRunner runner,
            ProbeResultPublisher publisher,
            VaultKeyCheck keys,
            ProbeProperties properties,
            ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        this.runner = runner;
        this.publisher = publisher;
        this.keys = keys;
        this.properties = properties;
        this.admission = new Admission(properties.tenantConcurrency());
        var threads = new AtomicInteger();
        // The queue holds what the threads have not started yet: every tenant's share of it is bounded already.
        this.pool = new ThreadPoolExecutor(
                properties.concurrency(),
                properties.concurrency(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * properties.concurrency()),
                task -> {
                    var thread = new Thread(task, "probe-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
        keys.onLateMismatch(() -> {
            var stopping = new Thread(
                    () -> {
                        var container = registry.getObject().getListenerContainer(ID);
                        if (container != null) {
                            container.stop();
                        }
                    },
                    "probe-listener-stop");
            stopping.setDaemon(true);
            stopping.start();
        });
    }

    @KafkaListener(
            id = ID,
            idIsGroup = false,
            topics = "#{T(dev.patchbay.contracts.topic.Topics).PROBE_REQUESTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        var request = codec.decode(record, ProbeRequested.class).orElse(null);
        if (request == null || request.connectionId() == null || request.tenantId() == null) {
            return;
        }
        var tenant = request.tenantId();
        if (!admission.admit(tenant, request.recheck())) {
            busy(request);
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    handle(request);
                } finally {
                    admission.release(tenant);
                }
            });
        } catch (RejectedExecutionException full) {
            admission.release(tenant);
            busy(request);
        }
    }

    /**
     * Says at once that the check was not started; nothing of the connection is read for that. A re-check not
     * started is not answered: nobody waits for it, and a busy answer is no news of the connection's health.
     */
    private void busy(ProbeRequested request) {
        if (request.recheck()) {
            log.debug(
                    "Re-check {} of connection {} not started: it would take its tenant's last check slot, or the "
                            + "worker is full; it runs at its next time",
                    request.correlationId(),
                    request.connectionId());
            return;
        }
        if (request.requestedAt() != null
                && request.requestedAt().plus(properties.staleAfter()).isBefore(Instant.now())) {
            return;
        }
        log.debug(
                "Probe {} of connection {} not started: its tenant has {} checks in this worker already, or the "
                        + "worker is full",
                request.correlationId(),
                request.connectionId(),
                properties.tenantConcurrency());
        try {
            publisher.publish(new ProbeCompleted(
                    request.correlationId(),
                    request.connectionId(),
                    request.tenantId(),
                    request.vendor(),
                    false,
                    0,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    Outcome.failed(Failure.BUSY).error()));
        } catch (RuntimeException unpublished) {
            log.warn(
                    "The busy answer to probe {} was not published: {}",
                    request.correlationId(),
                    unpublished.getClass().getName());
        }
    }

    void handle(ProbeRequested request) {
        try {
            if (!keys.usable()) {
                log.warn(
                        "Dropped probe {} of connection {}: this worker's vault keys do not match the vault's",
                        request.correlationId(),
                        request.connectionId());
                return;
            }
            runner.run(request).ifPresent(publisher::publish);
        } catch (RuntimeException failed) {
            // Only the type: a database or driver message is not for the log of every probe.
            log.warn(
                    "Probe {} of connection {} failed in the worker: {}",
                    request.correlationId(),
                    request.connectionId(),
                    failed.getClass().getName());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(properties.checkTimeout().toSeconds() + 5, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
