package dev.patchbay.probe.refresh;

import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * Publishes a refresh's result on {@code patchbay.refresh-results.v1}, keyed by connection id, with the tenant in the
 * CloudEvents headers. Not waited for: the idempotent producer retries until its delivery timeout, and only then is
 * a result logged as lost. A lost {@code renewed} leaves its staged credential unpromoted: requests meanwhile find
 * it ({@code already_renewed}) until command-service's sweep destroys it, and the next one renews from the credential
 * command-service has; with a provider that rotates refresh tokens, that grant is refused ({@code invalid_grant}).
 */
@Component
final class RefreshResultPublisher {

    static final String SOURCE = "/patchbay/probe-worker";

    private static final Logger log = LoggerFactory.getLogger(RefreshResultPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final EventCodec codec = new EventCodec(SOURCE);

    RefreshResultPublisher(KafkaTemplate<String, byte[]> kafka) {
        this.kafka = kafka;
    }

    void publish(RefreshCompleted result) {
        var key = result.connectionId().toString();
        var envelope = new EventCodec.Envelope(
                UUID.randomUUID().toString(),
                result.completedAt(),
                key,
                result.tenantId().value(),
                null);
        kafka.send(codec.record(Topics.REFRESH_RESULTS, key, result, envelope)).whenComplete((sent, failed) -> {
            if (failed != null) {
                log.warn(
                        "The result of refresh {} of connection {} ({}) was not published: {}",
                        result.correlationId(),
                        key,
                        result.outcome(),
                        failed.getClass().getSimpleName());
            }
        });
    }
}
