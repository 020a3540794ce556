package dev.patchbay.query.platform;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * The head of query-service's OpenAPI document (served at {@code /v3/api-docs}, checked in as
 * {@code contracts/src/main/resources/openapi/query-service.json}); the operations come from the controllers.
 */
@Configuration(proxyBeanMethods = false)
class QueryOpenApi {

    @Bean
    OpenAPI queryServiceOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Patchbay query-service")
                        .version("v1")
                        .description("Every read of the Patchbay API, from the projections of the connection events: "
                                + "connections, their history and webhook tokens, and the connector types. Writes go to "
                                + "command-service. Every error is application/problem+json (Detail).")
                        .license(new License().name("Proprietary")))
                .servers(List.of(new Server().url("http://127.0.0.1:8081").description("bin/patchbay up")));
    }
}
