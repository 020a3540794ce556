package dev.patchbay.command.relay;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code patchbay.relay.lag} (Prometheus {@code patchbay_relay_lag_events}): how far the relay is behind the event
 * store, as the highest global index in the event store minus the relay's token position (the lowest over its
 * segments). Read from the tables, so every instance reports it, whichever holds the relay's claim. Global indexes
 * have gaps (allocated in blocks), so it is an upper bound on the events still to relay; 0 means caught up.
 * Refreshed every few seconds in the background: a scrape never waits for the database.
 */
@Component
class RelayLag implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelayLag.class);
    private static final long EVERY_SECONDS = 5;

    private final JdbcClient jdbc;
    private final Serializer serializer;
    private volatile double lag = Double.NaN;
    private ScheduledExecutorService scheduler;

    RelayLag(JdbcClient jdbc, Serializer serializer, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.serializer = serializer;
        Gauge.builder("patchbay.relay.lag", this, RelayLag::lag)
                .baseUnit("events")
                .description("Events in the event store not yet relayed to patchbay.connections.v1 (upper bound)")
                .register(registry);
    }

    double lag() {
        return lag;
    }

    void refresh() {
        try {
            Long head = jdbc.sql("SELECT max(globalIndex) FROM DomainEventEntry")
                    .query(Long.class)
                    .optional()
                    .orElse(null);
            long position = jdbc
                    .sql("SELECT token, tokenType FROM TokenEntry WHERE processorName = ?")
                    .param(KafkaRelay.PROCESSING_GROUP)
                    .query((rs, n) -> position(rs.getBytes(1), rs.getString(2)))
                    .list()
                    .stream()
                    .mapToLong(Long::longValue)
                    .min()
                    .orElse(0);
            lag = head == null ? 0 : Math.max(0, head - position);
        } catch (RuntimeException unavailable) {
            lag = Double.NaN;
            log.debug("Relay lag unknown: {}", unavailable.getClass().getSimpleName());
        }
    }

    private long position(byte[] token, String type) {
        if (token == null || type == null) {
            return 0;
        }
        TrackingToken tracking = serializer.deserialize(new SimpleSerializedObject<>(token, byte[].class, type, null));
        return tracking == null ? 0 : tracking.position().orElse(0);
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "patchbay-relay-lag");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::refresh, 0, EVERY_SECONDS, TimeUnit.SECONDS);
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
