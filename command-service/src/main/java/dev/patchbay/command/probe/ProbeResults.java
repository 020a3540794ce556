package dev.patchbay.command.probe;

import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Matches probe results to the test requests waiting for them, by correlation id. Every instance reads every result
 * (a consumer group of its own), because the request that waits may be on any instance. On assignment it starts a
 * little in the past, so that a result that arrives while it joins is not missed.
 */
@Component
class ProbeResults implements ConsumerSeekAware {

    private static final Duration LOOK_BACK = Duration.ofSeconds(30);

    private final Map<String, CompletableFuture<ProbeCompleted>> waiting = new ConcurrentHashMap<>();
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    /** Registers interest in a result before the request is published. */
    CompletableFuture<ProbeCompleted> expect(String correlationId) {
        return waiting.computeIfAbsent(correlationId, id -> new CompletableFuture<>());
    }

    void forget(String correlationId) {
        waiting.remove(correlationId);
    }

    @KafkaListener(
            topics = "#{T(dev.patchbay.contracts.topic.Topics).PROBE_RESULTS.name()}",
            groupId = "patchbay-command-probe-results-#{T(java.util.UUID).randomUUID()}",
            properties = {"auto.offset.reset=latest", "enable.auto.commit=false"})
    void on(ConsumerRecord<String, byte[]> record) {
        codec.decode(record, ProbeCompleted.class).ifPresent(result -> {
            var future = waiting.remove(result.correlationId());
            if (future != null) {
                future.complete(result);
            }
        });
    }

    @Override
    public void onPartitionsAssigned(
            Map<TopicPartition, Long> assignments, ConsumerSeekAware.ConsumerSeekCallback callback) {
        callback.seekToTimestamp(
                assignments.keySet(), Instant.now().minus(LOOK_BACK).toEpochMilli());
    }
}
