package dev.patchbay.probe.refresh;

import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumes refresh requests ({@code patchbay.refresh-requests.v1}, in the consumer group
 * {@code patchbay-refresh-workers}, shared by every worker instance and apart from the probe requests' group, so
 * that the two listeners' rebalances do not hold each other up) and runs each on a pool of {@code patchbay.refresher.concurrency} threads: a refresh waits
 * for a lock and a token endpoint, and must not stop consumption. A request beyond the pool's queue is dropped with
 * a log line; command-service asks again after its request timeout, and a request answered twice is harmless (the
 * second finds the renewal: {@code already_renewed}).
 */
@Component
final class RefreshRequestListener implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RefreshRequestListener.class);

    private final Refresher refresher;
    private final ThreadPoolExecutor pool;
    private final EventCodec codec = new EventCodec(RefreshResultPublisher.SOURCE);

    RefreshRequestListener(Refresher refresher, RefreshProperties properties) {
        this.refresher = refresher;
        var threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                properties.concurrency(),
                properties.concurrency(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(16 * properties.concurrency()),
                task -> {
                    var thread = new Thread(task, "refresh-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }

    @KafkaListener(
            id = "refresh-requests",
            groupId = "patchbay-refresh-workers",
            topics = "#{T(dev.patchbay.contracts.topic.Topics).REFRESH_REQUESTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        var request = codec.decode(record, RefreshRequested.class).orElse(null);
        if (request == null || request.connectionId() == null || request.tenantId() == null) {
            return;
        }
        try {
            pool.execute(() -> handle(request));
        } catch (RejectedExecutionException full) {
            log.warn(
                    "Refresh {} of connection {} dropped: this worker has {} refreshes waiting; it is asked again",
                    request.correlationId(),
                    request.connectionId(),
                    pool.getQueue().size());
        }
    }

    void handle(RefreshRequested request) {
        try {
            refresher.refresh(request);
        } catch (RuntimeException failed) {
            // Only the type: a database or driver message is not for the log.
            log.warn(
                    "Refresh {} of connection {} failed in the worker: {}",
                    request.correlationId(),
                    request.connectionId(),
                    failed.getClass().getName());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
