package dev.patchbay.command.connection;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.patchbay.command.platform.ConnectorTypes;
import dev.patchbay.command.platform.LiveTestProperties;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.platform.web.WebPlatform;
import dev.patchbay.vault.Credential;
import tools.jackson.core.JacksonException;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing (Jazzer) of what a client's bytes go through before anything is stored: the strict HTTP
 * JSON parser, then the contract's rules for a create or an update. The only acceptable outcomes are a valid request
 * or a refusal the API declares (a Jackson parse error, which becomes a 400, or an {@link ApiException}); and no
 * refusal may echo a value under credential. In the test run Jazzer fuzzes for a bounded time; tools/fuzz runs a
 * longer campaign.
 */
class RequestFuzzTest {

    private static final ConnectionRequestRules RULES = rules();

    @FuzzTest(maxDuration = "20s")
    void everyBodyIsAcceptedOrRefusedAsDeclared(FuzzedDataProvider data) {
        boolean update = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();
        try {
            if (update) {
                Map<?, ?> parsed = WebPlatform.strictHttpMapper().readValue(body, Map.class);
                if (parsed == null) {
                    return;
                }
                Map<String, Object> fields = new LinkedHashMap<>(castMap(parsed));
                var credential =
                        fields.remove("credential") instanceof Map<?, ?> map ? Credential.fromJson(castMap(map)) : null;
                RULES.checkUpdate(fields, credential, "postgresql");
            } else {
                var request = WebPlatform.strictHttpMapper().readValue(body, CreateConnectionRequest.class);
                if (request != null) {
                    RULES.checkCreate(request);
                }
            }
        } catch (JacksonException | ApiException refused) {
            if (refused instanceof ApiException api) {
                for (FieldProblem problem : api.errors()) {
                    if (FieldProblem.isSensitive(problem.location())) {
                        assertThat(problem.value())
                                .as("a credential value echoed at %s", problem.location())
                                .isNull();
                    }
                }
                assertThat(api.getMessage()).isNotBlank();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static ConnectionRequestRules rules() {
        var types = new ConnectorTypes();
        types.register(new ConnectorTypeRegistered(
                "postgresql",
                "database",
                "PostgreSQL",
                List.of("host", "port", "database"),
                List.of("username", "password"),
                false,
                Instant.now()));
        types.register(new ConnectorTypeRegistered(
                "pluggy", "rest", "Pluggy", List.of(), List.of("client_id", "secret"), true, Instant.now()));
        return new ConnectionRequestRules(
                types,
                new LiveTestProperties(false, Duration.ofSeconds(15), 100, Duration.ofSeconds(60)),
                WebPlatform.strictHttpMapper());
    }
}
