package dev.patchbay.command.platform;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.platform.test.OpenApiDocuments;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI 3.1 document that command-service serves is the one checked in to contracts
 * ({@code openapi/command-service.json}), its mint schemas and error schema are the seed API's, every operation
 * documents its errors as problem+json, and every operation but the webhook receiver needs the bearer JWT.
 * To accept a change: {@code mvn -pl command-service verify -Dit.test=OpenApiDocumentIT -Dpatchbay.openapi.write=true}.
 */
class OpenApiDocumentIT extends CommandServiceTestBase {

    @Test
    void theServedDocumentIsTheCheckedInOne() throws Exception {
        OpenApiDocuments.assertMatchesCheckedIn("command-service", served());
    }

    @Test
    void mintAndErrorSchemasAreTheSeedApis() throws Exception {
        var schemas = OpenApiDocuments.canonical(OpenApiDocuments.read(served()))
                .path("components")
                .path("schemas");
        for (var name : List.of("MintRequest", "MintResponse", "Detail", "ErrorDetail")) {
            assertThat(schemas.path(name)).as(name).isEqualTo(OpenApiDocuments.seedSchema(name));
        }
        var mint = OpenApiDocuments.read(served())
                .path("paths")
                .path("/v1/discovery/webhooks/tokens")
                .path("post");
        assertThat(mint.path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .isEqualTo("#/components/schemas/MintRequest");
        assertThat(mint.path("responses")
                        .path("201")
                        .path("content")
                        .path("application/json")
                        .path("schema")
                        .path("$ref")
                        .asString())
                .isEqualTo("#/components/schemas/MintResponse");
    }

    @Test
    void everyOperationDocumentsItsErrorsAsProblemsAndItsSecurity() throws Exception {
        var operations = OpenApiDocuments.assertEveryOperationHasProblemsAndSecurity(
                OpenApiDocuments.read(served()), List.of("POST /v1/webhooks/{vendor}/{token}"));
        assertThat(operations)
                .contains(
                        "POST /v1/connections",
                        "PATCH /v1/connections/{id}",
                        "DELETE /v1/connections/{id}",
                        "POST /v1/connections/{id}/revoke",
                        "PUT /v1/connections/{id}/webhook-secret",
                        "POST /v1/connections/test",
                        "POST /v1/connections/{id}/test",
                        "POST /v1/webhooks/tokens",
                        "POST /v1/discovery/webhooks/tokens",
                        "DELETE /v1/webhooks/tokens/{tokenId}",
                        "POST /v1/webhooks/{vendor}/{token}",
                        "POST /v1/admin/vault/reseal");
    }

    @Test
    void swaggerUiAnswersWithoutAToken() {
        client().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        client().get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
    }

    private String served() {
        return client().get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
