package dev.patchbay.platform.observability;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.security.config.observation.SecurityObservationSettings;

import java.time.Duration;

/**
 * What every HTTP service shows of itself, and nothing secret: the broker's health for readiness, request
 * observations (metrics and spans) whose URL never holds a webhook token, and an access log of redacted paths.
 */
@Configuration(proxyBeanMethods = false)
public class PatchbayObservability {

    /** {@code kafka} in the health groups: the broker answers a describe-cluster within 2 s, rechecked every 5 s. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin) {
        return new KafkaHealthIndicator(
                admin.getConfigurationProperties(), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    /** Spans carry the request's URL; a webhook delivery's URL holds its token, so it is redacted there. */
    @Bean
    DefaultServerRequestObservationConvention redactingServerRequestObservationConvention() {
        return new RedactingServerRequestObservationConvention();
    }

    /**
     * One observation (a span and the {@code http.server.requests} timer) per request, not one more per security
     * filter, authentication and authorization as well: those cost a read a share of its CPU worth saving
     * (bench/RESULTS.md), while the request's own span already shows a 401 or 403.
     * {@code patchbay.observability.security-spans=true} brings them back.
     */
    @Bean
    @ConditionalOnProperty(name = "patchbay.observability.security-spans", havingValue = "false", matchIfMissing = true)
    SecurityObservationSettings patchbayNoSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Reactor Netty's own access log writes raw paths (webhook tokens included): it stays off whatever system
     * property is set. {@link AccessLog} takes its place.
     */
    @Bean
    NettyServerCustomizer patchbayNoNettyAccessLog() {
        return server -> server.accessLog(false);
    }

    @Bean
    @ConditionalOnProperty(name = "patchbay.access-log.enabled", havingValue = "true")
    AccessLog patchbayAccessLog() {
        return new AccessLog();
    }
}
