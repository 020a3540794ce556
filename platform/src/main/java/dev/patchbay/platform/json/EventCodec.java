package dev.patchbay.platform.json;

import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns events into Kafka records and back: JSON body, CloudEvents attributes as headers (binary mode).
 */
public final class EventCodec {

    private static final Logger log = LoggerFactory.getLogger(EventCodec.class);

    private final JsonMapper mapper = PatchbayJson.eventMapper();
    private final String source;

    /** @param source the {@code ce_source} of what this service publishes, e.g. {@code /patchbay/command-service} */
    public EventCodec(String source) {
        this.source = source;
    }

    /** The CloudEvents attributes of one record that are not derived from the event's class. */
    public record Envelope(String id, Instant time, String subject, String tenantId, Long sequence) {

        public static Envelope of(String subject) {
            return new Envelope(UUID.randomUUID().toString(), Instant.now(), subject, null, null);
        }
    }

    public <V> ProducerRecord<String, byte[]> record(
            Topic<String, ? super V> topic, String key, V event, Envelope envelope) {
        var headers = new RecordHeaders();
        put(headers, CloudEvents.ID, envelope.id());
        put(headers, CloudEvents.SOURCE, source);
        put(headers, CloudEvents.TYPE, CloudEvents.typeOf(event.getClass()));
        put(headers, CloudEvents.SPECVERSION, CloudEvents.SPEC_VERSION);
        put(headers, CloudEvents.TIME, PatchbayJson.format(envelope.time()));
        put(headers, CloudEvents.CONTENT_TYPE, "application/json");
        put(headers, CloudEvents.SUBJECT, envelope.subject());
        put(headers, CloudEvents.TENANT_ID, envelope.tenantId());
        put(
                headers,
                CloudEvents.SEQUENCE,
                envelope.sequence() == null ? null : envelope.sequence().toString());
        return new ProducerRecord<>(topic.name(), null, key, encode(event), headers);
    }

    public byte[] encode(Object event) {
        return mapper.writeValueAsBytes(event);
    }

    public <T> T decode(byte[] body, Class<T> type) {
        return mapper.readValue(body, type);
    }

    /**
     * The event a record carries, by its {@code ce_type}; empty for a type this build does not know, which a
     * consumer skips (a newer producer may publish types that older consumers ignore).
     */
    public Optional<Object> decode(ConsumerRecord<?, byte[]> record) {
        return CloudEvents.classOf(header(record.headers(), CloudEvents.TYPE))
                .map(type -> decode(record.value(), type));
    }

    /**
     * The record's event when it is a {@code type}; empty when it carries another or an unknown type, and when it
     * cannot be read, which is logged with where the record lies (never its body). A listener skips it either way.
     */
    public <T> Optional<T> decode(ConsumerRecord<?, byte[]> record, Class<T> type) {
        try {
            return decode(record).filter(type::isInstance).map(type::cast);
        } catch (RuntimeException unreadable) {
            log.warn(
                    "Skipped an unreadable record at {}-{}@{} ({})",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
