package dev.patchbay.command.relay;

import dev.patchbay.command.platform.CommandTracing;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.annotation.MessageHandlerTimeout;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * A batch that fails after some of its records reached Kafka, or a process that dies between Kafka's acknowledgement
 * and the stored token, would publish those records twice. So each stored batch also stores how far it took each
 * partition ({@link RelayPositions}), and before the relay publishes again after a failure or a start it reads what
 * lies beyond those positions and skips the events it finds there: each event is on the topic once.
 * <p>
 * Each event is published inside an observation that continues the trace of the request that caused it, from the
 * {@code traceparent} in the event's metadata ({@link CommandTracing}); the relay writes that observation's trace
 * context into the record's {@code traceparent} header, and query-service's listener continues it. The relay sends
 * through a template of its own without Spring Kafka's observation: a second observation (span and timer) per
 * record, on top of the relay's own, was about a tenth of the relay thread's samples while it drained a backlog
 * (bench/RESULTS.md, the scale section), and told nothing the relay's does not.
 */
@Component
@ProcessingGroup(KafkaRelay.PROCESSING_GROUP)
class KafkaRelay {

    static final String PROCESSING_GROUP = "kafka-relay";
    private static final String PENDING_SENDS = KafkaRelay.class.getName() + ".pending";
    /**
     * How long a batch waits for Kafka's acknowledgements: longer than the producer's delivery timeout (120 s), which
     * settles every send first. Axon allows the relay's unit of work 5 minutes (command-service.yml); a batch past
     * that is interrupted and retried.
     */
    private static final long ACK_TIMEOUT_SECONDS = 150;
    /**
     * How long the first event of a batch after a failure waits for a broker that does not answer; with the
     * producer's flush before it (up to its delivery timeout, 120 s) the batch stays within Axon's 5 minutes.
     */
    private static final long BROKER_WAIT_SECONDS = 150;

