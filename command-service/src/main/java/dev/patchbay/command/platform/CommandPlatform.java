package dev.patchbay.command.platform;

import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
@ConfigurationPropertiesScan("dev.patchbay.command")
class CommandPlatform {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
