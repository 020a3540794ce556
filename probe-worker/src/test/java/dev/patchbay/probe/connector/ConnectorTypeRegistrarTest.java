package dev.patchbay.probe.connector;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class ConnectorTypeRegistrarTest {

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);
    private final ConnectorCatalog catalog = new ConnectorCatalog(
            List.of(new PluggyConnector(connectors.http), new PostgresqlConnector(connectors.jdbc)),
            new ConnectorProperties(java.util.Map.of()));
    private final AtomicBoolean brokerUp = new AtomicBoolean();
    private final KafkaAdmin admin = mock(KafkaAdmin.class);

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, byte[]> kafka = mock(KafkaTemplate.class);

    private final ConnectorTypeRegistrar registrar = new ConnectorTypeRegistrar(
            catalog,
            kafka,
            admin,
            new RegistrationProperties(Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMillis(40)));
    private final ConnectorTypesHealthIndicator health = new ConnectorTypesHealthIndicator(registrar);

    ConnectorTypeRegistrarTest() {
        when(admin.initialize()).thenAnswer(invocation -> brokerUp.get());
        when(kafka.send(any(ProducerRecord.class)))
                .thenAnswer(invocation -> brokerUp.get()
                        ? CompletableFuture.completedFuture(new SendResult<>(invocation.getArgument(0), null))
                        : CompletableFuture.failedFuture(new TimeoutException("Topic not present in metadata")));
    }

    @Test
    void theWorkerIsNotHealthyBeforeItsTypesAreRegistered() {
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void anAbsentBrokerIsRetriedUntilItAcknowledges() throws InterruptedException {
        registrar.start();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((int) down.getDetails().get("failed_attempts")).isGreaterThanOrEqualTo(2);
            assertThat(down.getDetails().get("last_error")).asString().contains("the topics could not be created");
        });

        brokerUp.set(true);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var up = health.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails().get("vendors")).isEqualTo(List.of("pluggy", "postgresql"));
        });
        registrar.stop();
    }

    @Test
    void aReachableBrokerIsAskedOnceForEachType() {
        brokerUp.set(true);

        registrar.registerUntilAcknowledged();

        assertThat(registrar.state())
                .isInstanceOfSatisfying(
                        RegistrationState.Registered.class,
                        registered -> assertThat(registered.attempts()).isEqualTo(1));
        verify(kafka, times(2)).send(any(ProducerRecord.class));
    }

    @Test
    void stoppingEndsTheRetries() {
        registrar.start();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> registrar.state() instanceof RegistrationState.Pending p && p.failedAttempts() > 0);

        registrar.stop();

        assertThat(registrar.isRunning()).isFalse();
        assertThat(registrar.state()).isInstanceOf(RegistrationState.Pending.class);
    }
}
