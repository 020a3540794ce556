package dev.patchbay.command.webhook;

import dev.patchbay.contracts.connection.ConnectionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The webhook ids each connection has seen, with the delivery id each was given: a delivery whose id was seen is the
 * same delivery, answered with the same delivery id and not published again. The primary key decides between two
 * copies that arrive at once: the second insert waits for the first one's transaction, which holds until Kafka has the
 * record, and then finds its row (or, if the first failed and rolled back, takes its place).
 * <p>
 * Rows are kept for {@link #RETENTION}: a signed delivery accepted at {@code t} was stamped no earlier than
 * {@code t - 5 min}, so a copy of it passes the timestamp check until {@code t + 10 min} at the latest, and finds its
 * row until then. Older rows are deleted every minute, by every instance (a delete is idempotent).
 */
@Repository
class WebhookDeliveries implements SmartLifecycle {

    static final Duration RETENTION =
            WebhookSignatures.TOLERANCE.multipliedBy(2).plusMinutes(5);
    static final Duration CLEANUP_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private ScheduledExecutorService scheduler;

    WebhookDeliveries(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Records that the connection's delivery {@code webhookId} is {@code deliveryId}, unless that webhook id is
     * recorded already: then answers the delivery id it has. Call it in the transaction that publishes the delivery,
     * so that the record and the publication stand or fall together.
     */
    Optional<String> claim(ConnectionId connectionId, String webhookId, String deliveryId, Instant at) {
        while (true) {
            var inserted = jdbc.sql("INSERT INTO webhook_deliveries (connection_id, webhook_id, delivery_id, "
                            + "received_at) VALUES (?, ?, ?, ?) ON CONFLICT (connection_id, webhook_id) DO NOTHING")
                    .params(connectionId.value(), webhookId, deliveryId, Timestamp.from(at))
                    .update();
            if (inserted == 1) {
                return Optional.empty();
            }
            var existing = jdbc.sql("SELECT delivery_id FROM webhook_deliveries WHERE connection_id = ? "
                            + "AND webhook_id = ?")
                    .params(connectionId.value(), webhookId)
                    .query(String.class)
                    .optional();
            if (existing.isPresent()) {
                return existing;
            }
            // deleted by the cleanup between the two statements: it is old enough to be taken as new
        }
    }

    /** Forgets the webhook ids received before {@code cutoff}; answers how many. */
    int forgetBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM webhook_deliveries WHERE received_at < ?")
                .param(Timestamp.from(cutoff))
                .update();
    }

    private void cleanUp() {
        try {
            forgetBefore(clock.instant().minus(RETENTION));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not delete the webhook ids older than {}; trying again in {}",
                    RETENTION,
                    CLEANUP_INTERVAL,
                    e);
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "patchbay-webhook-ids-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(
                this::cleanUp, CLEANUP_INTERVAL.toMillis(), CLEANUP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
