package dev.patchbay.platform;

import dev.patchbay.platform.consistency.ConsistencyConfiguration;
import dev.patchbay.platform.observability.PatchbayObservability;
import dev.patchbay.platform.openapi.PatchbayOpenApi;
import dev.patchbay.platform.security.JwtProperties;
import dev.patchbay.platform.security.OperatorProperties;
import dev.patchbay.platform.security.PatchbaySecurity;
import dev.patchbay.platform.web.WebPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What every Patchbay HTTP service imports: JWT security (tenants' and operators'), signed consistency tokens,
 * problem+json, the strict JSON dialect, the topics, the OpenAPI document's shared parts, and observability (broker health, redacted request observations, access log).
 * Imported from the application class (not auto-configured) so that Boot's own security defaults back off.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({JwtProperties.class, OperatorProperties.class})
@Import({
    PatchbaySecurity.class,
    WebPlatform.class,
    PatchbayTopics.class,
    PatchbayOpenApi.class,
    PatchbayObservability.class,
    ConsistencyConfiguration.class
})
public class PatchbayPlatform {}
