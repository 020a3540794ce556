package dev.patchbay.probe.connection;

import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.UUID;

/** Publishes a result on the results topic, keyed by connection id, with the tenant in the CloudEvents headers. */
@Component
final class ProbeResultPublisher {

    static final String SOURCE = "/patchbay/probe-worker";

    private static final Logger log = LoggerFactory.getLogger(ProbeResultPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec = new EventCodec(SOURCE);

    ProbeResultPublisher(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    void publish(ProbeCompleted result) {
        var key = result.connectionId().toString();
        var envelope = new EventCodec.Envelope(
                UUID.randomUUID().toString(),
                result.checkedAt(),
                key,
                result.tenantId().value(),
                null);
        kafka.send(codec.record(Topics.PROBE_RESULTS, key, result, envelope)).whenComplete((sent, failed) -> {
            if (failed != null) {
                log.warn(
                        "The result of probe {} (connection {}) was not published: {}",
                        result.correlationId(),
                        key,
                        failed.getClass().getSimpleName());
            }
        });
    }
}
