package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RequestValidationIT extends CommandServiceTestBase {

    private final String tenant = TestTokens.newTenant();

    @Test
    void everyErrorIsAProblemWithExactlyTheMembersOfTheDetailSchema() {
        var problem = post(Map.of("vendor", "postgresql"))
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();

        assertThat(problem).containsOnlyKeys("type", "title", "status", "detail", "instance", "code", "errors");
        assertThat(problem)
                .containsEntry("status", 400)
                .containsEntry("code", "PBAY-0001")
                .containsEntry("title", "validation_failed")
                .containsEntry("instance", "/v1/connections")
                .containsEntry("type", "https://patchbay.dev/problems/validation-failed");
    }

    @Test
    void anUnknownFieldIsRefusedAndNamed() {
        var body = postgresql("unknown-field", "pw");
        body.put("tenant_id", "someone-else");
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.tenant_id");
    }

    @Test
    void allFieldErrorsOfARequestAreReportedAtOnce() {
        var body = postgresql("Bad Name!", "pw");
        body.put("scope", "workspace");
        body.put("display_name", "x".repeat(129));
        body.put("metadata", Map.of("api_key", "should-not-be-here"));
        var errors = post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("errors");

        assertThat(errors.toString())
                .contains("body.config_name", "body.workspace_id", "body.display_name", "body.metadata.api_key")
                .doesNotContain("should-not-be-here");
    }

    @Test
    void credentialKeysMustBeExactlyTheTypesSecretFieldsAndNoValueIsEchoed() {
        var body = postgresql("keys", "pw");
        body.put("credential", Map.of("username", "app", "pass", "canary-in-wrong-key"));
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0002")
                .jsonPath("$.title")
                .isEqualTo("keys_mismatch")
                .consumeWith(result -> assertThat(new String(result.getResponseBody()))
                        .doesNotContain("canary-in-wrong-key")
                        .contains("body.credential.password"));
    }

    @Test
    void aCredentialValueOfTheWrongTypeIsNamedButNeverEchoed() {
        var body = postgresql("types", "pw");
        body.put("credential", Map.of("username", "app", "password", 987654321));
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.credential.password")
                .consumeWith(result ->
                        assertThat(new String(result.getResponseBody())).doesNotContain("987654321"));
    }

    @Test
    void anUnregisteredVendorIsRefusedWithItsOwnCode() {
        var body = postgresql("nope", "pw");
        body.put("vendor", "oracle");
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0005")
                .jsonPath("$.errors[0].value")
                .isEqualTo("oracle");
    }

    @Test
    void aRestVendorNeedsAnHttpsBaseUrlWithoutUserInfoWhichIsNeverEchoed() {
        var body = new HashMap<String, Object>(Map.of(
                "vendor",
                "pluggy",
                "config_name",
                "pluggy-main",
                "credential",
                Map.of("client_id", "id", "secret", "s")));
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.base_url");

        body.put("base_url", "https://user:canary-pw@api.pluggy.ai");
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].message")
                .isEqualTo("must not contain user info; credentials go in credential")
                .consumeWith(result ->
                        assertThat(new String(result.getResponseBody())).doesNotContain("canary-pw"));

        body.put("base_url", "https://api.pluggy.ai/");
        post(body)
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.base_url")
                .isEqualTo("https://api.pluggy.ai");
    }

    @Test
    void metadataIsCappedAt64Keys() {
        var body = postgresql("meta", "pw");
        var metadata = new HashMap<String, Object>();
        IntStream.range(0, 65).forEach(i -> metadata.put("k" + i, i));
        body.put("metadata", metadata);
        post(body)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.metadata");
    }

    @Test
    void metadataIsCappedAt32KiBSerialisedOnCreateAndUpdate() {
        // {"note":"..."} is 11 bytes around the value
        var over = Map.<String, Object>of("note", "x".repeat(32 * 1024 - 10));
        var atLimit = Map.<String, Object>of("note", "x".repeat(32 * 1024 - 11));
        var tooBig = postgresql("meta-big", "pw");
        tooBig.put("metadata", over);
        post(tooBig)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.metadata")
                .jsonPath("$.errors[0].message")
                .isEqualTo("is 32769 bytes serialised; at most 32768 are allowed");
        var fits = postgresql("meta-fits", "pw");
        fits.put("metadata", atLimit);
        var id = (String) post(fits)
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");

        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("metadata", over))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.metadata")
                .jsonPath("$.errors[0].message")
                .isEqualTo("is 32769 bytes serialised; at most 32768 are allowed");
        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("metadata", Map.of("note", "small")))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aNulCharacterAnywhereInConfigOrMetadataIsRefusedOnCreateAndUpdate() {
        var inValue = postgresql("nul-value", "pw");
        inValue.put("metadata", Map.of("nested", Map.of("list", List.of("fine", "nul\u0000byte"))));
        post(inValue)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.metadata");
        var inKey = postgresql("nul-key", "pw");
        inKey.put(
                "config",
                Map.of("host", "db.internal", "port", 5432, "database", "dw", "options", Map.of("nul\u0000key", "x")));
        post(inKey)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.config");

        var id = (String) post(postgresql("nul-later", "pw"))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("metadata", Map.of("k", "a\u0000b")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.metadata");
        // other control characters stay allowed in values (a CA certificate in config has newlines)
        var newlines = postgresql("newlines", "pw");
        newlines.put("metadata", Map.of("note", "line one\nline two\ttabbed"));
        post(newlines).expectStatus().isCreated();
    }

    @Test
    void aSecretLikeKeyAtAnyDepthOfConfigOrMetadataIsRefusedByItsFullPathOnCreateAndUpdate() {
        var nested = postgresql("nested-secrets", "pw");
        nested.put(
                "config",
                Map.of(
                        "host",
                        "db.internal",
                        "port",
                        5432,
                        "database",
                        "dw",
                        "headers",
                        Map.of("Authorization", "Bearer canary-config-header", "Accept", "json")));
        nested.put(
                "metadata",
                Map.of(
                        "upstreams",
                        List.of(
                                Map.of("name", "a"),
                                Map.of("name", "b", "auth", Map.of("client_secret", "canary-metadata-array")))));
        var created = post(nested)
                .expectStatus()
                .isBadRequest()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(created).containsEntry("code", "PBAY-0001");
        assertThat(locations(created))
                .containsExactlyInAnyOrder(
                        "body.config.headers.Authorization", "body.metadata.upstreams[1].auth.client_secret");
        assertThat(created.toString()).doesNotContain("canary-");

        var id = (String) post(postgresql("nested-later", "pw"))
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        var patched = client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "config",
                                Map.of(
                                        "host",
                                        "db.internal",
                                        "port",
                                        5432,
                                        "database",
                                        "dw",
                                        "pools",
                                        List.of(List.of(Map.of("api-key", "canary-patch-config")))),
                        "metadata", Map.of("vendor", Map.of("oauth", Map.of("refresh_token", "canary-patch-meta")))))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(locations(patched))
                .containsExactlyInAnyOrder(
                        "body.config.pools[0][0].api-key", "body.metadata.vendor.oauth.refresh_token");
        assertThat(patched.toString()).doesNotContain("canary-");
        // a value that mentions a secret is no secret key: nested plain keys stay allowed
        var fine = postgresql("nested-fine", "pw");
        fine.put("metadata", Map.of("docs", List.of(Map.of("note", "the token is in credential"))));
        post(fine).expectStatus().isCreated();
    }

    @SuppressWarnings("unchecked")
    private static List<String> locations(Map<?, ?> problem) {
        return ((List<Map<String, Object>>) problem.get("errors"))
                .stream().map(error -> (String) error.get("location")).toList();
    }

    @Test
    void malformedJsonWrongMediaTypeAndOversizedBodiesAreProblemsToo() {
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"vendor\": ")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001");
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("vendor=postgresql")
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0008");
        var big = postgresql("big", "pw");
        big.put("display_name", "x".repeat(1024 * 1024 + 10));
        post(big).expectStatus().isEqualTo(413).expectBody().jsonPath("$.code").isEqualTo("PBAY-0007");
    }

    @Test
    void anUnknownRouteIsANotFoundProblem() {
        client().get()
                .uri("/v1/nothing-here")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
    }

    @Test
    void theScopeDecidesWhichIdsAreRequiredAndNamesAreUniquePerScope() {
        var organization = postgresql("per-scope", "pw");
        post(organization).expectStatus().isCreated();
        var workspace = postgresql("per-scope", "pw");
        workspace.put("scope", "workspace");
        workspace.put("workspace_id", "ws-1");
        post(workspace)
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.workspace_id")
                .isEqualTo("ws-1");
        post(workspace).expectStatus().isEqualTo(HttpStatus.CONFLICT);
        var user = postgresql("per-scope", "pw");
        user.put("scope", "user");
        post(user)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.end_user_id");
    }

    private WebTestClient.ResponseSpec post(Map<String, Object> body) {
        return client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
