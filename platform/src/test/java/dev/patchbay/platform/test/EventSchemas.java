package dev.patchbay.platform.test;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON Schemas of contracts ({@code schemas/} on the classpath): one per {@code ce_type}, named
 * {@code <ce_type>.schema.json}, and one for the CloudEvents headers. Their {@code $id}s live under
 * {@code https://patchbay.dev/schemas/} and resolve to the classpath, so nothing is fetched.
 */
public final class EventSchemas {

    public static final String ID_BASE = "https://patchbay.dev/schemas/";
    public static final String HEADERS = "cloudevents-headers.v1";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_7,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix(ID_BASE, "classpath:schemas/")));
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EventSchemas() {}

    /** The schema file of a {@code ce_type}, on the classpath. */
    public static String resource(String ceType) {
        return "schemas/" + ceType + ".schema.json";
    }

    /** What is wrong with an event body against the schema of its {@code ce_type}; empty when it conforms. */
    public static List<String> errors(String ceType, byte[] body) {
        return errors(ceType, JSON.readTree(body));
    }

    public static List<String> errors(String schemaName, JsonNode instance) {
        var schema = SCHEMAS.computeIfAbsent(
                schemaName, name -> REGISTRY.getSchema(SchemaLocation.of(ID_BASE + name + ".schema.json")));
        return schema.validate(instance).stream().map(Object::toString).toList();
    }

    /** What is wrong with a record's headers (as UTF-8 strings) against the CloudEvents headers schema. */
    public static List<String> headerErrors(Map<String, String> headers) {
        return errors(HEADERS, JSON.valueToTree(headers));
    }
}
