package dev.patchbay.e2e;

import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole path, as a client walks it: create over HTTP, the event through Kafka, the view on query-service. */
class ConnectionLifecycleIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static LocalStack stack;

    private final String tenant = TestTokens.newTenant();

    @BeforeAll
    static void theStackIsUpAndTheProbeWorkerHasRegisteredItsTypes() {
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
    void theConnectorTypesAreThoseTheProbeWorkerRegistered() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var body = stack.query()
                    .get()
                    .uri("/v1/connector-types")
                    .header("Authorization", viewer())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();
            var vendors = ((List<Map<String, Object>>) body.get("data"))
                    .stream().map(t -> t.get("vendor")).toList();
            assertThat(vendors).contains("pluggy", "belvo", "postgresql", "mysql");
        });
    }

    @Test
    void aCreatedConnectionReadsBackFromTheProjectionAndADeletedOneIsGone() {
        var created = stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "postgresql",
                        "config_name",
                        "warehouse",
                        "display_name",
                        "Warehouse",
                        "config",
                        Map.of("host", "127.0.0.1", "port", 5432, "database", "postgres", "tls_mode", "disable"),
                        "credential",
                        Map.of("username", "postgres", "password", "pw-" + UUID.randomUUID())))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(String.class)
                .returnResult();
        var resource = JSON.readValue(created.getResponseBody(), Map.class);
        var id = (String) resource.get("id");
        var consistency = created.getResponseHeaders().getFirst("Consistency-Token");

        var read = stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer())
                .header("Consistency-Token", consistency)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(read).isEqualTo(resource);

        var page = stack.query()
                .get()
                .uri("/v1/connections?limit=5")
                .header("Authorization", viewer())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat((List<Map<String, Object>>) page.get("data"))
                .extracting(c -> c.get("id"))
                .containsExactly(id);
        assertThat(page).containsEntry("total", 1).containsEntry("has_more", false);

        stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", "Bearer " + LocalStack.TOKENS.token(TestTokens.newTenant(), "viewer"))
                .exchange()
                .expectStatus()
                .isNotFound();

        var deleted = stack.command()
                .delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor())
                .exchange()
                .expectStatus()
                .isNoContent()
                .returnResult(Void.class);
        stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer())
                .header("Consistency-Token", deleted.getResponseHeaders().getFirst("Consistency-Token"))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
    }

    @Test
    void aCanaryCredentialReachesNeitherTheReadDatabaseNorTheLogs() throws Exception {
        var canary = "canary-" + UUID.randomUUID();
        var created = stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        "pluggy-main",
                        "base_url",
                        "https://api.pluggy.ai",
                        "account_ref",
                        "item-1",
                        "credential",
                        Map.of("client_id", "client-1", "secret", canary)))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(String.class)
                .returnResult();
        assertThat(created.getResponseBody()).doesNotContain(canary);
        var id = (String) JSON.readValue(created.getResponseBody(), Map.class).get("id");
        stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer())
                .header("Consistency-Token", created.getResponseHeaders().getFirst("Consistency-Token"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body).doesNotContain(canary));

        var bytes = canary.getBytes(StandardCharsets.UTF_8);
        var forms = List.of(
                canary,
                Base64.getEncoder().encodeToString(bytes).substring(0, 24),
                HexFormat.of().formatHex(bytes));
        var readTables = Databases.dump(stack.queryDb.jdbcUrl());
        var logs = Files.readString(stack.commandService.log())
                + Files.readString(stack.queryService.log())
                + Files.readString(stack.probeWorker.log());
        for (var form : forms) {
            assertThat(readTables).as("the read database").doesNotContain(form);
            assertThat(logs).as("the logs").doesNotContain(form);
        }
        assertThat(readTables).contains(id);
    }

    @Test
    void aLiveTestChecksTheRealDatabaseAndItsHealthIsProjected() {
        var created = stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "postgresql",
                        "config_name",
                        "local-postgres",
                        "config",
                        Map.of("host", "127.0.0.1", "port", 5432, "database", "postgres", "tls_mode", "disable"),
                        "credential",
                        Map.of("username", "postgres", "password", "any")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        var id = (String) created.get("id");
        stack.command()
                .post()
                .uri("/v1/connections/test")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "postgresql", "config_name", "local-postgres"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.connection_id")
                .isEqualTo(id)
                .jsonPath("$.healthy")
                .isEqualTo(true)
                .jsonPath("$.error")
                .isEmpty();
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
                        .isEqualTo("healthy")
                        .jsonPath("$.health.latency_ms")
                        .isNumber());

        var wrongRole = stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "postgresql",
                        "config_name",
                        "no-such-role",
                        "config",
                        Map.of("host", "127.0.0.1", "port", 5432, "database", "postgres", "tls_mode", "disable"),
                        "credential",
                        Map.of("username", "no_such_role_here", "password", "x")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        stack.command()
                .post()
                .uri("/v1/connections/" + wrongRole.get("id") + "/test")
                .header("Authorization", editor())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.healthy")
                .isEqualTo(false)
                .jsonPath("$.error.code")
                .isEqualTo("credentials_rejected");
    }

    private String editor() {
        return "Bearer " + LocalStack.TOKENS.token(tenant, "editor");
    }

    private String viewer() {
        return "Bearer " + LocalStack.TOKENS.token(tenant, "viewer");
    }
}
