package dev.patchbay.platform.consistency;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The signer of {@code Consistency-Token}s, shared by the service that issues them and the one that checks them. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsistencyProperties.class)
public class ConsistencyConfiguration {

    @Bean
    ConsistencyTokens consistencyTokens(ConsistencyProperties properties) {
        return new ConsistencyTokens(properties.keyBytes(), Clock.systemUTC());
    }
}
