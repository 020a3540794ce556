package dev.patchbay.e2e;

import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Test before store with the real probe worker against the local PostgreSQL (which trusts any password, so the
 * password is a canary): a healthy candidate is created with its health, an unreachable one is 422 and leaves no
 * row, no event and no vault row behind, and the candidate's credential is in no answer, log line, topic or read
 * table.
 */
class CheckBeforeStoreIT {

    private static LocalStack stack;

    private final String tenant = TestTokens.newTenant();

    @BeforeAll
    static void theStackIsUp() {
        stack = LocalStack.get();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> stack.command()
                        .get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectStatus()
                        .isOk());
    }

    @Test
    void aHealthyPostgresqlCandidateIsCreatedWithItsHealthAndAnUnreachableOneLeavesNothingBehind() throws Exception {
        var canary = "canary-" + UUID.randomUUID();
        var created = stack.command()
                .post()
                .uri("/v1/connections?test=true")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("tested-first", 5432, canary))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult();
        var id = (String) created.getResponseBody().get("id");
        @SuppressWarnings("unchecked")
        var health = (Map<String, Object>) created.getResponseBody().get("health");
        assertThat(health).containsEntry("state", "healthy");
        assertThat(health.get("latency_ms")).isInstanceOf(Number.class);
        assertThat(rows("SELECT purpose FROM sealed_secrets WHERE connection_id = '" + id + "'"))
                .containsExactly("credential");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> stack.query()
                        .get()
                        .uri("/v1/connections/" + id)
                        .header("Authorization", viewer())
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .jsonPath("$.health.state")
                        .isEqualTo("healthy"));

        var refused = stack.command()
                .post()
                .uri("/v1/connections?test=true")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("wrong-port", 1, canary))
                .exchange()
                .expectStatus()
                .isEqualTo(422)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0011")
                .jsonPath("$.errors[0].value")
                .isEqualTo("unreachable")
                .returnResult()
                .getResponseBody();
        assertThat(new String(refused, StandardCharsets.UTF_8)).doesNotContain(canary);

        // nothing kept: one live connection, one vault row, one event: the healthy one's
        assertThat(rows("SELECT config_name FROM live_connections WHERE tenant_id = '" + tenant + "'"))
                .containsExactly("tested-first");
        assertThat(rows("SELECT connection_id::text FROM sealed_secrets WHERE tenant_id = '" + tenant + "'"))
                .containsExactly(id);
        var probes = ofTenant(Topics.readAll(stack.broker.bootstrapServers(), "patchbay.probe-requests.v1"));
        assertThat(probes).hasSize(2);
        var candidate = probes.stream()
                .map(ConsumerRecord::key)
                .filter(key -> !key.equals(id))
                .findFirst()
                .orElseThrow();
        assertThat(rows("SELECT aggregateIdentifier FROM DomainEventEntry WHERE aggregateIdentifier = '" + candidate
                        + "'"))
                .isEmpty();
        // the name was not claimed, and the events of this tenant are the healthy create's and this one's
        stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("wrong-port", 1, "plain"))
                .exchange()
                .expectStatus()
                .isCreated();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(
                                ofTenant(Topics.readAll(stack.broker.bootstrapServers(), "patchbay.connections.v1")))
                        .hasSize(2));
        assertThat(ofTenant(Topics.readAll(stack.broker.bootstrapServers(), "patchbay.connections.v1")))
                .noneMatch(record -> record.key().equals(candidate));

        // the canary, in every form, nowhere
        var bytes = canary.getBytes(StandardCharsets.UTF_8);
        var forms = List.of(
                canary,
                Base64.getEncoder().encodeToString(bytes).substring(0, 24),
                HexFormat.of().formatHex(bytes));
        var topics = new StringBuilder();
        for (var topic :
                List.of("patchbay.connections.v1", "patchbay.probe-requests.v1", "patchbay.probe-results.v1")) {
            Topics.readAll(stack.broker.bootstrapServers(), topic)
                    .forEach(record -> topics.append(new String(record.value(), StandardCharsets.ISO_8859_1)));
        }
        var logs = Files.readString(stack.commandService.log())
                + Files.readString(stack.queryService.log())
                + Files.readString(stack.probeWorker.log());
        var readTables = Databases.dump(stack.queryDb.jdbcUrl());
        for (var form : forms) {
            assertThat(topics).as("the topics").doesNotContain(form);
            assertThat(logs).as("the logs").doesNotContain(form);
            assertThat(readTables).as("the read database").doesNotContain(form);
        }
    }

    @Test
    void aFullCandidateIsTestedAgainstTheRealDatabaseAndNothingIsStored() throws Exception {
        var candidate = postgresql("unused", 5432, "any");
        candidate.remove("config_name");
        stack.command()
                .post()
                .uri("/v1/connections/test")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(candidate)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.healthy")
                .isEqualTo(true)
                .jsonPath("$.error")
                .isEmpty();
        var wrongRole = postgresql("unused", 5432, "any");
        wrongRole.remove("config_name");
        wrongRole.put("credential", Map.of("username", "no_such_role_here", "password", "x"));
        stack.command()
                .post()
                .uri("/v1/connections/test")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(wrongRole)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.healthy")
                .isEqualTo(false)
                .jsonPath("$.error.code")
                .isEqualTo("credentials_rejected");

        assertThat(rows("SELECT connection_id::text FROM sealed_secrets WHERE tenant_id = '" + tenant + "'"))
                .isEmpty();
        assertThat(rows("SELECT config_name FROM live_connections WHERE tenant_id = '" + tenant + "'"))
                .isEmpty();
    }

    private static Map<String, Object> postgresql(String name, int port, String password) {
        var body = new java.util.HashMap<String, Object>();
        body.put("vendor", "postgresql");
        body.put("config_name", name);
        body.put("config", Map.of("host", "127.0.0.1", "port", port, "database", "postgres", "tls_mode", "disable"));
        body.put("credential", Map.of("username", "postgres", "password", password));
        return body;
    }

    private List<ConsumerRecord<String, byte[]>> ofTenant(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream()
                .filter(record -> {
                    var header = record.headers().lastHeader("ce_tenantid");
                    return header != null && tenant.equals(new String(header.value(), StandardCharsets.UTF_8));
                })
                .toList();
    }

    /** The first column of every row of a query on command-service's database (the values here are ours). */
    private static List<String> rows(String sql) throws SQLException {
        var found = new java.util.ArrayList<String>();
        try (var connection = DriverManager.getConnection(stack.commandDb.jdbcUrl(), "postgres", "");
                var rows = connection.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                found.add(rows.getString(1));
            }
        }
        return found;
    }

    private String editor() {
        return "Bearer " + LocalStack.TOKENS.token(tenant, "editor");
    }

    private String viewer() {
        return "Bearer " + LocalStack.TOKENS.token(tenant, "viewer");
    }
}
