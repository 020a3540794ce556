package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.query.platform.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Set;

/**
 * Projects {@code patchbay.connections.v1} into the {@code connections} read table. Idempotent: redelivery and
 * replay from the beginning of the topic leave the table as the newest event of each connection says.
 */
@Component
class ConnectionDescriptorProjection {

    /**
     * Every {@link ConnectionEvent} type that {@link #apply} handles. Java 17 has no exhaustive pattern switch
     * without preview features, so {@code ConnectionDescriptorProjectionTest} compares this set with the sealed
     * interface's permitted subclasses: a new event type in contracts fails the build until it is projected here.
     */
    static final Set<Class<? extends ConnectionEvent>> PROJECTED = Set.of(ConnectionCreated.class,
            ConnectionDeleted.class);

    private static final Logger log = LoggerFactory.getLogger(ConnectionDescriptorProjection.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final EventRecords records;
    private final ConnectionDescriptors descriptors;

    ConnectionDescriptorProjection(EventRecords records, ConnectionDescriptors descriptors) {
        this.records = records;
        this.descriptors = descriptors;
    }

    @KafkaListener(id = "connection-descriptors", idIsGroup = false,
            topics = "#{T(dev.patchbay.contracts.topic.Topics).CONNECTION_EVENTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        records.decode(record).ifPresent(event -> {
            if (event instanceof ConnectionEvent connectionEvent && incomplete(connectionEvent)) {
                log.error("Skipping a {} without its required fields at {}-{}@{}", event.getClass().getSimpleName(),
                        record.topic(), record.partition(), record.offset());
            }
            else if (event instanceof ConnectionEvent connectionEvent) {
                // the listener thread waits for the write, so offsets are committed only for applied events
                var changed = apply(connectionEvent).block(WRITE_TIMEOUT);
                log.debug("{} v{} of {}: {}", event.getClass().getSimpleName(), connectionEvent.version(),
                        connectionEvent.connectionId(), Boolean.TRUE.equals(changed) ? "applied" : "already applied");
            }
            else {
                log.warn("Skipping a {} on {}: not a connection event", event.getClass().getSimpleName(),
                        record.topic());
            }
        });
    }

    /**
     * Whether the event lacks what every write needs. Such a record decodes (the event mapper tolerates missing
     * fields for the sake of additive changes) but could never be applied: retrying it would block its partition.
     */
    static boolean incomplete(ConnectionEvent event) {
        if (event.connectionId() == null || event.tenantId() == null || event.version() < 1
                || event.occurredAt() == null || event.actor() == null) {
            return true;
        }
        return event instanceof ConnectionCreated created && (created.vendor() == null
                || created.category() == null || created.configName() == null || created.credential() == null);
    }

    Mono<Boolean> apply(ConnectionEvent event) {
        if (event instanceof ConnectionCreated created) {
            return descriptors.apply(created);
        }
        if (event instanceof ConnectionDeleted deleted) {
            return descriptors.apply(deleted);
        }
        // unreachable while PROJECTED covers every permitted type (checked by a test)
        log.error("No projection for {}; skipped", event.getClass().getSimpleName());
        return Mono.just(false);
    }
}
