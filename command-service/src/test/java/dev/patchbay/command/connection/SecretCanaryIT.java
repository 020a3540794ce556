package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A canary credential goes through create, failed validations and delete; then every sink this service writes to
 * is searched for it, in plain text, base64 and hex: responses, the topic, every table, the log file.
 */
class SecretCanaryIT extends CommandServiceTestBase {

    private static final String CANARY = "canary-" + UUID.randomUUID();

    @Test
    void theCredentialIsFoundNowhereButSealedInTheVault() throws Exception {
        var tenant = TestTokens.newTenant();
        var responses = new ArrayList<String>();
        var created = client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("canary", CANARY))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(String.class)
                .returnResult();
        responses.add(created.getResponseBody());
        responses.add(created.getResponseHeaders().toString());
        var id = (String) new tools.jackson.databind.json.JsonMapper()
                .readValue(created.getResponseBody(), Map.class)
                .get("id");

        var wrongKeys = postgresql("canary-2", CANARY);
        wrongKeys.put("credential", Map.of("username", CANARY, "pwd", CANARY));
        var wrongType = postgresql("canary-3", CANARY);
        wrongType.put("config", Map.of("host", "h", "port", 1, "database", "d", "password", CANARY));
        var duplicate = postgresql("canary", CANARY);
        for (var body : List.of(wrongKeys, wrongType, duplicate)) {
            responses.add(client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .is4xxClientError()
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody());
        }
        responses.add(client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"credential\": {\"password\": \"" + CANARY + "\"")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody());

        var sealed = jdbc.sql("SELECT ciphertext FROM sealed_secrets WHERE connection_id = ?::uuid")
                .param(id)
                .query(byte[].class)
                .single();
        assertThat(sealed).isNotEmpty();
        assertNoCanaryIn("the sealed credential", new String(sealed, StandardCharsets.ISO_8859_1));

        client().delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        records(Topics.CONNECTION_EVENTS.name(), id::equals).size() == 2);

        assertNoCanaryIn("HTTP responses", String.join("\n", responses));
        for (var record : records(Topics.CONNECTION_EVENTS.name(), key -> true)) {
            assertNoCanaryIn(
                    "a record on " + record.topic(),
                    new String(record.value(), StandardCharsets.ISO_8859_1) + record.headers());
        }
        for (var table : jdbc.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                .query(String.class)
                .list()) {
            for (var row : jdbc.sql("SELECT * FROM " + table).query().listOfRows()) {
                for (var value : row.values()) {
                    var text = value instanceof byte[] bytes
                            ? new String(bytes, StandardCharsets.ISO_8859_1)
                            : String.valueOf(value);
                    assertNoCanaryIn("table " + table, text);
                }
            }
        }
        assertNoCanaryIn("the log file", Files.readString(LOG_FILE));
        assertThat(Files.readString(LOG_FILE))
                .as("the log file is the one this service writes")
                .contains("Start completed");
    }

    private static void assertNoCanaryIn(String sink, String content) {
        var bytes = CANARY.getBytes(StandardCharsets.UTF_8);
        assertThat(content)
                .as(sink)
                .doesNotContain(CANARY)
                .doesNotContain(Base64.getEncoder().encodeToString(bytes).substring(0, 24))
                .doesNotContain(Base64.getUrlEncoder().encodeToString(bytes).substring(0, 24))
                .doesNotContainIgnoringCase(HexFormat.of().formatHex(bytes));
    }
}
