package dev.patchbay.contracts.topic;

/**
 * One Kafka topic: its name, what its key and values are, and how it is laid out. Every topic Patchbay uses is
 * declared once, in {@link Topics}.
 *
 * @param compacted a compacted topic keeps the latest value per key
 * @param retention how long records are kept on a topic that is not compacted; {@link #FOREVER} for the audit log
 */
public record Topic<K, V>(
        String name,
        Class<K> keyType,
        Class<V> valueType,
        int partitions,
        boolean compacted,
        java.time.Duration retention) {

    /** Kept for ever. */
    public static final java.time.Duration FOREVER = null;
}
