package dev.patchbay.command.connection;

import dev.patchbay.command.platform.CommittedEventStore;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns probe results, manual or scheduled, into the connection's health: each result is recorded on its live
 * connection, whose aggregate emits {@code ConnectionHealthChanged} only when the health changed. All instances share
 * one consumer group ({@code patchbay.probe.health-group}), so each result is recorded once; the connection's row is
 * locked as for any command. Results for no live connection of that tenant (a test before store, a deleted
 * connection) are skipped, and so are results that did not check the system ({@link ProbeCompleted#checked()}: an
 * open circuit, a busy worker, a credential gone since the request): the health stays what the last check found.
 */
@Component
class HealthResults {

    private static final Logger log = LoggerFactory.getLogger(HealthResults.class);

    private final LiveConnections live;
    private final CommandGateway gateway;
    private final TransactionTemplate transactions;
    private final CommittedEventStore eventStore;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    HealthResults(
            LiveConnections live,
            CommandGateway gateway,
            TransactionTemplate transactions,
            CommittedEventStore eventStore) {
        this.live = live;
        this.gateway = gateway;
        this.transactions = transactions;
        this.eventStore = eventStore;
    }

    @KafkaListener(
            id = "connection-health-results",
            groupId = "${patchbay.probe.health-group:patchbay-command-health}",
            topics = "#{T(dev.patchbay.contracts.topic.Topics).PROBE_RESULTS.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        var result = codec.decode(record, ProbeCompleted.class).orElse(null);
        if (result == null
                || result.connectionId() == null
                || result.tenantId() == null
                || result.checkedAt() == null) {
            log.warn(
                    "Skipped a probe result without its required fields at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        if (!result.checked()) {
            log.debug("Probe result checked at {} did not check the system; health kept", result.checkedAt());
            return;
        }
        record(result);
    }

    void record(ProbeCompleted result) {
        try (var logContext = LogContext.of(result.tenantId(), result.connectionId())) {
            var changed = transactions.execute(status -> live.lock(result.tenantId(), result.connectionId())
                    .map(connection -> gateway.sendAndWait(new RecordHealth(
                            result.connectionId(),
                            result.tenantId(),
                            result.healthy(),
                            result.error(),
                            result.checkedAt())))
                    .orElse(null));
            if (changed != null) {
                eventStore.committed();
                log.info("Health changed at {}", result.checkedAt());
            }
        }
    }
}
