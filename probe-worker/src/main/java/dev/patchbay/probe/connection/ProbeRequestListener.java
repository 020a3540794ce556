package dev.patchbay.probe.connection;

import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.probe.check.ProbeProperties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.stereotype.Component;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes probe requests (group {@code patchbay-probe-workers}, set in probe-worker.yml, so that worker instances
 * share the partitions) and runs each on a bounded pool of {@code patchbay.probe.concurrency} threads. When the pool
 * and its short queue are full the listener thread runs the check itself, which slows consumption instead of
 * piling requests up. A request that fails in any way is logged and dropped; the listener goes on.
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
    private final EventCodec codec = new EventCodec(ProbeResultPublisher.SOURCE);

    ProbeRequestListener(ProbeRunner runner, ProbeResultPublisher publisher, VaultKeyCheck keys,
            ProbeProperties properties, ObjectProvider<KafkaListenerEndpointRegistry> registry) {
        this.runner = runner;
        this.publisher = publisher;
        this.keys = keys;
        this.properties = properties;
        var threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(properties.concurrency(), properties.concurrency(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(properties.concurrency()), task -> {
                    var thread = new Thread(task, "probe-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        keys.onLateMismatch(() -> {
            var stopping = new Thread(() -> {
                var container = registry.getObject().getListenerContainer(ID);
                if (container != null) {
                    container.stop();
                }
            }, "probe-listener-stop");
            stopping.setDaemon(true);
            stopping.start();
        });
    }

    @KafkaListener(id = ID, idIsGroup = false,
            topics = "#{T(dev.patchbay.contracts.topic.Topics).PROBE_REQUESTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        ProbeRequested request;
        try {
            request = codec.decode(record).filter(ProbeRequested.class::isInstance).map(ProbeRequested.class::cast)
                    .orElse(null);
        }
        catch (RuntimeException unreadable) {
            log.warn("Skipped an unreadable probe request at {}-{}@{}", record.topic(), record.partition(),
                    record.offset());
            return;
        }
        if (request == null || request.connectionId() == null || request.tenantId() == null) {
            return;
        }
        pool.execute(() -> handle(request));
    }

    void handle(ProbeRequested request) {
        try {
            if (!keys.usable()) {
                log.warn("Dropped probe {} of connection {}: this worker's vault keys do not match the vault's",
                        request.correlationId(), request.connectionId());
                return;
            }
            runner.run(request).ifPresent(publisher::publish);
        }
        catch (RuntimeException failed) {
            // Only the type: a database or driver message is not for the log of every probe.
            log.warn("Probe {} of connection {} failed in the worker: {}", request.correlationId(),
                    request.connectionId(), failed.getClass().getName());
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
