package dev.patchbay.contracts.topic;

/**
 * One Kafka topic: its name, what its key and values are, and how it is laid out. Every topic Patchbay uses is
 * declared once, in {@link Topics}.
 *
 * @param compacted a compacted topic keeps the latest value per key; the others keep every record for ever
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType, int partitions, boolean compacted) {
}
