package dev.patchbay.probe;

import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker as it runs, started once for every IT that extends this (one Spring context, so one member of the
 * consumer group): its real main method, the real KRaft broker, a fresh database with command-service's vault
 * tables, its own vault keys, and the loopback network allowed so that checks reach the local peers.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
abstract class RunningWorker {

    static final String VAULT_KEY = TestVaults.randomKey();
    static final String FINGERPRINT_KEY = TestVaults.randomKey();
    static final TestInfrastructure.Database VAULT_DB = TestVaults.vaultDatabase("probe_worker");
    static final TestTokens TOKENS = new TestTokens();
    static final int PROXY_PORT = freePort();

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void worker(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", TestInfrastructure::kafkaBootstrapServers);
        registry.add("spring.datasource.url", VAULT_DB::jdbcUrl);
        registry.add("spring.datasource.username", VAULT_DB::username);
        registry.add("patchbay.vault.key", () -> VAULT_KEY);
        registry.add("patchbay.vault.fingerprint-key", () -> FINGERPRINT_KEY);
        registry.add("patchbay.probe.allowed-networks", () -> "127.0.0.0/8");
        // the aggregators' stand-ins listen here: an operator's setting, as for a regional host
        registry.add("patchbay.connectors.hosts.pluggy", () -> "127.0.0.1");
        registry.add("patchbay.connectors.hosts.belvo", () -> "127.0.0.1");
        registry.add("patchbay.probe.connect-timeout", () -> "2s");
        registry.add("patchbay.probe.check-timeout", () -> "4s");
        // the proxy's listener, with its bounds small enough for ProxyIT to reach each of them
        TOKENS.properties().forEach((name, value) -> registry.add(name, () -> value));
        registry.add("patchbay.proxy.enabled", () -> "true");
        registry.add("patchbay.proxy.port", () -> PROXY_PORT);
        registry.add("patchbay.proxy.max-request-body", () -> "64KB");
        registry.add("patchbay.proxy.max-response-body", () -> "256KB");
        registry.add("patchbay.proxy.first-byte-timeout", () -> "2s");
        registry.add("patchbay.proxy.total-timeout", () -> "15s");
        registry.add("patchbay.proxy.connection-concurrency", () -> "2");
        registry.add("patchbay.proxy.tenant-concurrency", () -> "6");
    }
}
