package dev.patchbay.probe.refresh;

import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a refresh's result on {@code patchbay.refresh-results.v1}, keyed by connection id, with the tenant in the
 * CloudEvents headers, and waits for the broker's acknowledgement: a renewal staged in the vault is only recorded
 * once command-service reads its result.
 */
@Component
final class RefreshResultPublisher {

    static final String SOURCE = "/patchbay/probe-worker";

    private static final Logger log = LoggerFactory.getLogger(RefreshResultPublisher.class);

    private final KafkaTemplate<String, byte[]> kafka;
    private final RefreshProperties properties;
    private final EventCodec codec = new EventCodec(SOURCE);

    RefreshResultPublisher(KafkaTemplate<String, byte[]> kafka, RefreshProperties properties) {
        this.kafka = kafka;
        this.properties = properties;
    }

    void publish(RefreshCompleted result) {
        var key = result.connectionId().toString();
        var envelope = new EventCodec.Envelope(
                UUID.randomUUID().toString(),
                result.completedAt(),
                key,
                result.tenantId().value(),
                null);
        try {
            kafka.send(codec.record(Topics.REFRESH_RESULTS, key, result, envelope))
                    .get(properties.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unpublished(result, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            unpublished(result, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    private static void unpublished(RefreshCompleted result, Throwable why) {
        log.warn(
                "The result of refresh {} of connection {} ({}) was not published: {}",
                result.correlationId(),
                result.connectionId(),
                result.outcome(),
                why.getClass().getSimpleName());
    }
}
