package dev.patchbay.command.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.json.MetaDataDeserializer;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Axon's {@link MetaDataDeserializer}, with the map deserializer it asks for looked up once instead of at every
 * event. With default typing (which Axon's serialiser uses here) Jackson does not cache a deserializer for
 * {@code Map<String, Object>}, so Axon's own builds a new one per call: in a JFR recording of the relay draining a
 * backlog that was 18% of the relay thread's samples, for the two headers of trace context it reads from each
 * event's metadata (bench/RESULTS.md, the scale section). Deserializers hold no per-call state, so one built for a
 * mapper serves every later call on it.
 */
final class CachedMetaDataDeserializer extends MetaDataDeserializer {

    private volatile JsonDeserializer<Object> map;

    @Override
    @SuppressWarnings("unchecked")
    public MetaData deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        var deserializer = map;
        if (deserializer == null) {
            deserializer = context.findRootValueDeserializer(
                    context.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
            map = deserializer;
        }
        return MetaData.from((Map<String, ?>) deserializer.deserialize(parser, context, new HashMap<>()));
    }
}
