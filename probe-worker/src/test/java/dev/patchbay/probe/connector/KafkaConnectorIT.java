package dev.patchbay.probe.connector;

import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka check against the real broker of this test run, and against ports where no broker answers. */
class KafkaConnectorIT {

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);

    @Test
    void theRealBrokerIsHealthy() {
        assertThat(check(Map.of("bootstrap_servers", TestInfrastructure.kafkaBootstrapServers())))
                .isEqualTo(Outcome.healthy());
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        var outcome = check(Map.of("bootstrap_servers", "127.0.0.1:" + CountingPort.closedPort()));

        assertThat(outcome.failure()).isEqualTo(Failure.UNREACHABLE);
    }

    @Test
    void aPortThatAcceptsButSpeaksNoKafkaIsATimeout() throws Exception {
        try (var silent = new CountingPort()) {
            long started = System.nanoTime();
            var outcome = check(Map.of("bootstrap_servers", "127.0.0.1:" + silent.port()));

            assertThat(outcome.failure()).isEqualTo(Failure.TIMEOUT);
            assertThat(silent.accepted()).isPositive();
            assertThat(System.nanoTime() - started).isLessThan(10_000_000_000L);
        }
    }

    @Test
    void oneReachableBootstrapAddressIsEnough() throws Exception {
        var outcome = check(Map.of(
                "bootstrap_servers",
                "127.0.0.1:" + CountingPort.closedPort() + "," + TestInfrastructure.kafkaBootstrapServers()));

        assertThat(outcome).isEqualTo(Outcome.healthy());
    }

    @Test
    void unknownProtocolsMechanismsAndMalformedServersAreUnusableConfig() throws Exception {
        try (var port = new CountingPort()) {
            var server = "127.0.0.1:" + port.port();
            for (var config : new Map[] {
                Map.of("bootstrap_servers", server, "security_protocol", "SSL"),
                Map.of("bootstrap_servers", server, "security_protocol", "SASL_SSL", "sasl_mechanism", "GSSAPI"),
                Map.of("bootstrap_servers", "no-port-here"),
                Map.of("bootstrap_servers", " , "),
                Map.of("bootstrap_servers", "127.0.0.1:99999"),
                Map.of()
            }) {
                @SuppressWarnings("unchecked")
                var outcome = check((Map<String, Object>) config);
                assertThat(outcome.error().message()).as(config.toString()).contains("configuration");
            }
            assertThat(port.accepted()).isZero();
        }
    }

    @Test
    void saslOverPlaintextNeedsTlsModeDisableElseNothingIsSent() throws Exception {
        try (var port = new CountingPort()) {
            var server = "127.0.0.1:" + port.port();
            for (var mechanism : new String[] {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}) {
                for (var config : List.<Map<String, Object>>of(
                        Map.of(
                                "bootstrap_servers",
                                server,
                                "security_protocol",
                                "SASL_PLAINTEXT",
                                "sasl_mechanism",
                                mechanism),
                        Map.of(
                                "bootstrap_servers",
                                server,
                                "security_protocol",
                                "SASL_PLAINTEXT",
                                "sasl_mechanism",
                                mechanism,
                                "tls_mode",
                                "verify-full"))) {
                    assertThat(check(config).error().message())
                            .as(config.toString())
                            .contains("configuration");
                }
            }
            assertThat(port.accepted()).isZero();

            var chosen = check(
                    Map.of("bootstrap_servers", server, "security_protocol", "SASL_PLAINTEXT", "tls_mode", "disable"));
            assertThat(chosen.failure()).isEqualTo(Failure.TIMEOUT);
            assertThat(port.accepted()).isPositive();
        }
    }

    @Test
    void anUnknownTlsModeIsUnusableConfigEvenWithoutSasl() throws Exception {
        try (var port = new CountingPort()) {
            var outcome = check(Map.of("bootstrap_servers", "127.0.0.1:" + port.port(), "tls_mode", "prefer"));

            assertThat(outcome.error().message()).contains("configuration");
            assertThat(port.accepted()).isZero();
        }
    }

    @Test
    void aBrokerAdvertisingAnAddressOutsideTheAllowedNetworksIsNeverDialled() throws Exception {
        // Only 127.0.0.1 is allowed; the broker, reached there, says it is at 127.0.0.2, where a port counts who comes.
        var onlyFirstLoopback = new TestConnectors(TestConnectors.LOCAL.withAllowedNetworks("127.0.0.1/32"));
        try (var advertised = CountingPort.on("127.0.0.2");
                var broker = KafkaBrokerProcess.startAdvertising(advertised.hostAndPort())) {
            var outcome = check(onlyFirstLoopback, Map.of("bootstrap_servers", broker.externalBootstrapServers()));

            assertThat(outcome.failure()).isEqualTo(Failure.BLOCKED_DESTINATION);
            assertThat(advertised.accepted()).isZero();
        }
    }

    private Outcome check(Map<String, Object> config) {
        return check(connectors, config);
    }

    private static Outcome check(TestConnectors connectors, Map<String, Object> config) {
        var connector = connectors.all().stream()
                .filter(c -> c.type().vendor().equals("kafka"))
                .findFirst()
                .orElseThrow();
        try (var credential = TestConnectors.credential("username", "probe", "password", "secret")) {
            return connector.run(TestConnectors.target("kafka", null, config), credential);
        }
    }
}
