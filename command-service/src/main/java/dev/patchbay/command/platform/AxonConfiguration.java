package dev.patchbay.command.platform;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Objects;

/**
 * Axon on PostgreSQL without Hibernate: the JDBC event storage engine and token store, Jackson 2 serialisation
 * (Axon 4 does not speak Boot 4's Jackson 3, and XStream cannot read records back), an event store that the
 * command path can wake once its own transaction has committed, and snapshots of the aggregates, so that a command
 * on a connection with years of events does not replay all of them.
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

    private static final AnnotationRevisionResolver REVISIONS = new AnnotationRevisionResolver();

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
        var serializer = JacksonSerializer.builder()
                .objectMapper(mapper())
                .defaultTyping()
                .build();
        // after Axon's own module, so that this deserializer of metadata is the one found
        serializer
                .getObjectMapper()
                .registerModule(new SimpleModule("patchbay-metadata")
                        .addDeserializer(MetaData.class, new CachedMetaDataDeserializer()));
        return serializer;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * A snapshot is the aggregate itself, whose state lives in private fields without accessors (an aggregate
     * exposes decisions, not getters): so this serialiser reads and writes fields, and nothing else. Unknown
     * properties fail here, unlike for events: a snapshot that no longer fits the class is better refused (Axon then
     * replays the events) than read with a field silently left empty. The aggregate's {@code @Revision} says when
     * old snapshots stop fitting.
     */
    private static Serializer snapshots() {
        var mapper = mapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setVisibility(PropertyAccessor.ALL, Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, Visibility.ANY)
                .setVisibility(PropertyAccessor.CREATOR, Visibility.ANY);
        return JacksonSerializer.builder().objectMapper(mapper).defaultTyping().build();
    }

    /**
     * Whether a stored snapshot still fits its aggregate class: its revision is the class's {@code @Revision}
     * today. Axon's own configurer would add this filter for each aggregate, but only to an event store it builds
     * itself, which this one is not.
     */
    private static boolean ofCurrentRevision(DomainEventData<?> snapshot) {
        var type = snapshot.getPayload().getType();
        try {
            var aggregate = Class.forName(type.getName(), false, AxonConfiguration.class.getClassLoader());
            return Objects.equals(type.getRevision(), REVISIONS.revisionOf(aggregate));
        } catch (ClassNotFoundException gone) {
            return false;
        }
    }

    /**
     * When a connection's state is saved as a snapshot: once this many events were replayed or applied since the
     * last one. Loading then reads the snapshot and the events after it, so a command costs the same on a
     * connection with a long history as on a new one; the snapshot itself is taken after the command's commit, on a
     * thread and in a transaction of its own ({@link SnapshotWork}).
     */
    @Bean
    SnapshotWork snapshotWork() {
        return new SnapshotWork();
    }

    /**
     * Axon's own snapshotter (as its auto-configuration declares it), but on {@link SnapshotWork} and with a
     * transaction of its own: Axon's transaction manager here is none (only the relay has one), so a snapshot ran in
     * whatever transaction its thread had, the command's.
     */
    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(
            org.axonframework.config.Configuration axon,
            HandlerDefinition handlerDefinition,
            ParameterResolverFactory parameterResolverFactory,
            EventStore eventStore,
            PlatformTransactionManager transactions,
            SnapshotterSpanFactory spans,
            SnapshotWork work) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(axon::repository)
                .transactionManager(new SpringTransactionManager(transactions))
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spans)
                .executor(work)
                .build();
    }

    @Bean
    SnapshotTriggerDefinition connectionSnapshots(
            Snapshotter snapshotter, @Value("${patchbay.command.snapshot-every:100}") int eventsPerSnapshot) {
        return new EventCountSnapshotTriggerDefinition(snapshotter, eventsPerSnapshot);
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
                .snapshotSerializer(snapshots())
                .snapshotFilter(AxonConfiguration::ofCurrentRevision)
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
