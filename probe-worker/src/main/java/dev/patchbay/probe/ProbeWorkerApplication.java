package dev.patchbay.probe;

import dev.patchbay.platform.EventLoops;
import dev.patchbay.platform.PatchbayTopics;
import dev.patchbay.vault.VaultConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Import;

import java.util.Map;

/**
 * The probe worker: registers the connector types it can check, runs the live checks that probe requests ask for
 * ({@code connection}), renews OAuth2 tokens ({@code refresh}), serves the proxy ({@code proxy}) and otherwise
 * nothing but health and metrics. It opens sealed credentials with the same vault keys as command-service and reads
 * the vault's rows read-only, but for one write: a refresher's staged renewal, on a small pool of its own.
 *
 * <p>The platform jar brings Spring Security onto the classpath for the HTTP services; the worker has no API, so
 * Boot's reactive security is switched off rather than left to lock the actuator behind a generated password.
 */
@SpringBootApplication(
        exclude = {
            ReactiveWebSecurityAutoConfiguration.class,
            ReactiveUserDetailsServiceAutoConfiguration.class,
            ReactiveManagementWebSecurityAutoConfiguration.class,
            ReactiveOAuth2ResourceServerAutoConfiguration.class,
            ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration.class
        })
@ConfigurationPropertiesScan
@Import({PatchbayTopics.class, VaultConfiguration.class})
public class ProbeWorkerApplication {

    public static void main(String[] args) {
        EventLoops.onePerCore();
        application().run(args);
    }

    /**
     * The worker reads {@code probe-worker.yml}, not {@code application.yml}: the three services may share one
     * classpath (end-to-end tests), and each must find its own configuration.
     */
    static SpringApplication application() {
        var application = new SpringApplication(ProbeWorkerApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "probe-worker"));
        return application;
    }
}
