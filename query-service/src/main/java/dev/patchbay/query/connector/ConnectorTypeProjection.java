package dev.patchbay.query.connector;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.query.platform.EventRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.time.Duration;

/** Projects the compacted {@code patchbay.connector-types.v1} into {@code connector_types}, by vendor. */
@Component
class ConnectorTypeProjection {

    private static final Logger log = LoggerFactory.getLogger(ConnectorTypeProjection.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    private final EventRecords records;
    private final ConnectorTypes types;

    ConnectorTypeProjection(EventRecords records, ConnectorTypes types) {
        this.records = records;
        this.types = types;
    }

    @KafkaListener(
            id = "connector-types",
            idIsGroup = false,
            topics = "#{T(dev.patchbay.contracts.topic.Topics).CONNECTOR_TYPES.name()}")
    void on(ConsumerRecord<String, byte[]> record) {
        records.decode(record).ifPresent(event -> {
            if (event instanceof ConnectorTypeRegistered registered
                    && (registered.vendor() == null
                            || registered.category() == null
                            || registered.registeredAt() == null)) {
                // decodes, but could never be stored: retrying it would block the topic
                log.error(
                        "Skipping a connector type registration without its required fields at {}-{}@{}",
                        record.topic(),
                        record.partition(),
                        record.offset());
            } else if (event instanceof ConnectorTypeRegistered registered) {
                types.apply(registered).block(WRITE_TIMEOUT);
                log.info("Connector type {} registered", registered.vendor());
            } else {
                log.warn(
                        "Skipping a {} on {}: not a connector type registration",
                        event.getClass().getSimpleName(),
                        record.topic());
            }
        });
    }
}
