package dev.patchbay.command.relay;

import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

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

    /**
     * Each batch of the relay is one database transaction: its token, stored as the batch starts, and its positions,
     * stored once Kafka has acknowledged every record, commit together after both, or not at all.
     * <p>
     * Named here because Axon's Spring Boot auto-configuration does not give it one on Boot 4 (it orders itself after
     * Boot 3's transaction auto-configuration, finds no transaction manager yet, and falls back to none). Without a
     * transaction the processor stores the token on its own, in auto-commit, before the relay has waited for Kafka's
     * acknowledgements: a process killed in between, or a batch whose records Kafka refused, left a token past events
     * that never reached the topic, and they were lost.
     */
    @Bean
    ConfigurerModule relayBatchIsOneTransaction(PlatformTransactionManager transactions) {
        var relayTransactions = new SpringTransactionManager(transactions);
        return configurer -> configurer.eventProcessing(processing ->
                processing.registerTransactionManager(KafkaRelay.PROCESSING_GROUP, configuration -> relayTransactions));
    }
}
