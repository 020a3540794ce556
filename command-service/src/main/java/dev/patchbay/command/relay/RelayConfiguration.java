package dev.patchbay.command.relay;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class RelayConfiguration {

    /**
     * Handler errors in the relay stop it and retry the batch; Axon's default for handlers (log and go on) would
     * advance past an event that never reached Kafka.
     */
    @Bean
    ConfigurerModule relayErrorsPropagate() {
        return configurer -> configurer.eventProcessing(processing -> processing.registerListenerInvocationErrorHandler(
                KafkaRelay.PROCESSING_GROUP, configuration -> PropagatingErrorHandler.instance()));
    }
}
