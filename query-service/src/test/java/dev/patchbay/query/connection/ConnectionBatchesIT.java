package dev.patchbay.query.connection;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.r2dbc.core.DatabaseClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection projection applies a poll's records in one transaction, on several listener threads: many events
 * of many connections land as one at a time would have them, a record the database refuses skips only itself, and
 * a batch that fails is retried whole without losing anything.
 */
class ConnectionBatchesIT extends QueryServiceTestBase {

    private static final String PROJECTION_LOGGER = ConnectionDescriptorProjection.class.getName();

    /** The projection's log events, with their MDC taken at once. */
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            super.append(event);
        }
    };

    @Autowired
    private KafkaListenerEndpointRegistry listeners;

    @Autowired
    private CommonErrorHandler projectionErrorHandler;

    @Autowired
    private ConnectionFactory connectionFactory;

    /** After the context started: Spring Boot's logging set-up resets logback and would drop the appender. */
    @BeforeEach
    void captureTheProjectionsLog() {
        Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(PROJECTION_LOGGER);
        logs.setContext(logger.getLoggerContext());
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stopCapturing() {
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(PROJECTION_LOGGER)
                .detachAppender(logs);
    }

    @Test
    void theConnectionEventsAreConsumedInBatchesOnThreeThreadsWithTheProjectionsErrorHandler() {
        var descriptors = (ConcurrentMessageListenerContainer<?, ?>)
                listeners.getListenerContainer(ConnectionDescriptorProjection.LISTENER_ID);
        assertThat(descriptors.getConcurrency()).isEqualTo(3);
        assertThat(descriptors.getContainerProperties().getMessageListener()).isInstanceOf(BatchMessageListener.class);
        assertThat(descriptors.getCommonErrorHandler()).isSameAs(projectionErrorHandler);

        // the other listeners keep Boot's factory: a record at a time, with the same handler
        for (var id : List.of("connection-health", "connector-types")) {
            var container = (ConcurrentMessageListenerContainer<?, ?>) listeners.getListenerContainer(id);
            assertThat(container.getContainerProperties().getMessageListener())
                    .as(id)
                    .isInstanceOf(MessageListener.class);
            assertThat(container.getConcurrency()).as(id).isEqualTo(1);
            assertThat(container.getCommonErrorHandler()).as(id).isSameAs(projectionErrorHandler);
        }
    }

    @Test
    void manyEventsOfManyConnectionsOnEveryPartitionLandAsOneAtATimeWouldHaveThem() {
        var tenant = TestTokens.newTenant();
        var connections = new ArrayList<List<ConnectionEvent>>();
        for (int i = 0; i < 36; i++) {
            var created = aConnection(tenant)
                    .withId(onPartition(i % Topics.CONNECTION_EVENTS.partitions()))
                    .named("batched-" + i)
                    .created();
            var events = new ArrayList<ConnectionEvent>(
                    List.of(created, ConnectionFixtures.updated(created, 2, "name-" + i, Map.of("i", i))));
            if (i % 3 == 0) {
                events.add(ConnectionFixtures.revoked(created, events.size() + 1, ConnectionFixtures.FINGERPRINT));
            }
            if (i % 4 == 0) {
                events.add(ConnectionFixtures.tokenMinted(created, events.size() + 1, ConnectionFixtures.newTokenId()));
            }
            if (i % 5 == 0) {
                events.add(ConnectionFixtures.deleted(created, events.size() + 1));
            }
            connections.add(events);
        }
        // interleaved, as the relay would publish concurrent work: every connection's first event, then its second...
        whilePaused(() -> {
            for (int version = 1; version <= 5; version++) {
                for (var events : connections) {
                    if (events.size() >= version) {
                        publish(events.get(version - 1));
                    }
                }
            }
        });
        awaitEverythingConsumed();

        var db = DatabaseClient.create(connectionFactory);
        long live = 0;
        long revoked = 0;
        for (int i = 0; i < connections.size(); i++) {
            var events = connections.get(i);
            var last = events.get(events.size() - 1);
            var history = http.get()
                    .uri("/v1/connections/{id}/history", last.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, admin(tenant))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody()
                    .get("data");
            assertThat((List<?>) history).as("history of connection %d", i).hasSize(events.size());
            if (i % 5 == 0) {
                http.get()
                        .uri("/v1/connections/{id}", last.connectionId())
                        .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                        .exchange()
                        .expectStatus()
                        .isNotFound();
                continue;
            }
            live++;
            revoked += i % 3 == 0 ? 1 : 0;
            http.get()
                    .uri("/v1/connections/{id}", last.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(events.size())
                    .jsonPath("$.display_name")
                    .isEqualTo("name-" + i)
                    .jsonPath("$.status")
                    .isEqualTo(i % 3 == 0 ? "revoked" : "active");
            http.get()
                    .uri("/v1/connections/{id}/webhook-tokens", last.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.data.length()")
                    .isEqualTo(i % 4 == 0 ? 1 : 0);
        }
        assertThat(total(tenant, "")).isEqualTo(live);
        assertThat(total(tenant, "?status=revoked")).isEqualTo(revoked);

        // one offset row per partition, at the end of what was consumed there
        var ends = endOffsets(Topics.CONNECTION_EVENTS.name(), Topics.CONNECTION_EVENTS.partitions());
        var recorded = db.sql("SELECT partition, next_offset FROM projection_offsets WHERE topic = :topic")
                .bind("topic", Topics.CONNECTION_EVENTS.name())
                .map(row -> Map.entry(
                        new TopicPartition(Topics.CONNECTION_EVENTS.name(), row.get("partition", Integer.class)),
                        row.get("next_offset", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .block();
        assertThat(recorded).isEqualTo(ends);
        assertThat(appliedBatchSizes())
                .as("sizes of the polls applied in one transaction")
                .anySatisfy(size -> assertThat(size).isGreaterThan(1));
    }

    @Test
    void aRecordTheDatabaseRefusesInTheMiddleOfABatchIsSkippedAloneAndTheRestOfTheBatchLands() {
        var tenant = TestTokens.newTenant();
        var refusedName = "refused-" + UUID.randomUUID();
        // The projection's writes meet no such refusal today (what could not be stored is skipped before writing,
        // see ConnectionDescriptorProjection.applicable), so one is made for this test: a check that only this
        // display name fails. It stays (a rebuild copies it, so it refuses the same record there).
        DatabaseClient.create(connectionFactory)
                .sql("ALTER TABLE connections ADD CONSTRAINT "
                        + "test_refuses_" + tenant.replace("-", "_") + " CHECK (display_name IS DISTINCT FROM '"
                        + refusedName + "')")
                .then()
                .block();
        var created = aConnection(tenant).named("poisoned").created();
        var partition = partitionOf(created.connectionId());
        var refused = ConnectionFixtures.updated(created, 2, refusedName, Map.of());
        var after = ConnectionFixtures.updated(created, 3, "after the refusal", Map.of("after", true));
        var neighbours = List.of(
                aConnection(tenant)
                        .withId(onPartition(partition))
                        .named("before")
                        .created(),
                aConnection(tenant)
                        .withId(onPartition(partition))
                        .named("after-1")
                        .created(),
                aConnection(tenant)
                        .withId(onPartition(partition))
                        .named("after-2")
                        .created());

        var sent = new ArrayList<RecordMetadata>();
        whilePaused(() -> {
            sent.add(publish(neighbours.get(0)));
            sent.add(publish(created));
            sent.add(publish(refused));
            sent.add(publish(after));
            sent.add(publish(neighbours.get(1)));
            sent.add(publish(neighbours.get(2)));
        });
        sent.forEach(this::awaitConsumed);

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(3)
                .jsonPath("$.display_name")
                .isEqualTo("after the refusal");
        http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data.length()")
                .isEqualTo(2)
                .jsonPath("$.data[0].version")
                .isEqualTo(1)
                .jsonPath("$.data[1].version")
                .isEqualTo(3);
        for (var neighbour : neighbours) {
            http.get()
                    .uri("/v1/connections/{id}", neighbour.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        assertThat(total(tenant, "")).isEqualTo(4);
        var coordinates = Topics.CONNECTION_EVENTS.name() + "-" + sent.get(2).partition() + "@"
                + sent.get(2).offset();
        assertThat(projectionLog())
                .filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("Skipping a record the database refuses at " + coordinates
                        + " (DataIntegrityViolationException)");
    }

    @Test
    void recordsWithValuesTheDatabaseCannotHoldAreSkippedAloneInsteadOfStoppingTheirPartition() {
        // PostgreSQL's text and jsonb cannot hold U+0000; command-service refuses it, but a record from elsewhere
        // (an older build, another producer) must not stop every connection of its partition for ever
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).named("nul-bytes").created();
        var partition = partitionOf(created.connectionId());
        var inText = ConnectionFixtures.updated(created, 2, "nul\u0000in-text", Map.of());
        var inJson = ConnectionFixtures.updated(created, 3, "fine", Map.of("k", "nul\u0000in-json"));
        var after = ConnectionFixtures.updated(created, 4, "after the nul bytes", Map.of());
        var neighbour = aConnection(tenant)
                .withId(onPartition(partition))
                .named("neighbour")
                .created();

        var sent = new ArrayList<RecordMetadata>();
        whilePaused(() -> List.<ConnectionEvent>of(created, inText, inJson, after, neighbour)
                .forEach(event -> sent.add(publish(event))));
        sent.forEach(this::awaitConsumed);

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(4)
                .jsonPath("$.display_name")
                .isEqualTo("after the nul bytes");
        http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.data[*].version")
                .isEqualTo(List.of(1, 4));
        http.get()
                .uri("/v1/connections/{id}", neighbour.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        var skipped = List.of(sent.get(1), sent.get(2)).stream()
                .map(s -> "Skipping a record the database refuses at " + Topics.CONNECTION_EVENTS.name() + "-"
                        + s.partition() + "@" + s.offset() + " (")
                .toList();
        assertThat(projectionLog())
                .filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .allSatisfy(message -> assertThat(skipped)
                        .anySatisfy(prefix -> assertThat(message).startsWith(prefix)));
    }

    @Test
    void aBatchThatFailsIsRetriedWholeUntilItLandsAndNothingOfItIsLost() {
        var failing = TestTokens.newTenant();
        var bystander = TestTokens.newTenant();
        var db = DatabaseClient.create(connectionFactory);
        // fails every write of the failing tenant's history, as a database that is failing over would: the
        // attempts are counted by a sequence, which a rollback does not undo
        db.sql("CREATE TABLE test_failing_tenants (tenant_id text PRIMARY KEY)")
                .then()
                .block();
        db.sql("CREATE SEQUENCE test_failed_attempts").then().block();
        db.sql("""
                CREATE FUNCTION test_fail_while_listed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT FROM test_failing_tenants WHERE tenant_id = NEW.tenant_id) THEN
                        PERFORM nextval('test_failed_attempts');
                        RAISE EXCEPTION 'failing on purpose' USING ERRCODE = '40001';
                    END IF;
                    RETURN NEW;
                END $$""").then().block();
        db.sql("CREATE TRIGGER test_fail_while_listed BEFORE INSERT ON connection_history FOR EACH ROW "
                        + "EXECUTE FUNCTION test_fail_while_listed()")
                .then()
                .block();
        try {
            db.sql("INSERT INTO test_failing_tenants VALUES (:tenant)")
                    .bind("tenant", failing)
                    .then()
                    .block();
            var created = aConnection(failing).named("fails-first").created();
            var partition = partitionOf(created.connectionId());
            var neighbour = aConnection(bystander)
                    .withId(onPartition(partition))
                    .named("bystander")
                    .created();
            var events = List.<ConnectionEvent>of(
                    created,
                    neighbour,
                    ConnectionFixtures.updated(created, 2, "failing-2", Map.of()),
                    ConnectionFixtures.updated(neighbour, 2, "bystander-2", Map.of()),
                    ConnectionFixtures.updated(neighbour, 3, "bystander-3", Map.of()),
                    ConnectionFixtures.updated(created, 3, "failing-3", Map.of()));
            var sent = new ArrayList<RecordMetadata>();
            whilePaused(() -> events.forEach(event -> sent.add(publish(event))));

            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(db.sql("SELECT last_value FROM test_failed_attempts")
                                    .map(row -> row.get(0, Long.class))
                                    .one()
                                    .block())
                            .as("attempts")
                            .isGreaterThanOrEqualTo(2));
            // the bystander's records come after the failing creation on the same partition: none of them may
            // have landed while it fails
            http.get()
                    .uri("/v1/connections/{id}", neighbour.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(bystander))
                    .exchange()
                    .expectStatus()
                    .isNotFound();

            db.sql("DELETE FROM test_failing_tenants").then().block();
            sent.forEach(this::awaitConsumed);

            http.get()
                    .uri("/v1/connections/{id}", created.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(failing))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(3)
                    .jsonPath("$.display_name")
                    .isEqualTo("failing-3");
            http.get()
                    .uri("/v1/connections/{id}", neighbour.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(bystander))
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(3)
                    .jsonPath("$.display_name")
                    .isEqualTo("bystander-3");
            for (var pair : List.of(Map.entry(failing, created), Map.entry(bystander, neighbour))) {
                http.get()
                        .uri("/v1/connections/{id}/history", pair.getValue().connectionId())
                        .header(HttpHeaders.AUTHORIZATION, viewer(pair.getKey()))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .jsonPath("$.data[*].version")
                        .isEqualTo(List.of(1, 2, 3));
                assertThat(total(pair.getKey(), "")).isEqualTo(1);
            }
            assertThat(projectionLog())
                    .filteredOn(e -> e.getLevel() == Level.ERROR)
                    .isEmpty();
        } finally {
            db.sql("DROP TRIGGER IF EXISTS test_fail_while_listed ON connection_history")
                    .then()
                    .block();
            db.sql("DROP FUNCTION IF EXISTS test_fail_while_listed()").then().block();
            db.sql("DROP TABLE IF EXISTS test_failing_tenants").then().block();
            db.sql("DROP SEQUENCE IF EXISTS test_failed_attempts").then().block();
        }
    }

    /** Publishes while the projection's consumers are paused, so that what is published comes in few polls. */
    private void whilePaused(Runnable publishing) {
        var container = listeners.getListenerContainer(ConnectionDescriptorProjection.LISTENER_ID);
        container.pause();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(container.isContainerPaused()).isTrue());
            publishing.run();
        } finally {
            container.resume();
        }
    }

    /** The partition the producer gives a connection's events (Kafka's default partitioner: murmur2 of the key). */
    static int partitionOf(ConnectionId id) {
        return Utils.toPositive(Utils.murmur2(id.toString().getBytes(StandardCharsets.UTF_8)))
                % Topics.CONNECTION_EVENTS.partitions();
    }

    /** A new connection id whose events go to that partition. */
    static ConnectionId onPartition(int partition) {
        for (; ; ) {
            var id = new ConnectionId(UUID.randomUUID());
            if (partitionOf(id) == partition) {
                return id;
            }
        }
    }

    private List<Integer> appliedBatchSizes() {
        return projectionLog().stream()
                .filter(e -> e.getMessage().startsWith("A poll of "))
                .map(e -> (Integer) e.getArgumentArray()[0])
                .toList();
    }

    private List<ILoggingEvent> projectionLog() {
        synchronized (logs) {
            return List.copyOf(logs.list);
        }
    }

    private long total(String tenant, String query) {
        var body = http.get()
                .uri("/v1/connections" + query)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((Number) body.get("total")).longValue();
    }
}
