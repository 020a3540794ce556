package dev.patchbay.query.connection;

import dev.patchbay.contracts.probe.ProbeCompleted;
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

/**
 * Projects {@code patchbay.probe-results.v1} into the {@code health} of the connection the probe checked, in its
 * own consumer group, so that neither topic waits for the other. A result counts only when it was checked later than
 * the stored one: redelivered and out-of-order results change nothing. Health is not an event of the connection: its
 * version stays as it is, and so does every Consistency-Token.
 * <p>
 * The topics are consumed independently, so a result may be projected before the connection's creation: it is kept
 * in {@code connection_health}, and the creation picks it up ({@link ConnectionWrites}).
 */
@Component
class ConnectionHealthProjection {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHealthProjection.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final EventRecords records;
    private final ConnectionWrites writes;
    private final DatabaseClient db;
    private final TransactionalOperator transaction;

    ConnectionHealthProjection(
            EventRecords records, ConnectionWrites writes, DatabaseClient db, TransactionalOperator transaction) {
        this.records = records;
        this.writes = writes;
        this.db = db;
        this.transaction = transaction;
    }

    @KafkaListener(
            id = "connection-health",
            groupId = "patchbay-query-health",
            topics = "#{T(dev.patchbay.contracts.topic.Topics).PROBE_RESULTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        records.decode(record).ifPresent(event -> {
            if (event instanceof ProbeCompleted probe
                    && (probe.connectionId() == null || probe.tenantId() == null || probe.checkedAt() == null)) {
                log.error(
                        "Skipping a probe result without its required fields at {}-{}@{}",
                        record.topic(),
                        record.partition(),
                        record.offset());
            } else if (event instanceof ProbeCompleted probe && !probe.checked()) {
                // an open breaker, a busy worker, a credential gone since the request: nothing was checked, and
                // the health stays what the last check found, as on the connection's events
                try (var logContext = LogContext.of(probe.tenantId(), probe.connectionId())) {
                    log.debug("Probe result checked at {} did not check the system; health kept", probe.checkedAt());
                }
            } else if (event instanceof ProbeCompleted probe) {
                try (var logContext = LogContext.of(probe.tenantId(), probe.connectionId())) {
                    var changed =
                            transaction.transactional(writes.apply(db, probe)).block(WRITE_TIMEOUT);
                    log.debug(
                            "Probe result checked at {}: {}",
                            probe.checkedAt(),
                            Boolean.TRUE.equals(changed) ? "applied" : "kept, or older than the stored one");
                }
            } else {
                log.warn(
                        "Skipping a {} on {}: not a probe result",
                        event.getClass().getSimpleName(),
                        record.topic());
            }
        });
    }
}
