package dev.patchbay.platform.json;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topic;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.EventSchemas;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wire form of every event (STYLE.md, "Contracts and versioning"): each {@code ce_type} has a golden JSON file
 * in {@code contracts/src/test/resources/wire/} that decodes into its record and encodes back to the same JSON, and
 * that conforms to its JSON Schema; and the AsyncAPI document names every topic and every event type. If a golden
 * file stops round-tripping, the change to the record is breaking: make a {@code .v2} type instead.
 * <p>
 * It lives here, beside {@link EventCodec}, because contracts depend on no JSON library.
 */
class EventContractsTest {

    private static final Path WIRE = Path.of("..", "contracts", "src", "test", "resources", "wire");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final EventCodec codec = new EventCodec("/patchbay/test");

    @TestFactory
    Stream<DynamicTest> everyGoldenEventRoundTripsAndConformsToItsSchema() {
        return CloudEvents.types().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(type -> DynamicTest.dynamicTest(type.getKey(), () -> {
                    var file = WIRE.resolve(type.getKey() + ".json");
                    assertThat(file).as("the golden file of %s", type.getKey()).exists();
                    var golden = Files.readAllBytes(file);
                    Object event = codec.decode(golden, type.getValue());
                    assertThat(JSON.readTree(codec.encode(event)))
                            .as("%s encodes back to its golden JSON", type.getKey())
                            .isEqualTo(JSON.readTree(golden));
                    assertThat(EventSchemas.errors(type.getKey(), golden))
                            .as("%s against its schema", type.getKey())
                            .isEmpty();
                }));
    }

    @Test
    void everyGoldenFileIsOfARegisteredType() throws Exception {
        try (var files = Files.list(WIRE)) {
            assertThat(files.map(f -> f.getFileName().toString().replaceFirst("\\.json$", "")))
                    .allMatch(name -> CloudEvents.classOf(name).isPresent());
        }
    }

    @Test
    void aSchemaRefusesWhatTheEventNeverHolds() throws Exception {
        var created = (tools.jackson.databind.node.ObjectNode) JSON.readTree(
                WIRE.resolve("dev.patchbay.connection.created.v1.json").toFile());
        created.put("occurred_at", "2026-11-24T10:00:00Z");
        created.put("credential_value", "s3cret");
        assertThat(EventSchemas.errors("dev.patchbay.connection.created.v1", created))
                .hasSize(2);
    }

    /**
     * A test before store names the candidate's vault row by an additive field, left out for a stored connection so
     * that the golden file (and every consumer of v1) is unchanged.
     */
    @Test
    void aCandidatesProbeRequestCarriesItsPurposeAndConformsToTheSchema() throws Exception {
        var golden = (dev.patchbay.contracts.probe.ProbeRequested) codec.decode(
                Files.readAllBytes(WIRE.resolve("dev.patchbay.probe.requested.v1.json")),
                dev.patchbay.contracts.probe.ProbeRequested.class);
        assertThat(golden.purpose()).isNull();
        assertThat(golden.candidate()).isFalse();
        var candidate = new dev.patchbay.contracts.probe.ProbeRequested(
                golden.correlationId(),
                golden.connectionId(),
                golden.tenantId(),
                golden.vendor(),
                golden.category(),
                1,
                golden.baseUrl(),
                golden.config(),
                golden.metadata(),
                golden.requestedAt(),
                golden.requestedBy(),
                dev.patchbay.contracts.probe.ProbeRequested.CANDIDATE);

        var wire = codec.encode(candidate);

        assertThat(JSON.readTree(wire).path("purpose").asString()).isEqualTo("candidate");
        assertThat(EventSchemas.errors("dev.patchbay.probe.requested.v1", wire)).isEmpty();
        assertThat(codec.decode(wire, dev.patchbay.contracts.probe.ProbeRequested.class))
                .isEqualTo(candidate);
        var other = (tools.jackson.databind.node.ObjectNode) JSON.readTree(wire);
        other.put("purpose", "webhook-secret");
        assertThat(EventSchemas.errors("dev.patchbay.probe.requested.v1", other))
                .hasSize(1);
    }

