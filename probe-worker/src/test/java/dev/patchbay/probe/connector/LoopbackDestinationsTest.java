package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.probe.check.ProbeTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no network allowed, every check refuses every form of a loopback address as {@code blocked_destination}
 * before it opens any connection: a server on 127.0.0.1 at the very port named counts zero connections.
 */
class LoopbackDestinationsTest {

    private static final List<String> LOOPBACK_FORMS = List.of(
            "127.0.0.1",
            "127.0.0.2",
            "2130706433",
            "0177.0.0.1",
            "0x7f.0.0.1",
            "0x7f000001",
            "127.1",
            "127.0.1",
            "localhost",
            "LOCALHOST.",
            "db.localhost",
            "[::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[::127.0.0.1]",
            "[64:ff9b::7f00:1]");

    private final CountingPort server = new CountingPort();
    private final TestConnectors connectors = new TestConnectors(ProbeProperties.defaults());

    LoopbackDestinationsTest() throws IOException {}

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void everyCheckRefusesEveryLoopbackFormWithoutConnecting() {
        int checks = 0;
        for (var connector : connectors.all()) {
            for (var host : LOOPBACK_FORMS) {
                var outcome = connector.run(
                        target(connector, host),
                        TestConnectors.credential(
                                "client_id",
                                "id",
                                "secret",
                                "s3cret",
                                "username",
                                "postgres",
                                "password",
                                "pw",
                                "token",
                                "t0ken",
                                "signing_secret",
                                "whsec",
                                "client_secret",
                                "cs",
                                "access_token",
                                "at"));
                assertThat(outcome.failure())
                        .as(connector.type().vendor() + " at " + host)
                        .isEqualTo(Failure.BLOCKED_DESTINATION);
                assertThat(outcome.error().code()).isEqualTo("blocked_destination");
                checks++;
            }
        }
        assertThat(checks).isEqualTo(8 * LOOPBACK_FORMS.size());
        assertThat(server.accepted()).isZero();
    }

    @Test
    void theMetadataServiceIsRefusedEvenWhereLoopbackIsAllowed() {
        var allowing =
                new TestConnectors(ProbeProperties.defaults().withAllowedNetworks("127.0.0.0/8", "169.254.0.0/16"));
        for (var connector : allowing.all()) {
            var outcome = connector.run(
                    target(connector, "169.254.169.254"),
                    TestConnectors.credential(
                            "client_id",
                            "id",
                            "secret",
                            "s",
                            "username",
                            "u",
                            "password",
                            "p",
                            "token",
                            "t",
                            "signing_secret",
                            "w",
                            "client_secret",
                            "cs",
                            "access_token",
                            "at"));
            assertThat(outcome.failure()).as(connector.type().vendor()).isEqualTo(Failure.BLOCKED_DESTINATION);
        }
    }

    private ProbeTarget target(Connector connector, String host) {
        var vendor = connector.type().vendor();
        var bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        switch (connector.type().category()) {
            case DATABASE:
                return TestConnectors.target(
                        vendor, null, Map.of("host", bareHost, "port", server.port(), "database", "postgres"));
            case BROKER:
                return TestConnectors.target(vendor, null, Map.of("bootstrap_servers", host + ":" + server.port()));
            default:
                return TestConnectors.target(vendor, "http://" + host + ":" + server.port(), Map.of());
        }
    }
}
