package dev.patchbay.e2e;

import com.nimbusds.jwt.PlainJWT;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an attacker would try, against the running services: another tenant's ids and names on every endpoint,
 * forged tokens on the read side too, bodies too large or too deep, control characters, and SQL metacharacters in
 * every string field and query parameter. Every answer is a problem, never a 500, and nothing leaks across tenants.
 */
class AttacksIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static LocalStack stack;
    private static int tried;

    private final String victim = TestTokens.newTenant();
    private final String attacker = TestTokens.newTenant();

    @BeforeAll
    static void stack() {
        stack = LocalStack.get();
    }

    @Test
    void anotherTenantsIdsAndNamesAreNotFoundOnEveryEndpoint() {
        var id = create(
                victim,
                "victims-pluggy",
                Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        "victims-pluggy",
                        "base_url",
                        "https://api.pluggy.ai",
                        "account_ref",
                        "item-1",
                        "credential",
                        Map.of("client_id", "c", "secret", "s")));
        var editor = bearer(attacker, "editor", "admin");
        var reads = List.of(
                "/v1/connections/" + id,
                "/v1/connections/" + id + "/history",
                "/v1/connections/" + id + "/webhook-tokens",
                "/v1/connections/resolve?vendor=pluggy&config_name=victims-pluggy");
        for (var path : reads) {
            expect(stack.query().get().uri(path).header("Authorization", editor).exchange(), 404, path);
        }
        var list = stack.query()
                .get()
                .uri("/v1/connections")
                .header("Authorization", editor)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat((List<?>) list.get("data")).isEmpty();
        var writes = Map.<String, Object[]>of(
                "PATCH /v1/connections/" + id,
                new Object[] {HttpMethod.PATCH, Map.of("display_name", "pwned")},
                "DELETE /v1/connections/" + id,
                new Object[] {HttpMethod.DELETE, null},
                "POST /v1/connections/" + id + "/revoke",
                new Object[] {HttpMethod.POST, null},
                "POST /v1/connections/" + id + "/test",
                new Object[] {HttpMethod.POST, null},
                "PUT /v1/connections/" + id + "/webhook-secret",
                new Object[] {HttpMethod.PUT, Map.of("secret", "x".repeat(20))},
                "POST /v1/connections/test",
                new Object[] {HttpMethod.POST, Map.of("vendor", "pluggy", "config_name", "victims-pluggy")},
                "POST /v1/webhooks/tokens",
                new Object[] {HttpMethod.POST, Map.of("vendor", "pluggy", "connection_config_name", "victims-pluggy")});
        writes.forEach((what, call) -> {
            var path = what.substring(what.indexOf(' ') + 1);
            var request = stack.command().method((HttpMethod) call[0]).uri(path).header("Authorization", editor);
            var spec = call[1] == null
                    ? request.exchange()
                    : request.contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(call[1])
                            .exchange();
            expect(spec, 404, what);
        });
        stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", bearer(victim, "viewer"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.display_name")
                .doesNotExist();
    }

    @Test
    void forgedTokensAreRefusedByTheReadSideToo() {
        var now = Instant.now();
        var tokens = List.of(
                new PlainJWT(LocalStack.TOKENS.claims(victim, "viewer").build()).serialize(),
                new TestTokens().token(victim, "viewer"),
                LocalStack.TOKENS.sign(LocalStack.TOKENS
                        .claims(victim, "viewer")
                        .expirationTime(Date.from(now.minusSeconds(120)))
                        .build()),
                LocalStack.TOKENS.sign(LocalStack.TOKENS
                        .claims(victim, "viewer")
                        .audience("other")
                        .build()),
                LocalStack.TOKENS.sign(LocalStack.TOKENS
                        .claims(victim, "viewer")
                        .claim("tenant_id", null)
                        .build()));
        for (var token : tokens) {
            expect(
                    stack.query()
                            .get()
                            .uri("/v1/connections")
                            .header("Authorization", "Bearer " + token)
                            .exchange(),
                    401,
                    "a forged token");
        }
        expect(
                stack.query()
                        .get()
                        .uri("/v1/connections")
                        .header("X-Tenant-Id", victim)
                        .exchange(),
                401,
                "a tenant header without a token");
    }

    @Test
    void tooLargeTooDeepAndControlCharactersAreProblemsNotFailures() {
        var editor = bearer(attacker, "editor");
        var big = new HashMap<String, Object>(postgresql("big"));
        big.put("display_name", "x".repeat(1024 * 1024 + 1));
        expect(post(editor, big), 413, "a body over 1 MiB");
        var deep = "[".repeat(2000) + "]".repeat(2000);
        expect(
                stack.command()
                        .post()
                        .uri("/v1/connections")
                        .header("Authorization", editor)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue("{\"vendor\":\"postgresql\",\"metadata\":{\"a\":" + deep + "}}")
                        .exchange(),
                400,
                "JSON nested 2000 deep");
        for (var name : List.of(
                "with space",
                "UPPER",
                "null\u0000byte",
                "new\nline",
                "ünïcödé",
                "-leading",
                "x".repeat(64),
                "'; DROP TABLE live_connections; --")) {
            expect(post(editor, postgresql(name)), 400, "config_name " + name.replace("\u0000", "\\0"));
        }
        for (var displayName : List.of("tab\tinside", "bell\u0007", "\u2028line separator")) {
            var body = new HashMap<String, Object>(postgresql("display-" + Math.abs(displayName.hashCode())));
            body.put("display_name", displayName);
            expect(post(editor, body), 400, "display_name with a control character");
        }
        var emoji = new HashMap<String, Object>(postgresql("emoji-ok"));
        emoji.put("display_name", "Entrepôt 🏭 de données");
        var created = post(editor, emoji)
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult();
        assertThat(created.getResponseBody()).containsEntry("display_name", "Entrepôt 🏭 de données");
        tried += 3;
    }

    @Test
    void sqlMetacharactersAreDataEverywhere() {
        var editor = bearer(attacker, "editor");
        var viewer = bearer(attacker, "viewer");
        var hostile = "x' OR '1'='1'; DROP TABLE connections; --";
        var body = new HashMap<String, Object>(postgresql("sql-meta"));
        body.put("display_name", hostile);
        body.put("account_ref", hostile);
        body.put("config", Map.of("host", hostile, "port", 5432, "database", hostile));
        body.put("metadata", Map.of("note", hostile, "quote\"key", "v"));
        var created = post(editor, body)
                .expectStatus()
                .isCreated()
                .expectBody(String.class)
                .returnResult();
        var id = (String) JSON.readValue(created.getResponseBody(), Map.class).get("id");
        stack.query()
                .get()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer)
                .header("Consistency-Token", created.getResponseHeaders().getFirst("Consistency-Token"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.display_name")
                .isEqualTo(hostile)
                .jsonPath("$.account_ref")
                .isEqualTo(hostile)
                .jsonPath("$.config.host")
                .isEqualTo(hostile);
        for (var parameter : List.of("vendor", "status", "health", "workspace_id", "end_user_id")) {
            expect(
                    stack.query()
                            .get()
                            .uri(b -> b.path("/v1/connections")
                                    .queryParam(parameter, hostile)
                                    .queryParam("limit", 5)
                                    .build())
                            .header("Authorization", viewer)
                            .exchange(),
                    List.of(200, 400),
                    "query parameter " + parameter);
        }
        for (var path : List.of(
                "/v1/connections?cursor=" + "%27%20OR%201%3D1",
                "/v1/connections?limit=1%3B%20SELECT",
                "/v1/connections/%27%20OR%201%3D1",
                "/v1/connections/resolve?vendor=x%27&config_name=%27--")) {
            expect(stack.query().get().uri(path).header("Authorization", viewer).exchange(), List.of(400, 404), path);
        }
        expect(
                stack.command()
                        .patch()
                        .uri("/v1/connections/" + id)
                        .header("Authorization", editor)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("display_name", hostile + "2"))
                        .exchange(),
                200,
                "an update with metacharacters");
    }

    private WebTestClient.ResponseSpec post(String bearer, Map<String, Object> body) {
        return stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", bearer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static void expect(WebTestClient.ResponseSpec response, int status, String what) {
        expect(response, List.of(status), what);
    }

    private static void expect(WebTestClient.ResponseSpec response, List<Integer> statuses, String what) {
        tried++;
        var result = response.expectBody(String.class).returnResult();
        assertThat(statuses)
                .as(what + " answered " + result.getStatus() + ": " + result.getResponseBody())
                .contains(result.getStatus().value());
        if (result.getStatus().value() >= 400) {
            assertThat(result.getResponseHeaders().getContentType())
                    .as(what)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    private static String create(String tenant, String name, Map<String, Object> body) {
        return (String) stack.command()
                .post()
                .uri("/v1/connections")
                .header("Authorization", bearer(tenant, "editor"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    }

    private static Map<String, Object> postgresql(String name) {
        return Map.of(
                "vendor",
                "postgresql",
                "config_name",
                name,
                "config",
                Map.of("host", "db", "port", 5432, "database", "d"),
                "credential",
                Map.of("username", "u", "password", "p"));
    }

    private static String bearer(String tenant, String... roles) {
        return "Bearer " + LocalStack.TOKENS.token(tenant, roles);
    }

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.printf("attacks: %d hostile requests tried, each answered as expected%n", tried);
    }
}
