package dev.patchbay.query.platform;

import dev.patchbay.platform.consistency.ConsistencyTokens;
import dev.patchbay.platform.json.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * What the query-service features share: settings, event decoding, the consistency gate, cursor signing, and how
 * the projections listen.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(QueryProperties.class)
class QueryPlatform {

    private static final Logger log = LoggerFactory.getLogger(QueryPlatform.class);

    static final String SOURCE = "/patchbay/query-service";

    @Bean
    EventCodec eventCodec() {
        return new EventCodec(SOURCE);
    }

    @Bean
    EventRecords eventRecords(EventCodec codec) {
        return new EventRecords(codec);
    }

    @Bean
    ConsistencyGate consistencyGate(AppliedVersions versions, ConsistencyTokens tokens, QueryProperties properties) {
        return new ConsistencyGate(versions, tokens, properties.consistencyWait());
    }

    @Bean
    CursorSigner cursorSigner(QueryProperties properties) {
        if (properties.cursorKey() != null) {
            return new CursorSigner(properties.cursorKey().getBytes(StandardCharsets.UTF_8));
        }
        log.warn("patchbay.query.cursor-key is not set: pagination cursors are signed with a random key, so they "
                + "will not survive a restart nor work across instances. Set PATCHBAY_QUERY_CURSOR_KEY (32+ chars, "
                + "the same on every instance) outside local development.");
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new CursorSigner(key);
    }

    /**
     * The listener containers of the connection projection ({@code containerFactory} of its listener): batch
     * listeners, {@code patchbay.query.projection-concurrency} of them, and otherwise as Spring Boot configures
     * every container from {@code spring.kafka.listener.*}, with {@link #projectionErrorHandler()}, the one
     * {@link CommonErrorHandler} here. The other listeners keep Boot's record-at-a-time factory.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> connectionEventsListenerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<?, ?> consumerFactory,
            QueryProperties properties) {
        var factory = new ConcurrentKafkaListenerContainerFactory<Object, Object>();
        @SuppressWarnings("unchecked")
        var consumers = (ConsumerFactory<Object, Object>) consumerFactory;
        configurer.configure(factory, consumers);
        factory.setBatchListener(true);
        factory.setConcurrency(properties.projectionConcurrency());
        // The projection observes each record of a batch itself, in the record's trace; the container's own timer
        // of whole batches would be a second "spring.kafka.listener" meter with other tags.
        factory.getContainerProperties().setMicrometerEnabled(false);
        return factory;
    }

    /**
     * A record (or, for the connection projection, a batch) that fails to project is retried with backoff for as
     * long as it takes (the database may be down; skipping would lose the event from the read side), except when
     * the database refuses it as such: that one is logged by its coordinates and skipped. The connection projection
     * finds such a record itself, so that a refusal never reaches this handler with a whole batch. Unreadable
     * records never get here: {@link EventRecords} skips them.
     */
    @Bean
    CommonErrorHandler projectionErrorHandler() {
        var backOff = new ExponentialBackOff(100, 2.0);
        backOff.setMaxInterval(10_000);
        var handler = new DefaultErrorHandler(backOff);
        handler.addNotRetryableExceptions(DataIntegrityViolationException.class);
        return handler;
    }
}
