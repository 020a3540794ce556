package dev.patchbay.command.platform;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Axon on PostgreSQL without Hibernate: the JDBC event storage engine and token store, Jackson 2 serialisation
 * (Axon 4 does not speak Boot 4's Jackson 3, and XStream cannot read records back), and an event store that the
 * command path can wake once its own transaction has committed.
 */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

    /** How long the relay idles between looks at the event store when no commit has woken it. */
    private static final long IDLE_FETCH_DELAY_MS = 500;

    /**
     * How many recent events the event store keeps in memory for the relay, which tails it. Axon's default, 10,000,
     * was most of the service's live heap (71 MB after a full GC under creates); a few seconds of creates is enough
     * for a relay that keeps up, and one that falls further behind reads the events from PostgreSQL.
     */
    private static final int CACHED_EVENTS = 1_000;

    @Bean
    @Primary
    Serializer serializer() {
        return jackson();
    }

    @Bean
    @Qualifier("eventSerializer")
    Serializer eventSerializer() {
        return jackson();
    }

    @Bean
    @Qualifier("messageSerializer")
    Serializer messageSerializer() {
        return jackson();
    }

    private static Serializer jackson() {
        var mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return JacksonSerializer.builder().objectMapper(mapper).defaultTyping().build();
    }

    /**
     * Axon's own JDBC auto-configuration does not activate under Boot 4 (it orders itself against Boot 3's
     * DataSource auto-configuration), and without it Axon would keep tracking tokens in memory and replay the whole
     * event store to Kafka after every restart. So the JDBC pieces are declared here.
     */
    @Bean
    ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        return new UnitOfWorkAwareConnectionProviderWrapper(new SpringDataSourceConnectionProvider(dataSource));
    }

    @Bean
    TokenStore tokenStore(ConnectionProvider connections, Serializer serializer) {
        return JdbcTokenStore.builder()
                .connectionProvider(connections)
                .schema(new TokenSchema())
                .serializer(serializer)
                .claimTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Bean
    EventStorageEngine eventStorageEngine(
            Serializer serializer,
            @Qualifier("eventSerializer") Serializer events,
            ConnectionProvider connections,
            TransactionManager transactions) {
        PersistenceExceptionResolver duplicates = new JdbcSQLErrorCodesResolver();
        return JdbcEventStorageEngine.builder()
                .snapshotSerializer(serializer)
                .eventSerializer(events)
                .persistenceExceptionResolver(duplicates)
                .connectionProvider(connections)
                .transactionManager(transactions)
                .build();
    }

    @Bean
    CommittedEventStore eventStore(EventStorageEngine storageEngine) {
        return new CommittedEventStore(storageEngine, IDLE_FETCH_DELAY_MS, CACHED_EVENTS);
    }
}
