package dev.patchbay.platform.json;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The JSON dialect of Patchbay, on HTTP and on Kafka alike: snake_case names, RFC 3339 UTC timestamps with
 * milliseconds.
 */
public final class PatchbayJson {

    private static final DateTimeFormatter RFC3339_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Formats an instant as the API writes every timestamp. */
    public static String format(Instant instant) {
        return RFC3339_MILLIS.format(instant);
    }

    /** Applies the dialect to a mapper builder (Boot's HTTP mapper and the event codec's). */
    public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        var timestamps = new SimpleModule("patchbay-timestamps");
        timestamps.addSerializer(Instant.class, new ValueSerializer<Instant>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(format(value));
            }
        });
        return builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .addModule(timestamps);
    }

    /** The mapper for events: tolerant of fields a newer producer added (additive changes only). */
    public static JsonMapper eventMapper() {
        return configure(JsonMapper.builder())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    private PatchbayJson() {}
}
