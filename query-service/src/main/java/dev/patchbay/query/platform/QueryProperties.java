package dev.patchbay.query.platform;

import dev.patchbay.contracts.topic.Topics;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Settings of the read side.
 *
 * @param consistencyWait how long a read that carries a {@code Consistency-Token} waits for the projection to apply
 *        it before answering 503
 * @param cursorKey the key that signs pagination cursors; every instance must share it, or a cursor issued by one
 *        is refused by another. Unset: a random key per process (fine for one local instance only).
 * @param projectionConcurrency how many listener threads (consumers) the connection projection runs in this
 *        instance, each applying the records of its partitions a poll at a time, in one transaction per poll. A
 *        connection's events share a partition, so their order holds at any value. Each thread holds one pooled
 *        database connection while it writes. At most as many as the topic has partitions: more would sit idle.
 */
@ConfigurationProperties("patchbay.query")
public record QueryProperties(
        @DefaultValue("5s") Duration consistencyWait,
        String cursorKey,
        @DefaultValue("3") int projectionConcurrency) {

    static final int MIN_CURSOR_KEY_LENGTH = 32;

    public QueryProperties {
        if (consistencyWait.isNegative() || consistencyWait.isZero() || consistencyWait.toMinutes() >= 1) {
            throw new IllegalStateException("patchbay.query.consistency-wait must be above zero and under a minute, "
                    + "not " + consistencyWait);
        }
        if (cursorKey != null && cursorKey.length() < MIN_CURSOR_KEY_LENGTH) {
            // the key's value is never echoed, not even here
            throw new IllegalStateException("patchbay.query.cursor-key must be at least " + MIN_CURSOR_KEY_LENGTH
                    + " characters long (e.g. `openssl rand -base64 33`)");
        }
        if (projectionConcurrency < 1 || projectionConcurrency > Topics.CONNECTION_EVENTS.partitions()) {
            throw new IllegalStateException("patchbay.query.projection-concurrency must be from 1 to "
                    + Topics.CONNECTION_EVENTS.partitions() + " (the partitions of "
                    + Topics.CONNECTION_EVENTS.name() + "), not " + projectionConcurrency);
        }
    }

    /** The settings without the cursor key, which a record's generated {@code toString} would print. */
    @Override
    public String toString() {
        return "QueryProperties[consistencyWait=" + consistencyWait + ", cursorKey="
                + (cursorKey == null ? "null" : "(redacted)") + ", projectionConcurrency=" + projectionConcurrency
                + "]";
    }
}
