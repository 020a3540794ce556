package dev.patchbay.command.platform;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live registry of connector types, as the probe workers registered them on the compacted topic. Every
 * instance reads the whole topic from the start (its own consumer group, no committed offsets), so each one knows
 * every type.
 */
@Component
public class ConnectorTypes implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ConnectorTypes.class);

    private final Map<String, ConnectorTypeRegistered> types = new ConcurrentHashMap<>();
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    public Optional<ConnectorTypeRegistered> find(String vendor) {
        return Optional.ofNullable(vendor).map(types::get);
    }

    /** Records a type as a registration on the topic would; the listener's path, open to tests. */
    public void register(ConnectorTypeRegistered type) {
        if (types.put(type.vendor(), type) == null) {
            log.info("Connector type {} ({}) is available", type.vendor(), type.category());
        }
    }

    @KafkaListener(
            topics = "#{T(dev.patchbay.contracts.topic.Topics).CONNECTOR_TYPES.name()}",
            groupId = "patchbay-command-registry-#{T(java.util.UUID).randomUUID()}",
            properties = {"auto.offset.reset=earliest", "enable.auto.commit=false"})
    void on(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            types.remove(record.key());
            return;
        }
        codec.decode(record)
                .filter(ConnectorTypeRegistered.class::isInstance)
                .map(ConnectorTypeRegistered.class::cast)
                .ifPresent(this::register);
    }

    /** Ready to take creates once at least one probe worker's types are known. */
    @Override
    public Health health() {
        return types.isEmpty()
                ? Health.outOfService().withDetail("connector_types", 0).build()
                : Health.up().withDetail("connector_types", types.size()).build();
    }
}
