package dev.patchbay.probe;

import dev.patchbay.platform.test.TestInfrastructure;
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
    }
}
