package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Relays the event store to {@code patchbay.connections.v1}, in order, keyed by connection id, with CloudEvents
 * headers. The event store and Axon's token table are the outbox: a batch's position is saved only after Kafka has
 * acknowledged every record of it, so a crash or a broker outage delays delivery and never loses an event
 * (at least once; consumers skip versions they have already applied).
 * <p>
 * Each event is published inside an observation that continues the trace of the request that caused it, from the
 * {@code traceparent} in the event's metadata ({@link CommandTracing}); Kafka's producer observation then writes
 * that trace into the record's {@code traceparent} header, and query-service's listener continues it.
 */
@Component
@ProcessingGroup(KafkaRelay.PROCESSING_GROUP)
class KafkaRelay {

    static final String PROCESSING_GROUP = "kafka-relay";
    private static final String PENDING_SENDS = KafkaRelay.class.getName() + ".pending";
    private static final long ACK_TIMEOUT_SECONDS = 150;

    private static final Logger log = LoggerFactory.getLogger(KafkaRelay.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final ObservationRegistry observations;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    KafkaRelay(KafkaTemplate<String, byte[]> kafka, ObservationRegistry observations) {
        this.kafka = kafka;
        this.observations = observations;
    }

    @EventHandler
    void on(ConnectionEvent event, EventMessage<?> message) {
        var subject = event.connectionId().toString();
        var type = CloudEvents.typeOf(event.getClass());
        var record = codec.record(Topics.CONNECTION_EVENTS, subject, event, new EventCodec.Envelope(
                message.getIdentifier(), event.occurredAt(), subject, event.tenantId().value(), event.version()));
        Map<String, String> traceContext = new HashMap<>();
        for (var key : List.of(CloudEvents.TRACEPARENT, CommandTracing.TRACESTATE)) {
            if (message.getMetaData().get(key) instanceof String value) {
                traceContext.put(key, value);
            }
        }
        Observation.createNotStarted("patchbay.relay", () -> {
            var context = new ReceiverContext<Map<String, String>>(Map::get);
            context.setCarrier(traceContext);
            context.setRemoteServiceName("event-store");
            return context;
        }, observations).contextualName("relay " + type).lowCardinalityKeyValue("event.type", type).observe(() -> {
            try (var logContext = LogContext.of(event.tenantId(), event.connectionId())) {
                pendingSends().add(kafka.send(record));
                log.debug("Relaying {} v{}", type, event.version());
            }
        });
    }

    /** The sends of this batch; before the batch's token is stored, every one of them must be acknowledged. */
    private static List<CompletableFuture<?>> pendingSends() {
        var unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(PENDING_SENDS, key -> {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            unitOfWork.onPrepareCommit(u -> awaitAll(sends));
            return sends;
        });
    }

    private static void awaitAll(List<CompletableFuture<?>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the relayed events; the batch is retried", e);
        }
    }
}
