package dev.patchbay.platform.test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in OpenAPI documents of contracts ({@code contracts/src/main/resources/openapi/<service>.json}) and the
 * seed API: a service's test compares what it serves at {@code /v3/api-docs} with its checked-in copy. Run the tests
 * with {@code -Dpatchbay.openapi.write=true} to write the served document over the copy instead (then review the
 * diff and commit it).
 */
public final class OpenApiDocuments {

    public static final String WRITE_PROPERTY = "patchbay.openapi.write";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private OpenApiDocuments() {}

    /** The checked-in copy, from the source tree (a module's tests run in the module's directory). */
    public static Path checkedIn(String service) {
        return Path.of("..", "contracts", "src", "main", "resources", "openapi", service + ".json");
    }

    /**
     * Asserts that the served document equals the checked-in one, or writes it there when
     * {@code -Dpatchbay.openapi.write=true}.
     */
    public static void assertMatchesCheckedIn(String service, String served) throws IOException {
        var document = canonical(JSON.readTree(served));
        var file = checkedIn(service);
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(file, JSON.writeValueAsString(document) + "\n");
            return;
        }
        assertThat(file)
                .as("the checked-in OpenAPI document; make it with -D%s=true", WRITE_PROPERTY)
                .exists();
        var expected = canonical(JSON.readTree(Files.readString(file)));
        assertThat(JSON.writeValueAsString(document))
                .as(
                        "%s serves the OpenAPI document checked in as %s; if the "
                                + "change is intended, run the test with -D%s=true and commit the file",
                        service, file, WRITE_PROPERTY)
                .isEqualTo(JSON.writeValueAsString(expected));
    }

    /** One schema of {@code components.schemas} of the seed API (seed-001-mint.openapi.yaml). */
    public static JsonNode seedSchema(String name) {
        try (InputStream in = OpenApiDocuments.class.getResourceAsStream("/openapi/seed-001-mint.openapi.yaml")) {
            assertThat(in).as("the seed API on the classpath (contracts)").isNotNull();
            return canonical(YAMLMapper.builder()
                    .build()
                    .readTree(in)
                    .path("components")
                    .path("schemas")
                    .path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts the parts that every operation shares, and answers the operations ("POST /v1/...") found: a default
     * response, every error response as {@code application/problem+json} with the {@code Detail} schema only, and
     * the bearer JWT (with a 401) on every operation but the public ones, which need none.
     */
    public static List<String> assertEveryOperationHasProblemsAndSecurity(
            JsonNode document, List<String> publicOperations) {
        assertThat(document.path("openapi").asString()).startsWith("3.1");
        assertThat(document.path("components")
                        .path("securitySchemes")
                        .path("BearerAuth")
                        .path("scheme")
                        .asString())
                .isEqualTo("bearer");
        var operations = new ArrayList<String>();
        for (var path : document.path("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                var name = operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                operations.add(name);
                JsonNode responses = operation.getValue().path("responses");
                assertThat(responses.has("default"))
                        .as("%s has a default (error) response", name)
                        .isTrue();
                for (var response : responses.properties()) {
                    if (response.getKey().equals("default") || response.getKey().compareTo("400") >= 0) {
                        var content = response.getValue().path("content");
                        assertThat(content.path("application/problem+json")
                                        .path("schema")
                                        .path("$ref")
                                        .asString())
                                .as("%s %s", name, response.getKey())
                                .isEqualTo("#/components/schemas/Detail");
                        assertThat(content.size())
                                .as("%s %s has problem+json only", name, response.getKey())
                                .isEqualTo(1);
                    }
                }
                var security = operation.getValue().path("security");
                if (publicOperations.contains(name)) {
                    assertThat(security.isArray() && security.isEmpty())
                            .as("%s needs no token", name)
                            .isTrue();
                } else {
                    assertThat(security.path(0).has("BearerAuth"))
                            .as("%s needs the bearer JWT", name)
                            .isTrue();
                    assertThat(responses.has("401"))
                            .as("%s documents 401", name)
                            .isTrue();
                    assertThat(responses.has("403"))
                            .as("%s documents 403", name)
                            .isTrue();
                }
            }
        }
        var schemas = canonical(document).path("components").path("schemas");
        for (var name : List.of("Detail", "ErrorDetail")) {
            assertThat(schemas.path(name)).as(name).isEqualTo(seedSchema(name));
        }
        return operations;
    }

    public static JsonNode read(String json) {
        return JSON.readTree(json);
    }

    /**
     * A document in a form that compares by meaning: object members sorted by name, and the lists whose order says
     * nothing ({@code required}, {@code type}, {@code enum}) sorted.
     */
    public static JsonNode canonical(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (var entry : object.properties()) {
                var value = canonical(entry.getValue());
                if (value instanceof ArrayNode array
                        && List.of("required", "type", "enum").contains(entry.getKey())
                        && array.valueStream().allMatch(JsonNode::isValueNode)) {
                    List<JsonNode> items = new ArrayList<>(array.valueStream().toList());
                    items.sort(Comparator.comparing(JsonNode::asString));
                    value = JSON.createArrayNode().addAll(items);
                }
                sorted.put(entry.getKey(), value);
            }
            var result = JSON.createObjectNode();
            sorted.forEach(result::set);
            return result;
        }
        if (node instanceof ArrayNode array) {
            var result = JSON.createArrayNode();
            array.valueStream().map(OpenApiDocuments::canonical).forEach(result::add);
            return result;
        }
        return node;
    }
}
