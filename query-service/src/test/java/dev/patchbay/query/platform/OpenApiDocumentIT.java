package dev.patchbay.query.platform;

import dev.patchbay.platform.test.OpenApiDocuments;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI 3.1 document that query-service serves is the one checked in to contracts
 * ({@code openapi/query-service.json}); every operation documents its errors as problem+json with the seed's
 * {@code Detail}, and needs the bearer JWT. To accept a change:
 * {@code mvn -pl query-service verify -Dit.test=OpenApiDocumentIT -Dpatchbay.openapi.write=true}.
 */
class OpenApiDocumentIT extends QueryServiceTestBase {

    @Test
    void theServedDocumentIsTheCheckedInOne() throws Exception {
        OpenApiDocuments.assertMatchesCheckedIn("query-service", served());
    }

    @Test
    void everyOperationDocumentsItsErrorsAsProblemsAndItsSecurity() {
        var operations =
                OpenApiDocuments.assertEveryOperationHasProblemsAndSecurity(OpenApiDocuments.read(served()), List.of());
        assertThat(operations)
                .containsExactlyInAnyOrder(
                        "GET /v1/connections",
                        "GET /v1/connections/{id}",
                        "GET /v1/connections/resolve",
                        "GET /v1/connections/{id}/history",
                        "GET /v1/connections/{id}/webhook-tokens",
                        "GET /v1/connector-types",
                        "POST /v1/admin/projections/rebuild",
                        "GET /v1/admin/projections/rebuild/{rebuildId}");
    }

    @Test
    void readsAreSnakeCase() {
        var schemas = OpenApiDocuments.read(served()).path("components").path("schemas");
        assertThat(schemas.path("ConnectionPage").path("properties").propertyNames())
                .containsExactlyInAnyOrder("data", "has_more", "next_cursor", "total");
        assertThat(schemas.path("ConnectionResource").path("properties").has("config_name"))
                .isTrue();
        assertThat(schemas.path("ConnectorTypeView").path("properties").has("supports_webhooks"))
                .isTrue();
    }

    @Test
    void swaggerUiAnswersWithoutAToken() {
        http.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk();
    }

    /** The first document is generated on demand, which takes seconds on a loaded machine: more than the default 5 s. */
    private String served() {
        return http.mutate()
                .responseTimeout(Duration.ofSeconds(30))
                .build()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
