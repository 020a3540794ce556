package dev.patchbay.query.platform;

import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.platform.json.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Reads the event a consumed record carries. A record this build cannot read is logged by its coordinates and
 * skipped: retrying it would block its partition for ever. Neither its body nor the parser's message (which may
 * quote the body) is ever logged.
 */
public final class EventRecords {

    private static final Logger log = LoggerFactory.getLogger(EventRecords.class);

    private final EventCodec codec;

    public EventRecords(EventCodec codec) {
        this.codec = codec;
    }

    /** The event, or empty when the record is of a type this build does not know or cannot be read. */
    public Optional<Object> decode(ConsumerRecord<String, byte[]> record) {
        var type = EventCodec.header(record.headers(), CloudEvents.TYPE);
        if (record.value() == null) {
            log.warn(
                    "Skipping a record without a body at {}-{}@{} (ce_type {})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    type);
            return Optional.empty();
        }
        try {
            var event = codec.decode(record);
            if (event.isEmpty()) {
                log.debug(
                        "Skipping a record of a type this build does not know at {}-{}@{} (ce_type {})",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        type);
            }
            return event;
        } catch (RuntimeException unreadable) {
            log.error(
                    "Skipping a record that cannot be read as its ce_type says at {}-{}@{} (ce_type {}, ce_id {}, "
                            + "{})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    type,
                    EventCodec.header(record.headers(), CloudEvents.ID),
                    unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
