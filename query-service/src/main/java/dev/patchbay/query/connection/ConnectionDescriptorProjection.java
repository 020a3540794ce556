package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.query.platform.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Projects {@code patchbay.connections.v1} into the read tables: the descriptor row, the history and the webhook
 * tokens of each connection, in one transaction per event together with the offset of the record it came from (so a
 * rebuild can tell when it has caught up). Idempotent: redelivery and replay from the beginning of the topic leave
 * the tables as the newest event of each connection says.
 */
@Component
class ConnectionDescriptorProjection {

    /**
     * Every {@link ConnectionEvent} type that {@link ConnectionWrites#apply} handles. Java 17 has no exhaustive
     * pattern switch without preview features, so {@code ConnectionDescriptorProjectionTest} compares this set with
     * the sealed interface's permitted subclasses: a new event type in contracts fails the build until it is
     * projected.
     */
    static final Set<Class<? extends ConnectionEvent>> PROJECTED = Set.of(ConnectionCreated.class,
            ConnectionUpdated.class, ConnectionRotated.class, ConnectionRevoked.class, WebhookSecretSet.class,
            WebhookTokenMinted.class, WebhookTokenRevoked.class, ConnectionDeleted.class);

    private static final Logger log = LoggerFactory.getLogger(ConnectionDescriptorProjection.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final EventRecords records;
    private final ConnectionWrites writes;
    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    ConnectionDescriptorProjection(EventRecords records, ConnectionWrites writes, DatabaseClient db,
            TransactionalOperator transaction) {
        this.records = records;
        this.writes = writes;
        this.db = db;
        this.transaction = transaction;
    }

    @KafkaListener(id = "connection-descriptors", idIsGroup = false,
            topics = "#{T(dev.patchbay.contracts.topic.Topics).CONNECTION_EVENTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        applicable(records, record).ifPresent(event -> {
            try (var logContext = LogContext.of(event.tenantId(), event.connectionId())) {
                // the listener thread waits for the write, so offsets are committed only for applied events
                var changed = transaction.transactional(writes.apply(db, ReadTables.LIVE, event)
                        .flatMap(applied -> writes.recordOffset(db, record.topic(), record.partition(),
                                record.offset()).thenReturn(applied)))
                        .block(WRITE_TIMEOUT);
                log.debug("{} v{}: {}", event.getClass().getSimpleName(), event.version(),
                        Boolean.TRUE.equals(changed) ? "applied" : "already applied");
            }
        });
    }

    /**
     * The connection event a record carries, or empty (logged) when it has none this build can apply: unreadable, of
     * an unknown type, not a connection event, or without what every write needs. The live projection and a rebuild
     * skip exactly the same records, so that both end in the same tables.
     */
    static Optional<ConnectionEvent> applicable(EventRecords records, ConsumerRecord<String, byte[]> record) {
        return records.decode(record).flatMap(event -> {
            if (!(event instanceof ConnectionEvent)) {
                log.warn("Skipping a {} on {}: not a connection event", event.getClass().getSimpleName(),
                        record.topic());
                return Optional.empty();
            }
            var connectionEvent = (ConnectionEvent) event;
            if (incomplete(connectionEvent)) {
                log.error("Skipping a {} without its required fields at {}-{}@{}", event.getClass().getSimpleName(),
                        record.topic(), record.partition(), record.offset());
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
        if (event.connectionId() == null || event.tenantId() == null || event.version() < 1
                || event.occurredAt() == null || event.actor() == null) {
            return true;
        }
        if (event instanceof ConnectionCreated created) {
            return created.vendor() == null || created.category() == null || created.configName() == null
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
