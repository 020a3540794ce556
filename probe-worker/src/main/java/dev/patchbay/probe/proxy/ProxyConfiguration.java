package dev.patchbay.probe.proxy;

import dev.patchbay.platform.security.JwtProperties;
import dev.patchbay.platform.security.TenantTokens;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.ConnectionBreakers;
import dev.patchbay.probe.check.CredentialRenewal;
import dev.patchbay.probe.check.UpstreamHttp;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.Vault;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import reactor.core.scheduler.Schedulers;

/**
 * The proxy, when {@code patchbay.proxy.enabled}: it then needs the trusted keys of tenants' tokens
 * ({@code patchbay.security.jwt.*}, as command-service and query-service have them). Without it the worker runs
 * checks only, as before.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "patchbay.proxy", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(JwtProperties.class)
class ProxyConfiguration {

    /** Closed with the context (its retry thread). */
    @Bean
    ProxyAudit proxyAudit(KafkaTemplate<String, byte[]> kafka, MeterRegistry meters, ProxyProperties properties) {
        return new ProxyAudit(kafka, meters, properties.auditRetry());
    }

    @Bean
    ProxyServer proxyServer(
            JwtProperties jwt,
            JdbcClient jdbc,
            Checks checks,
            Vault vault,
            ConnectionBreakers breakers,
            UpstreamHttp upstream,
            ProxyAudit audit,
            ProxyProperties properties,
            ObjectProvider<CredentialRenewal> renewal) {
        var blocking = Schedulers.newBoundedElastic(properties.threads(), Integer.MAX_VALUE, "proxy");
        var handler = new ProxyHandler(
                TenantTokens.of(jwt),
                new LiveConnectionRows(jdbc),
                checks,
                new SealedSecretStore(jdbc),
                vault,
                breakers,
                upstream,
                audit,
                properties,
                blocking,
                renewal.getIfAvailable());
        return new ProxyServer(handler, properties, blocking);
    }
}
