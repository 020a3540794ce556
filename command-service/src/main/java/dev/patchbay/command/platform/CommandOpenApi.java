package dev.patchbay.command.platform;

import dev.patchbay.vault.Credential;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;
import java.util.Set;

/**
 * The head of command-service's OpenAPI document (served at {@code /v3/api-docs}, checked in as
 * {@code contracts/src/main/resources/openapi/command-service.json}); the operations come from the controllers.
 */
@Configuration(proxyBeanMethods = false)
class CommandOpenApi {

    static {
        // A credential is read from JSON but never written: its schema is the request's, an object of strings.
        SpringDocUtils.getConfig()
                .replaceWithSchema(
                        Credential.class,
                        new JsonSchema()
                                .types(Set.of("object"))
                                .additionalProperties(new JsonSchema().types(Set.of("string")))
                                .addProperty(
                                        "expires_at",
                                        new JsonSchema()
                                                .types(Set.of("string"))
                                                .format("date-time")
                                                .description("When the credential stops working (RFC 3339); not "
                                                        + "secret, not sealed: shown as credential.expires_at. At "
                                                        + "that time the connection becomes expired, unless an "
                                                        + "OAuth2 refresher renews it first."))
                                .addProperty(
                                        "expires_in",
                                        new JsonSchema()
                                                .types(Set.of("integer"))
                                                .minimum(java.math.BigDecimal.ONE)
                                                .description("The same as seconds from the request; not with "
                                                        + "expires_at. Malformed, both, not positive or already past: "
                                                        + "400 invalid_expiry (PBAY-0012)."))
                                .description(
                                        "The connector type's secret_fields (GET /v1/connector-types), each a string, any "
                                                + "of its optional_secret_fields, and no others; optionally expires_at "
                                                + "or expires_in. Sealed at once; never returned, logged or published."));
    }

    @Bean
    OpenAPI commandServiceOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Patchbay command-service")
                        .version("v1")
                        .description(
                                "Every write of the Patchbay API: connections (create, update, rotate, revoke, delete), "
                                        + "live tests, webhook tokens and the webhook receiver. Reads are served by query-service. "
                                        + "Every error is application/problem+json (Detail).")
                        .license(new License().name("Proprietary")))
                .servers(List.of(new Server().url("http://127.0.0.1:8080").description("bin/patchbay up")));
    }
}
