package dev.patchbay.probe.connector;

import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one {@code ConnectorTypeRegistered} per connector type on the compacted registry topic, keyed by vendor,
 * once at start-up, and waits for the broker's acknowledgement. Until then the worker is not healthy. A broker that
 * is not there yet is retried with a capped exponential backoff, on a thread of its own so that start-up and the
 * health endpoint are not held up.
 */
@Component
final class ConnectorTypeRegistrar implements SmartLifecycle {

    static final String SOURCE = "/patchbay/probe-worker";

    private static final Logger log = LoggerFactory.getLogger(ConnectorTypeRegistrar.class);

    private final ConnectorCatalog catalog;
    private final KafkaTemplate<String, byte[]> kafka;
    private final KafkaAdmin admin;
    private final RegistrationProperties properties;
    private final EventCodec codec = new EventCodec(SOURCE);

    private volatile RegistrationState state = new RegistrationState.Pending(0, null);
    private volatile Thread registration;

    ConnectorTypeRegistrar(
            ConnectorCatalog catalog,
            KafkaTemplate<String, byte[]> kafka,
            KafkaAdmin admin,
            RegistrationProperties properties) {
        this.catalog = catalog;
        this.kafka = kafka;
        this.admin = admin;
        this.properties = properties;
    }

    RegistrationState state() {
        return state;
    }

    @Override
    public void start() {
        var thread = new Thread(this::registerUntilAcknowledged, "connector-type-registration");
        thread.setDaemon(true);
        registration = thread;
        thread.start();
    }

    @Override
    public void stop() {
        var thread = registration;
        registration = null;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return registration != null;
    }

    /** Tries until the broker acknowledges every registration, or the thread is interrupted (shutdown). */
    void registerUntilAcknowledged() {
        var backoff = properties.initialBackoff();
        for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
            try {
                // Topics are created here rather than while the context starts (spring.kafka.admin.auto-create is
                // off): an absent broker then delays registration, not start-up.
                if (!admin.initialize()) {
                    throw new IllegalStateException("the topics could not be created");
                }
                publishAll();
                var vendors =
                        catalog.types().stream().map(ConnectorType::vendor).toList();
                state = new RegistrationState.Registered(vendors, Instant.now(), attempt);
                log.info(
                        "Registered connector types {} on {} (attempt {})",
                        vendors,
                        Topics.CONNECTOR_TYPES.name(),
                        attempt);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                var reason = describe(e);
                state = new RegistrationState.Pending(attempt, reason);
                log.warn(
                        "Registering connector types failed (attempt {}): {}; retrying in {} s",
                        attempt,
                        reason,
                        backoff.toMillis() / 1000.0);
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = properties.backoffAfter(backoff);
        }
    }

    private void publishAll() throws InterruptedException, ExecutionException, TimeoutException {
        var at = Instant.now();
        var acknowledgements = catalog.types().stream()
                .map(type -> kafka.send(codec.record(
                        Topics.CONNECTOR_TYPES,
                        type.vendor(),
                        catalog.registered(type, at),
                        EventCodec.Envelope.of(type.vendor()))))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(acknowledgements).get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What went wrong, for the log and the health details: the outermost and the innermost cause. */
    private String describe(Exception e) {
        if (e instanceof TimeoutException) {
            return "no acknowledgement from the broker within "
                    + properties.sendTimeout().toSeconds() + " s";
        }
        Throwable outer = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        Throwable root = outer;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        var text = outer.getClass().getSimpleName() + (outer.getMessage() == null ? "" : ": " + outer.getMessage());
        return root == outer
                ? text
                : text + " (" + root.getClass().getSimpleName()
                        + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}
