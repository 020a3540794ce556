package dev.patchbay.command.platform;

import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.impl.TypeWrappedDeserializer;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CachedMetaDataDeserializerTest {

    private static final MetaData METADATA = MetaData.with(
                    "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .and("tracestate", "congo=t61rcWkgMzE")
            .and("count", 3)
            .and("big", 12_345_678_901L)
            .and("flag", true)
            .and("nested", Map.of("a", List.of(1, "two")))
            .and("at", Instant.parse("2026-12-07T17:00:00Z").toString());

    private final JacksonSerializer patchbay = (JacksonSerializer) new AxonConfiguration().serializer();
    private final JacksonSerializer axonsOwn =
            JacksonSerializer.builder().defaultTyping().build();

    @Test
    void axonsSerializerFindsThisDeserializerForMetadata() throws Exception {
        var mapper = patchbay.getObjectMapper();
        var context = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createDummyInstance(mapper.getDeserializationConfig());
        JsonDeserializer<?> found = context.findRootValueDeserializer(mapper.constructType(MetaData.class));
        if (found instanceof TypeWrappedDeserializer wrapped) {
            found = wrapped.getDelegatee();
        }
        assertThat(found).isInstanceOf(CachedMetaDataDeserializer.class);
    }

    @Test
    void metadataReadsBackAsAxonsOwnDeserializerReadsIt() {
        SerializedObject<byte[]> stored = patchbay.serialize(METADATA, byte[].class);

        MetaData ours = patchbay.deserialize(stored);
        MetaData axons = axonsOwn.deserialize(stored);

        assertThat(ours).isEqualTo(axons).isEqualTo(METADATA);
        assertThat(ours.get("big")).isEqualTo(axons.get("big"));
    }

    @Test
    void theSameDeserializerServesEveryLaterEvent() {
        for (int i = 0; i < 3; i++) {
            var metadata = METADATA.and("i", i);
            MetaData back = patchbay.deserialize(patchbay.serialize(metadata, byte[].class));
            assertThat(back).isEqualTo(metadata);
        }
        MetaData empty = patchbay.deserialize(patchbay.serialize(MetaData.emptyInstance(), byte[].class));
        assertThat(empty).isEqualTo(MetaData.emptyInstance());
    }
}
