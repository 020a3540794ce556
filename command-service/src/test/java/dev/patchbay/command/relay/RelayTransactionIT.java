package dev.patchbay.command.relay;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.command.support.ServiceOnItsOwnBroker;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay stores a batch's token only with the batch: once Kafka has acknowledged every record of it, in the
 * transaction that stores its positions. Here Kafka acknowledges nothing (the broker is frozen with SIGSTOP, and the
 * producer's delivery timeout is shortened to a few seconds), so the batch fails; the stored token must still be
 * before its event, which reaches the topic once the broker answers again. A token stored ahead of the batch is what
 * a process killed while waiting for Kafka leaves behind: its restart would begin after events that never reached
 * the topic (seen in e2e FaultToleranceIT: a connection's version 3 missing from the topic for good).
 */
@SpringBootTest(
        classes = CommandServiceApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            CommandServiceApplication.CONFIG_NAME,
            "logging.file.name=target/logs/command-service-it.log",
            "logging.threshold.console=OFF",
            "logging.logback.rollingpolicy.max-file-size=1GB",
            "patchbay.log-format=json",
            "patchbay.recheck.enabled=false",
            "spring.kafka.producer.properties.delivery.timeout.ms=6000",
            "spring.kafka.producer.properties.request.timeout.ms=5000"
        })
@Import(RelayTransactionIT.SendFailures.class)
class RelayTransactionIT {

    private static final ServiceOnItsOwnBroker STACK = new ServiceOnItsOwnBroker("relay_tx");

    /** The keys of the records Kafka did not acknowledge. */
    private static final Set<Object> UNACKNOWLEDGED = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Serializer serializer;

    @TestConfiguration
    static class SendFailures {

        /** In place of Boot's logging listener: notes the records whose send failed. */
        @Bean
        ProducerListener<Object, Object> unacknowledgedRecords() {
            return new ProducerListener<>() {
                @Override
                public void onError(ProducerRecord<Object, Object> record, RecordMetadata metadata, Exception failure) {
                    UNACKNOWLEDGED.add(record.key());
                }
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        STACK.register(registry);
    }

    @AfterAll
    static void stopBroker() {
        STACK.broker.close();
    }

    @Test
    void aBatchKafkaDidNotAcknowledgeLeavesTheStoredTokenBeforeItsEvents() {
        var tenant = TestTokens.newTenant();
        var client = STACK.healthyClient(port);
        var acknowledged = STACK.create(client, tenant, "acknowledged");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> STACK.versionsOnTopic().containsKey(acknowledged));

        String unacknowledged;
        STACK.broker.pause();
        try {
            unacknowledged = STACK.create(client, tenant, "unacknowledged");
            long index = globalIndexOf(unacknowledged);
            // the relay sent the event and Kafka did not acknowledge it within the delivery timeout: the batch fails
            var key = unacknowledged;
            await().atMost(Duration.ofSeconds(60)).until(() -> UNACKNOWLEDGED.contains(key));
            var token = storedToken();
            assertThat(token.getIndex() < index || token.getGaps().contains(index))
                    .as("the stored token %s is before event %d, which Kafka never acknowledged", token, index)
                    .isTrue();
        } finally {
            STACK.broker.resume();
        }
        var published = unacknowledged;
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(STACK.versionsOnTopic().get(published))
                        .as("versions of the connection created while Kafka answered nothing")
                        .containsExactly(1L));
    }

    private long globalIndexOf(String connectionId) {
        return jdbc.sql("SELECT globalIndex FROM DomainEventEntry WHERE aggregateIdentifier = ?")
                .param(connectionId)
                .query(Long.class)
                .single();
    }

    private GapAwareTrackingToken storedToken() {
        return jdbc.sql("SELECT token, tokenType FROM TokenEntry WHERE processorName = ?")
                .param(KafkaRelay.PROCESSING_GROUP)
                .query((rs, n) -> (GapAwareTrackingToken) serializer.deserialize(
                        new SimpleSerializedObject<>(rs.getBytes(1), byte[].class, rs.getString(2), null)))
                .single();
    }
}
