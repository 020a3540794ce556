package dev.patchbay.command.platform;

import dev.patchbay.vault.SealedSecretStore;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesScan("dev.patchbay.command")
class CommandPlatform {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** The vault's table, read and written by this service alone. */
    @Bean
    SealedSecretStore sealedSecretStore(JdbcClient jdbc) {
        return new SealedSecretStore(jdbc);
    }
}
