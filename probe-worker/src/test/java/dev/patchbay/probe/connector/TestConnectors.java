package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.probe.check.DestinationGuard;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.JdbcProbe;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every connector, wired as the application wires them, for given probe settings. */
final class TestConnectors {

    /** Short timeouts and the loopback network allowed: what the tests against local peers run with. */
    static final ProbeProperties LOCAL = ProbeProperties.defaults()
            .withAllowedNetworks("127.0.0.0/8")
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3));

    final DestinationGuard guard;
    final HttpProbe http;
    final JdbcProbe jdbc;
    final ProbeProperties properties;

    TestConnectors(ProbeProperties properties) {
        this(properties, new DestinationGuard(properties));
    }

    TestConnectors(ProbeProperties properties, DestinationGuard guard) {
        this.properties = properties;
        this.guard = guard;
        this.http = new HttpProbe(guard, properties);
        this.jdbc = new JdbcProbe(guard, properties);
    }

    List<Connector> all() {
        return List.of(
                new BelvoConnector(http),
                new KafkaConnector(guard, properties),
                new MysqlConnector(jdbc),
                new OAuth2Connector(http),
                new PluggyConnector(http),
                new PostgresqlConnector(jdbc),
                new RestApiConnector(http),
                new WebhookConnector(http));
    }

    static ProbeTarget target(String vendor, String baseUrl, Map<String, Object> config) {
        return new ProbeTarget(new ConnectionId(UUID.randomUUID()), vendor, baseUrl, config);
    }

    static Credential credential(String... namesAndValues) {
        var fields = new java.util.LinkedHashMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return Credential.of(fields);
    }
}