    private static final Logger log = LoggerFactory.getLogger(KafkaRelay.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final ObservationRegistry observations;
    private final RelayPositions positions;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    /**
     * The positions as this instance's last stored batch left them: null at start and after a failed batch. A batch
     * that finds others in the table (another instance relayed meanwhile, or this one's last batch was not stored)
     * first reads what lies beyond them.
     */
    private volatile Map<Integer, Long> positionsStoredHere;

    /** The ids of events on the topic beyond the stored positions, not yet met again. */
    private volatile Set<String> alreadyPublished = Set.of();

    private final Tracer tracer;
    private final Propagator propagator;

    @SuppressWarnings({"unchecked", "rawtypes"})
    KafkaRelay(
            ProducerFactory<String, byte[]> producers,
            ProducerListener<Object, Object> producerListener,
            ObservationRegistry observations,
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator,
            RelayPositions positions) {
        // the application's producer (the factory shares one), without Spring Kafka's per-record observation and timer
        this.kafka = new KafkaTemplate<>(producers);
        this.kafka.setObservationEnabled(false);
        this.kafka.setMicrometerEnabled(false);
        this.kafka.setProducerListener((ProducerListener) producerListener);
        this.observations = observations;
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
        this.positions = positions;
    }

    /**
     * Relays one event. The first of a batch may first wait for the producer's earlier sends to settle (up to its
     * delivery timeout) and read the topic's tail, so the handler is allowed as long as the unit of work.
     */
    @EventHandler
    @MessageHandlerTimeout(timeoutMs = 300_000, warningThresholdMs = 30_000, warningIntervalMs = 30_000)
    void on(ConnectionEvent event, EventMessage<?> message) {
        var sends = pendingSends();
        if (alreadyPublished.remove(message.getIdentifier())) {
            log.debug(
                    "Not relaying {} v{} of {} ({}) again: a batch that was not stored published it",
                    event.getClass().getSimpleName(),
                    event.version(),
                    event.connectionId(),
                    message.getIdentifier());
            return;
        }
        var subject = event.connectionId().toString();
        var type = CloudEvents.typeOf(event.getClass());
        var record = codec.record(
                Topics.CONNECTION_EVENTS,
                subject,
                event,
                new EventCodec.Envelope(
                        message.getIdentifier(),
                        event.occurredAt(),
                        subject,
                        event.tenantId().value(),
                        event.version()));
        Map<String, String> traceContext = new HashMap<>();
        for (var key : List.of(CloudEvents.TRACEPARENT, CommandTracing.TRACESTATE)) {
            if (message.getMetaData().get(key) instanceof String value) {
                traceContext.put(key, value);
            }
        }
        Observation.createNotStarted(
                        "patchbay.relay",
                        () -> {
                            var context = new ReceiverContext<Map<String, String>>(Map::get);
                            context.setCarrier(traceContext);
                            context.setRemoteServiceName("event-store");
                            return context;
                        },
                        observations)
                .contextualName("relay " + type)
                .lowCardinalityKeyValue("event.type", type)
                .observe(() -> {
                    try (var logContext = LogContext.of(event.tenantId(), event.connectionId())) {
                        writeTraceContext(record);
                        sends.add(kafka.send(record));
                        log.debug(
                                "Relaying {} v{} of {} ({})",
                                type,
                                event.version(),
                                event.connectionId(),
                                message.getIdentifier());
                    }
                });
    }

    /** The current observation's trace context (the relay's span) into the record's headers: traceparent, tracestate. */
    private void writeTraceContext(ProducerRecord<String, byte[]> record) {
        var context = tracer.currentTraceContext().context();
        if (context != null) {
            propagator.inject(context, record.headers(), (headers, key, value) -> {
                headers.remove(key);
                headers.add(key, value.getBytes(StandardCharsets.UTF_8));
            });
        }
    }

    /**
     * The sends of this batch. Before the batch's token is stored, every one of them must be acknowledged, and the
     * offsets they reached are stored with it; if the batch fails, the next one first looks at what reached Kafka.
     */
    private List<CompletableFuture<SendResult<String, byte[]>>> pendingSends() {
        var unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(PENDING_SENDS, key -> {
            var topic = Topics.CONNECTION_EVENTS.name();
            var stored = positions.stored(topic);
            if (!stored.equals(positionsStoredHere)) {
                // nothing sent before may still be on its way, or the tail read would miss it
                kafka.flush();
                alreadyPublished = new HashSet<>(unaccountedOnceKafkaAnswers(topic, stored));
            }
            List<CompletableFuture<SendResult<String, byte[]>>> sends = new ArrayList<>();
            unitOfWork.onPrepareCommit(u -> u.resources()
                    .put(PENDING_SENDS + ".positions", positions.accountFor(topic, stored, awaitAll(sends))));
            unitOfWork.afterCommit(u -> positionsStoredHere = u.getResource(PENDING_SENDS + ".positions"));
            unitOfWork.onRollback(u -> positionsStoredHere = null);
            return sends;
        });
    }

    /**
     * What lies on the topic beyond the stored positions, waiting here for a broker that does not answer: a look
     * waits up to 10 s for an answer, the next follows a second later, for up to {@link #BROKER_WAIT_SECONDS}. A
     * batch that failed instead would put the tracking processor into its retry backoff, which doubles up to 60 s, so
     * after a long outage publishing would resume up to a minute after the broker was back (bench/outage measures
     * it; figures in bench/RESULTS.md). Waiting inside the batch keeps the claim: the batch's transaction holds the
     * token row.
     */
    private Set<String> unaccountedOnceKafkaAnswers(String topic, Map<Integer, Long> stored) {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BROKER_WAIT_SECONDS);
        for (int attempt = 1; ; attempt++) {
            try {
                var ids = positions.unaccounted(topic, stored);
                if (attempt > 1) {
                    log.info("Kafka answers again after {} looks; relaying", attempt);
                }
                return ids;
            } catch (KafkaException | IllegalStateException unanswered) {
                if (System.nanoTime() > deadline) {
                    throw unanswered;
                }
                if (attempt == 1) {
                    log.warn(
                            "Kafka does not answer the relay ({}); waiting for it, looking every second",
                            unanswered.toString());
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                // not restored: see awaitAll
                throw new IllegalStateException("interrupted while waiting for Kafka; the batch is retried", e);
            }
        }
    }

    private static List<SendResult<String, byte[]>> awaitAll(
            List<CompletableFuture<SendResult<String, byte[]>>> sends) {
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return sends.stream().map(CompletableFuture::join).toList();
        } catch (InterruptedException e) {
            // Not restored, on purpose. This wait runs while the batch commits, outside the handler, where Axon does
            // not turn its janitor's interrupt (a unit of work past its time limit) into a timeout; a restored flag
            // would reach the tracking processor's retry sleep, which takes it as the order to shut down for good.
            // A real shutdown needs no flag: the processor's loop sees its own state and stops.
            throw new IllegalStateException("interrupted while waiting for Kafka; the batch is retried", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the relayed events; the batch is retried", e);
        }
    }
}
