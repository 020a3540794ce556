package dev.patchbay.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topic;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the worker published on one of its topics, as a test reads it back: from the beginning, on a consumer of its own. */
final class TopicRecords {

    private static final EventCodec CODEC = new EventCodec("/test");

    private TopicRecords() {}

    /**
     * The records of one connection, in order, once {@code count} of them are on the topic; each must carry that
     * CloudEvents type.
     */
    static <T> List<T> of(String bootstrapServers, Topic<String, T> topic, ConnectionId id, String type, int count) {
        var found = new ArrayList<T>();
        try (var consumer = fromTheBeginning(bootstrapServers, topic)) {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(id.toString())) {
                        assertThat(new String(
                                        record.headers()
                                                .lastHeader(CloudEvents.TYPE)
                                                .value(),
                                        StandardCharsets.UTF_8))
                                .isEqualTo(type);
                        found.add(CODEC.decode(record.value(), topic.valueType()));
                    }
                }
                assertThat(found).hasSize(count);
            });
        }
        return found;
    }

    /** Every record on the topic so far, bodies and headers, as text: where a test looks for what must not be there. */
    static String asText(String bootstrapServers, Topic<?, ?> topic) {
        var text = new StringBuilder();
        try (var consumer = fromTheBeginning(bootstrapServers, topic)) {
            var end = consumer.endOffsets(consumer.assignment());
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    text.append(new String(record.value(), StandardCharsets.UTF_8));
                    record.headers().forEach(header -> text.append(new String(header.value(), StandardCharsets.UTF_8)));
                }
                return end.entrySet().stream()
                        .allMatch(partition -> consumer.position(partition.getKey()) >= partition.getValue());
            });
        }
        return text.toString();
    }

    private static KafkaConsumer<String, byte[]> fromTheBeginning(String bootstrapServers, Topic<?, ?> topic) {
        var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        var partitions = consumer.partitionsFor(topic.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
