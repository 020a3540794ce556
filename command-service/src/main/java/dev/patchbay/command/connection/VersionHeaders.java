package dev.patchbay.command.connection;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.StringSchema;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a command endpoint whose success answer carries {@code ETag} and {@code Consistency-Token}
 * ({@link ConnectionController#versionHeaders}); the OpenAPI document gets both headers on its 2xx responses from
 * here, written once instead of on every endpoint.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface VersionHeaders {

    /** Adds the two headers to the 2xx responses of every operation marked {@link VersionHeaders}. */
    @Configuration(proxyBeanMethods = false)
    class Documented {

        @Bean
        OperationCustomizer versionHeadersDocumented() {
            return (Operation operation, org.springframework.web.method.HandlerMethod handler) -> {
                if (handler.hasMethodAnnotation(VersionHeaders.class) && operation.getResponses() != null) {
                    operation.getResponses().forEach((code, response) -> {
                        if (code.startsWith("2")) {
                            response.addHeaderObject(
                                    "ETag",
                                    new Header()
                                            .description("The connection's version")
                                            .schema(new StringSchema())
                                            .style(Header.StyleEnum.SIMPLE));
                            response.addHeaderObject(
                                    ConnectionController.CONSISTENCY_TOKEN,
                                    new Header()
                                            .description("Send it on a read from query-service to read this write")
                                            .schema(new StringSchema())
                                            .style(Header.StyleEnum.SIMPLE));
                        }
                    });
                }
                return operation;
            };
        }
    }
}
