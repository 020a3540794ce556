package dev.patchbay.command.relay;

import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What of a relayed topic the relay's stored token accounts for, per partition ({@code relay_positions}), and what
 * lies beyond it: records that a batch published before it failed or its process died, whose token was therefore
 * never stored. The relay publishes that batch again; the events it finds here are skipped, so a crash or a broker
 * outage leaves each event on the topic once instead of at least once.
 */
@Component
class RelayPositions {

    /** A partition with no position yet is read from its beginning only while it is this short. */
    static final long MAX_UNPOSITIONED_RECORDS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(RelayPositions.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);

    private final JdbcClient jdbc;
    private final ConsumerFactory<String, byte[]> consumers;

    RelayPositions(JdbcClient jdbc, ConsumerFactory<String, byte[]> consumers) {
        this.jdbc = jdbc;
        this.consumers = consumers;
    }

    /** The stored positions of the topic's partitions: partition, next offset. */
    Map<Integer, Long> stored(String topic) {
        Map<Integer, Long> positions = new HashMap<>();
        jdbc.sql("SELECT partition, next_offset FROM relay_positions WHERE topic = ?")
                .param(topic)
                .query(rs -> {
                    positions.put(rs.getInt(1), rs.getLong(2));
                });
        return positions;
    }

    /**
     * Records, in the caller's transaction (the relay's batch, with its token), that every record of these
     * acknowledged sends is accounted for; answers the positions as they then stand.
     */
    Map<Integer, Long> accountFor(String topic, Map<Integer, Long> stored, List<SendResult<String, byte[]>> sent) {
        Map<Integer, Long> next = new HashMap<>();
        for (var result : sent) {
            var metadata = result.getRecordMetadata();
            if (metadata != null && metadata.hasOffset() && metadata.topic().equals(topic)) {
                next.merge(metadata.partition(), metadata.offset() + 1, Math::max);
            }
        }
        if (!next.isEmpty()) {
            // one statement for every partition the batch reached, in partition order (so two writers lock the rows
            // in the same order)
            var partitions = next.keySet().stream().sorted().toList();
            jdbc.sql("""
                    INSERT INTO relay_positions (topic, partition, next_offset)
                    SELECT ?, partition, next_offset
                    FROM unnest(CAST(? AS int[]), CAST(? AS bigint[])) AS n (partition, next_offset)
                    ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
                    WHERE relay_positions.next_offset < EXCLUDED.next_offset""")
                    .params(
                            topic,
                            partitions.toArray(Integer[]::new),
                            partitions.stream().map(next::get).toArray(Long[]::new))
                    .update();
        }
        Map<Integer, Long> now = new HashMap<>(stored);
        next.forEach((partition, offset) -> now.merge(partition, offset, Math::max));
        return now;
    }

    /**
     * The {@code ce_id} of every record on the topic beyond the stored positions. The caller must have flushed its
     * producer first, so that no earlier send can still land after this has read.
     */
    Set<String> unaccounted(String topic, Map<Integer, Long> positions) {
        var overrides = new Properties();
        overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        overrides.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        // it reads only headers, on a 96 MiB heap (bin/patchbay), while the producer may hold a batch that waits for
        // the broker: fetches of 256 KiB a partition and 1 MiB in all instead of the defaults' 1 MiB and 50 MiB
        overrides.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(256 * 1024));
        overrides.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(1024 * 1024));
        Set<String> ids = new HashSet<>();
        try (var consumer = consumers.createConsumer(null, null, "-relay-tail", overrides)) {
            var partitions = consumer.partitionsFor(topic, KAFKA_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            // assigned before their offsets are asked, or the consumer warns about each partition's high watermark
            consumer.assign(partitions);
            var beginnings = consumer.beginningOffsets(partitions, KAFKA_TIMEOUT);
            var ends = consumer.endOffsets(partitions, KAFKA_TIMEOUT);
            Map<TopicPartition, Long> from = new HashMap<>();
            for (var partition : partitions) {
                Long position = positions.get(partition.partition());
                long end = ends.get(partition);
                if (position == null && end - beginnings.get(partition) > MAX_UNPOSITIONED_RECORDS) {
                    // a topic relayed before positions were kept: this partition stays at least once until its
                    // next batch is stored
                    log.warn(
                            "No relay position for {} and {} records on it; not looking for records to skip there",
                            partition,
                            end - beginnings.get(partition));
                    continue;
                }
                long beginning = beginnings.get(partition);
                long start = position == null ? beginning : Math.max(position, beginning);
                if (start < end) {
                    from.put(partition, start);
                }
            }
            if (from.isEmpty()) {
                return ids;
            }
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            var deadline = System.nanoTime() + KAFKA_TIMEOUT.multipliedBy(3).toNanos();
            while (from.keySet().stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the relay's unaccounted records of " + topic
                            + " in time; the batch is retried");
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        var id = EventCodec.header(record.headers(), CloudEvents.ID);
                        if (id != null) {
                            ids.add(id);
                        }
                    }
                }
            }
        }
        if (!ids.isEmpty()) {
            log.info(
                    "{} records on {} were published by a batch whose position was not stored; they are not "
                            + "published again",
                    ids.size(),
                    topic);
        }
        return ids;
    }
}
