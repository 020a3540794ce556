package dev.patchbay.command.platform;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.command.support.ServiceOnItsOwnBroker;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker is killed (SIGKILL) while clients keep writing: every write still succeeds, because it only needs
 * PostgreSQL, and once the broker is back every event reaches the topic, once, in order per connection. A webhook
 * delivery, which must reach Kafka before it is acknowledged, is answered 503 for the vendor to retry.
 * <p>
 * The outage outlasts the time Axon gives the relay's unit of work (shortened here to {@value #RELAY_TIME_LIMIT_MS}
 * ms; five minutes in production): Axon's janitor then interrupts the relay's thread, and a tracking processor that
 * is interrupted shuts itself down. The relay must come back by itself and publish everything.
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
            "axon.timeout.transaction.event-processor.kafka-relay.timeout-ms=" + BrokerOutageIT.RELAY_TIME_LIMIT_MS,
            "axon.timeout.transaction.event-processor.kafka-relay.warning-threshold-ms=2000",
            "axon.timeout.transaction.event-processor.kafka-relay.warning-interval-ms=1000",
            "patchbay.relay.watch-interval=1s"
        })
class BrokerOutageIT {

    static final int RELAY_TIME_LIMIT_MS = 4000;

    private static final ServiceOnItsOwnBroker STACK = new ServiceOnItsOwnBroker("outage");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        STACK.register(registry);
    }

    @AfterAll
    static void stopBroker() {
        STACK.broker.close();
    }

    @Test
    void writesSucceedWhileTheBrokerIsDownAndAllReachItInOrderOnceItIsBack() throws InterruptedException {
        var tenant = TestTokens.newTenant();
        var client = STACK.healthyClient(port);
        var expected = new LinkedHashMap<String, Integer>();
        var before = STACK.create(client, tenant, "before-outage");
        expected.put(before, 1);
        var pluggy = (String) client.post()
                .uri("/v1/connections")
                .header("Authorization", STACK.editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "pluggy",
                        "config_name",
                        "pluggy-main",
                        "base_url",
                        "https://api.pluggy.ai",
                        "account_ref",
                        "item-1",
                        "credential",
                        Map.of("client_id", "c", "secret", "s")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        var token = (String) client.post()
                .uri("/v1/webhooks/tokens")
                .header("Authorization", STACK.editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("vendor", "pluggy", "connection_config_name", "pluggy-main"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("token");
        expected.put(pluggy, 2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> STACK.versionsOnTopic().containsKey(before));

        STACK.broker.kill();
        var started = Instant.now();
        for (int i = 0; i < 6; i++) {
            var id = STACK.create(client, tenant, "during-outage-" + i);
            client.patch()
                    .uri("/v1/connections/" + id)
                    .header("Authorization", STACK.editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("display_name", "v2"))
                    .exchange()
                    .expectStatus()
                    .isOk();
            expected.put(id, 2);
        }
        client.post()
                .uri("/v1/connections/" + before + "/revoke")
                .header("Authorization", STACK.editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();
        expected.put(before, 2);
        var writingTook = Duration.between(started, Instant.now());
        // long enough for the janitor to interrupt the relay's waiting batch, and for the relay to retry after that
        var rest = Duration.ofMillis(2L * RELAY_TIME_LIMIT_MS).minus(writingTook);
        if (!rest.isNegative()) {
            Thread.sleep(rest.toMillis());
        }
        client.post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\",\"itemId\":\"item-1\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .valueEquals("Retry-After", "5");
        STACK.broker.restart();
        client.post()
                .uri("/v1/webhooks/pluggy/{token}", token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"event\":\"item/updated\",\"itemId\":\"item-1\"}")
                .exchange()
                .expectStatus()
                .isAccepted();

        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var onTopic = STACK.versionsOnTopic();
                    expected.forEach((id, version) -> {
                        var versions = onTopic.get(id);
                        assertThat(versions)
                                .as("versions of %s on the topic", id)
                                .isNotNull();
                        var wanted = new ArrayList<Long>();
                        for (long v = 1; v <= version; v++) {
                            wanted.add(v);
                        }
                        assertThat(versions)
                                .as("versions of %s, in order, once each", id)
                                .isEqualTo(wanted);
                    });
                });
        assertThat(writingTook)
                .as("writes during the outage were not held up by the broker")
                .isLessThan(Duration.ofSeconds(60));
    }

    /**
     * A frozen broker keeps the relay's batch waiting for acknowledgements, past the time Axon allows it: the janitor
     * interrupts the relay there, while the batch commits. Nothing may be lost, and nothing published twice.
     */
    @Test
    void aBrokerThatStopsAnsweringForLongerThanTheRelaysTimeLimitLosesNothing() throws InterruptedException {
        var tenant = TestTokens.newTenant();
        var client = STACK.healthyClient(port);
        var first = STACK.create(client, tenant, "before-freeze");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> STACK.versionsOnTopic().containsKey(first));
        var expected = new ArrayList<String>(List.of(first));
        STACK.broker.pause();
        try {
            for (int i = 0; i < 4; i++) {
                expected.add(STACK.create(client, tenant, "during-freeze-" + i));
            }
            Thread.sleep(2L * RELAY_TIME_LIMIT_MS);
        } finally {
            STACK.broker.resume();
        }
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var onTopic = STACK.versionsOnTopic();
                    assertThat(expected)
                            .allSatisfy(id -> assertThat(onTopic.get(id))
                                    .as("versions of %s on the topic", id)
                                    .isEqualTo(List.of(1L)));
                });
    }
}
