package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.query.platform.EventRecords;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.r2dbc.spi.R2dbcException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.support.micrometer.KafkaListenerObservation;
import org.springframework.kafka.support.micrometer.KafkaRecordReceiverContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Projects {@code patchbay.connections.v1} into the read tables: the descriptor row, the history and the webhook
 * tokens of each connection and the tenants' totals of live connections. Idempotent: redelivery and replay from the
 * beginning of the topic leave the tables as the newest event of each connection says.
 *
 * <h2>Batches</h2>
 * Each listener thread ({@code patchbay.query.projection-concurrency} of them, on the partitions the group gives it)
 * applies every applicable record of a poll in one transaction, in record order, together with the next offset of
 * each partition of the poll (so a rebuild can tell when it has caught up): one commit, one WAL flush per poll, where
 * a record at a time paid one each. Events of one connection share a partition, so they keep their order. The
 * offsets are committed to Kafka only after that transaction: a batch that fails is retried whole by the error
 * handler (every write is idempotent, so what an earlier attempt applied is a no-op the second time). A batch that
 * the database refuses ({@link #refuses}: a constraint, or a value it cannot hold) is applied again one record at a
 * time, each in its own transaction, so that only the record the database refuses is skipped, logged by its
 * coordinates.
 *
 * <h2>Traces</h2>
 * Spring's observation of a listener is per call, so with batches it would see none of the records' traces. The
 * projection observes each applicable record itself, as the container does for a record listener (the same
 * {@code spring.kafka.listener} observation, continuing the record's {@code traceparent}): its span runs from the
 * start of the batch's transaction to its end, and the record's log line is written in it.
 */
@Component
class ConnectionDescriptorProjection {

    /**
     * Every {@link ConnectionEvent} type that {@link ConnectionWrites#apply} handles. Java 17 has no exhaustive
     * pattern switch without preview features, so {@code ConnectionDescriptorProjectionTest} compares this set with
     * the sealed interface's permitted subclasses: a new event type in contracts fails the build until it is
     * projected.
     */
    static final Set<Class<? extends ConnectionEvent>> PROJECTED = Set.of(
            ConnectionCreated.class,
            ConnectionUpdated.class,
            ConnectionRotated.class,
            ConnectionRevoked.class,
            WebhookSecretSet.class,
            WebhookTokenMinted.class,
            WebhookTokenRevoked.class,
            ConnectionHealthChanged.class,
            ConnectionExpired.class,
            ConnectionDeleted.class);

    static final String LISTENER_ID = "connection-descriptors";

    private static final Logger log = LoggerFactory.getLogger(ConnectionDescriptorProjection.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final String DATA_EXCEPTION = "22";

    private final EventRecords records;
    private final ConnectionWrites writes;
    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final ObjectProvider<ObservationRegistry> observations;
    private final ObjectProvider<KafkaListenerEndpointRegistry> listeners;

    ConnectionDescriptorProjection(
            EventRecords records,
            ConnectionWrites writes,
            DatabaseClient db,
            TransactionalOperator transaction,
            ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<KafkaListenerEndpointRegistry> listeners) {
        this.records = records;
        this.writes = writes;
        this.db = db;
        this.transaction = transaction;
        this.observations = observations;
        this.listeners = listeners;
    }

    /** One applicable record of a batch, its event, and the observation that continues its trace. */
    private record Projected(ConsumerRecord<String, byte[]> record, ConnectionEvent event, Observation observation) {}

    // the factory's name is a string: platform (QueryPlatform) may not know this feature, nor this feature its class
    @KafkaListener(
            id = LISTENER_ID,
            idIsGroup = false,
            containerFactory = "connectionEventsListenerFactory",
            topics = "#{T(dev.patchbay.contracts.topic.Topics).CONNECTION_EVENTS.name()}")
    void on(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> nextOffsets = new HashMap<>();
        var projected = new ArrayList<Projected>();
        String listenerId = null;
        for (var record : batch) {
            nextOffsets.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
            var event = applicable(records, record);
            if (event.isPresent()) {
                if (listenerId == null) {
                    listenerId = listenerId(record);
                }
                projected.add(new Projected(record, event.get(), observe(record, listenerId)));
            }
        }
        try {
            // the listener thread waits for the writes, so offsets are committed only for applied records
            List<ConnectionWrites.Applied> applied;
            try {
                applied = transaction
                        .transactional(writes.apply(
                                        db,
                                        ReadTables.LIVE,
                                        projected.stream().map(Projected::event).toList())
                                .flatMap(all ->
                                        writes.recordOffsets(db, nextOffsets).thenReturn(all)))
                        .block(WRITE_TIMEOUT);
                log.debug(
                        "A poll of {} records ({} applicable) applied in one transaction",
                        batch.size(),
                        projected.size());
            } catch (RuntimeException refused) {
                if (!refuses(refused)) {
                    throw refused;
                }
                log.warn(
                        "The database refused a poll of {} records ({}); applying them one at a time",
                        batch.size(),
                        refused.getClass().getSimpleName());
                applied = oneAtATime(projected, nextOffsets);
            }
            for (int i = 0; i < projected.size(); i++) {
                var one = projected.get(i);
                var result = applied.get(i);
                if (result != null) {
                    inTrace(
                            one,
                            () -> log.debug(
                                    "{} v{}: {}",
                                    one.event().getClass().getSimpleName(),
                                    one.event().version(),
                                    result.changed() ? "applied" : "already applied"));
                }
                one.observation().stop();
            }
        } catch (RuntimeException failed) {
            // the error handler hands the whole poll to this listener again after its backoff; whatever of it was
            // applied (one at a time) is a no-op then
            log.warn(
                    "Could not apply a poll of {} records ({}); it will be retried whole",
                    batch.size(),
                    failed.getClass().getSimpleName());
            projected.forEach(one -> one.observation().error(failed).stop());
            throw failed;
        }
    }

    /**
     * The batch again, a record at a time, each in a transaction of its own with its offset: what the database
     * refuses is logged by its coordinates and skipped (null in the answer), the rest applied, in order. Any other
     * failure ends this (the error handler retries the batch; what was applied here is a no-op then).
     */
    private List<ConnectionWrites.Applied> oneAtATime(
            List<Projected> projected, Map<TopicPartition, Long> nextOffsets) {
        var applied = new ArrayList<ConnectionWrites.Applied>();
        for (var one : projected) {
            var record = one.record();
            var next = Map.of(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            applied.add(appliedOrSkipped(
                    record,
                    () -> transaction
                            .transactional(writes.apply(db, ReadTables.LIVE, List.of(one.event()))
                                    .flatMap(all ->
                                            writes.recordOffsets(db, next).thenReturn(all.get(0))))
                            .block(WRITE_TIMEOUT),
                    logLine -> inTrace(one, logLine),
                    refused -> one.observation().error(refused)));
        }
        // past the records skipped at the end of a partition too
        transaction.transactional(writes.recordOffsets(db, nextOffsets)).block(WRITE_TIMEOUT);
        return applied;
    }

    /**
     * One record's writes, applied by themselves: {@code attempt} runs them in a transaction or behind a savepoint of
     * their own and answers what they answer. When the database refuses the record ({@link #refuses}) it is skipped:
     * logged by its coordinates (the line written inside {@code logContext}), {@code skipped} told why (to undo what
     * the attempt began), and null answered. Any other failure is thrown. The live projection and a rebuild skip
     * records by this one rule, so that both end in the same tables.
     */
    static <T> T appliedOrSkipped(
            ConsumerRecord<?, ?> record,
            Supplier<T> attempt,
            Consumer<Runnable> logContext,
            Consumer<RuntimeException> skipped) {
        try {
            return attempt.get();
        } catch (RuntimeException refused) {
            if (!refuses(refused)) {
                throw refused;
            }
            logContext.accept(() -> log.error(
                    "Skipping a record the database refuses at {}-{}@{} ({})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    refused.getClass().getSimpleName()));
            skipped.accept(refused);
            return null;
        }
    }

    /**
     * Whether the database refuses the data itself, so that trying again can never succeed: a constraint it breaks
     * ({@link DataIntegrityViolationException}), or a value it cannot hold (SQLSTATE class 22, data exception: a NUL
     * character in text or JSON, a number out of range, ...). Retrying such a record would stop its partition for
     * ever; anything else (the database down, a deadlock, a serialization failure) is worth retrying.
     */
    static boolean refuses(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof DataIntegrityViolationException) {
                return true;
            }
            if (cause instanceof R2dbcException database
                    && database.getSqlState() != null
                    && database.getSqlState().startsWith(DATA_EXCEPTION)) {
                return true;
            }
        }
        return false;
    }

    /** Runs that in the record's trace (its span current, so the log line carries its trace id) and log context. */
    private static void inTrace(Projected one, Runnable action) {
        try (var scope = one.observation().openScope();
                var logContext =
                        LogContext.of(one.event().tenantId(), one.event().connectionId())) {
            action.run();
        }
    }

    /** The observation a record listener's container would make of that record, started now. */
    private Observation observe(ConsumerRecord<String, byte[]> record, String listenerId) {
        var groupId = KafkaUtils.getConsumerGroupId();
        return KafkaListenerObservation.LISTENER_OBSERVATION
                .observation(
                        null,
                        KafkaListenerObservation.DefaultKafkaListenerObservationConvention.INSTANCE,
                        () -> new KafkaRecordReceiverContext(record, listenerId, null, groupId, () -> null),
                        observations.getIfAvailable(() -> ObservationRegistry.NOOP))
                .start();
    }

    /** The id of the listener container (one per thread: connection-descriptors-0, -1, ...) that owns the record. */
    private String listenerId(ConsumerRecord<String, byte[]> record) {
        var registry = listeners.getIfAvailable();
        var container = registry == null ? null : registry.getListenerContainer(LISTENER_ID);
        var owner = container == null ? null : container.getContainerFor(record.topic(), record.partition());
        return owner == null || owner.getListenerId() == null ? LISTENER_ID : owner.getListenerId();
    }

    /**
     * The connection event a record carries, or empty (logged) when it has none this build can apply: unreadable, of
     * an unknown type, not a connection event, or without what every write needs. The live projection and a rebuild
     * skip exactly the same records, so that both end in the same tables.
     */
    static Optional<ConnectionEvent> applicable(EventRecords records, ConsumerRecord<String, byte[]> record) {
        return records.decode(record).flatMap(event -> {
            if (!(event instanceof ConnectionEvent)) {
                log.warn(
                        "Skipping a {} on {}: not a connection event",
                        event.getClass().getSimpleName(),
                        record.topic());
                return Optional.empty();
            }
            var connectionEvent = (ConnectionEvent) event;
            if (incomplete(connectionEvent)) {
                log.error(
                        "Skipping a {} without its required fields at {}-{}@{}",
                        event.getClass().getSimpleName(),
                        record.topic(),
                        record.partition(),
                        record.offset());
                return Optional.empty();
            }
            return Optional.of(connectionEvent);
        });
    }

    /**
     * Whether the event lacks what every write needs. Such a record decodes (the event mapper tolerates missing
     * fields for the sake of additive changes) but could never be applied: retrying it would block its partition.
     */
    static boolean incomplete(ConnectionEvent event) {
        if (event.connectionId() == null
                || event.tenantId() == null
                || event.version() < 1
                || event.occurredAt() == null
                || event.actor() == null) {
            return true;
        }
        if (event instanceof ConnectionCreated created) {
            return created.vendor() == null
                    || created.category() == null
                    || created.configName() == null
                    || created.credential() == null;
        }
        if (event instanceof ConnectionRotated rotated) {
            return rotated.credential() == null;
        }
        if (event instanceof WebhookTokenMinted minted) {
            return minted.tokenId() == null;
        }
        if (event instanceof WebhookTokenRevoked revoked) {
            return revoked.tokenId() == null;
        }
        return false;
    }
}
