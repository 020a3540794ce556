package dev.patchbay.command.relay;

import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts the relay again if it stops while the service runs. Axon's tracking processor shuts itself down for good
 * when its thread is interrupted (its retry sleep takes an interrupt as the order to stop), and an interrupt can come
 * from places the relay does not control, such as Axon's own time limit on a unit of work. Every event written
 * meanwhile would then wait, unpublished, until the next restart of the service. The relay's token and positions
 * make a restart safe: it picks up at the last stored batch and skips what that batch's successor already published.
 * <p>
 * A relay found stopped at two looks in a row is started again, so a deliberate stop and start (a test, a reset)
 * is left alone. Started after Axon's processors and stopped before them.
 */
@Component
class RelayWatchdog implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelayWatchdog.class);

    private final ObjectProvider<Configuration> axon;
    private final Duration interval;
    private ScheduledExecutorService scheduler;
    private boolean stoppedAtLastLook;

    RelayWatchdog(
            ObjectProvider<Configuration> axon, @Value("${patchbay.relay.watch-interval:10s}") Duration interval) {
        this.axon = axon;
        this.interval = interval;
    }

    void look() {
        try {
            var relay = axon.getObject()
                    .eventProcessingConfiguration()
                    .eventProcessor(KafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                    .orElse(null);
            if (relay == null || relay.isRunning()) {
                stoppedAtLastLook = false;
                return;
            }
            if (!stoppedAtLastLook) {
                stoppedAtLastLook = true;
                return;
            }
            log.error("The relay to Kafka had stopped while the service runs; starting it again from its last "
                    + "stored batch");
            relay.start();
            stoppedAtLastLook = false;
        } catch (RuntimeException e) {
            log.warn("Could not check or start the relay; trying again in {}", interval, e);
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            var thread = new Thread(task, "patchbay-relay-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::look, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Later than Axon's (Spring's default phase less 3,072): starts after the processors, stops before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1_000;
    }
}