    /**
     * OAuth2 (issue 21 §3) added two optional members: a connector type's optional secret fields and a credential's
     * expiry. Both are left out when empty, so every golden file (and every consumer of v1) is unchanged, and both
     * conform to the schemas when present.
     */
    @Test
    void optionalSecretFieldsAndAnExpiryAreAdditiveAndConformToTheSchemas() throws Exception {
        var type = new dev.patchbay.contracts.connector.ConnectorTypeRegistered(
                "oauth2",
                "rest",
                "OAuth2 API",
                java.util.List.of("token_endpoint"),
                java.util.List.of("access_token", "client_id", "client_secret"),
                false,
                java.time.Instant.parse("2026-11-24T10:00:00Z"),
                java.util.List.of("scope", "client_auth", "check_path"),
                java.util.List.of(),
                java.util.List.of("refresh_token"));
        var wire = codec.encode(type);
        assertThat(JSON.readTree(wire).path("optional_secret_fields").get(0).asString())
                .isEqualTo("refresh_token");
        assertThat(EventSchemas.errors("dev.patchbay.connector-type.registered.v1", wire))
                .isEmpty();
        assertThat(codec.decode(wire, dev.patchbay.contracts.connector.ConnectorTypeRegistered.class))
                .isEqualTo(type);

        var golden = (dev.patchbay.contracts.connection.ConnectionRotated) codec.decode(
                Files.readAllBytes(WIRE.resolve("dev.patchbay.connection.rotated.v1.json")),
                dev.patchbay.contracts.connection.ConnectionRotated.class);
        assertThat(golden.credential().expiresAt()).isNull();
        var expiring = new dev.patchbay.contracts.connection.ConnectionRotated(
                golden.connectionId(),
                golden.tenantId(),
                golden.version(),
                golden.occurredAt(),
                dev.patchbay.contracts.refresh.RefreshRequested.REFRESHER,
                new dev.patchbay.contracts.connection.CredentialInfo(
                        golden.credential().fields(),
                        golden.credential().version(),
                        golden.credential().fingerprint(),
                        golden.credential().rotatedAt(),
                        java.time.Instant.parse("2026-11-24T11:10:00Z")),
                golden.previousFingerprint());
        var rotated = codec.encode(expiring);
        assertThat(JSON.readTree(rotated).path("credential").path("expires_at").asString())
                .isEqualTo("2026-11-24T11:10:00.000Z");
        assertThat(EventSchemas.errors("dev.patchbay.connection.rotated.v1", rotated))
                .isEmpty();
        assertThat(codec.decode(rotated, dev.patchbay.contracts.connection.ConnectionRotated.class))
                .isEqualTo(expiring);
    }

    @Test
    void theAsyncApiDocumentHasAChannelPerTopicAndAMessagePerEventType() throws Exception {
        JsonNode asyncApi;
        try (var in = getClass().getResourceAsStream("/asyncapi/patchbay.yaml")) {
            asyncApi = YAMLMapper.builder().build().readTree(in);
        }
        assertThat(asyncApi.path("asyncapi").asString()).isEqualTo("3.0.0");
        var messages = asyncApi.path("components").path("messages");
        Set<String> documentedTypes = new HashSet<>();
        for (var message : messages.properties()) {
            var type = message.getValue().path("name").asString();
            documentedTypes.add(type);
            assertThat(message.getValue().path("payload").path("$ref").asString())
                    .as(type)
                    .isEqualTo("../" + EventSchemas.resource(type));
            assertThat(getClass().getResource("/" + EventSchemas.resource(type)))
                    .as("schema of %s", type)
                    .isNotNull();
        }
        assertThat(documentedTypes).isEqualTo(CloudEvents.types().keySet());
        Set<String> addresses = new HashSet<>();
        for (var channel : asyncApi.path("channels").properties()) {
            var address = channel.getValue().path("address").asString();
            addresses.add(address);
            Topic<?, ?> topic = Topics.ALL.stream()
                    .filter(t -> t.name().equals(address))
                    .findFirst()
                    .orElseThrow();
            for (var ref : channel.getValue().path("messages").properties()) {
                var name = ref.getValue().path("$ref").asString().replace("#/components/messages/", "");
                var type = messages.path(name).path("name").asString();
                assertThat(topic.valueType())
                        .as("%s on %s", type, address)
                        .isAssignableFrom(CloudEvents.classOf(type).orElseThrow());
            }
            assertThat(channel.getValue()
                            .path("bindings")
                            .path("kafka")
                            .path("partitions")
                            .asInt())
                    .as(address)
                    .isEqualTo(topic.partitions());
        }
        assertThat(addresses)
                .containsExactlyInAnyOrderElementsOf(
                        Topics.ALL.stream().map(Topic::name).toList());
        var connectionMessages =
                asyncApi.path("channels").path("connections").path("messages").size();
        assertThat(connectionMessages).isEqualTo(ConnectionEvent.class.getPermittedSubclasses().length);
    }
}
