package dev.patchbay.e2e;

import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The three services as they run in production: each from its own fat jar in its own JVM, with its own database,
 * talking only through the real Kafka broker and PostgreSQL. Started once per test run.
 */
final class LocalStack {

    static final TestTokens TOKENS = new TestTokens();
    /**
     * A tenant whose connections command-service re-checks every minute (the shortest period it takes), so that a
     * test's connections also get scheduled checks and health changes while it runs.
     */
    static final String RECHECKED_TENANT = TestTokens.newTenant();

    static final Path LOGS = Path.of("target", "logs");

    private static LocalStack started;

    /** A broker of this stack's own, in its own process, so that a test can kill it. */
    final KafkaBrokerProcess broker = KafkaBrokerProcess.start();

    final TestInfrastructure.Database commandDb = TestInfrastructure.freshDatabase("e2e_command");
    final TestInfrastructure.Database queryDb = TestInfrastructure.freshDatabase("e2e_query");
    final ServiceProcess probeWorker;
    /** Where probe-worker serves the proxy (issue 22): a listener of its own, beside its actuator port. */
    final int proxyPort = ServiceProcess.freePort();

    final ServiceProcess commandService;
    final ServiceProcess queryService;

    private LocalStack() {
        var common = new HashMap<String, String>();
        common.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        common.put("patchbay.vault.key", randomKey());
        common.put("patchbay.vault.fingerprint-key", randomKey());
        common.put("patchbay.query.cursor-key", randomKey());
        common.put("patchbay.probe.allowed-networks", "127.0.0.0/8");
        common.put("patchbay.probe.allow-insecure-http", "true");
        // the tenants' and the operators' token keys, and the Consistency-Token key that command-service (which signs)
        // and query-service (which checks) must share
        common.putAll(TOKENS.properties());

        commandService = ServiceProcess.create(
                "command-service",
                with(
                        common,
                        Map.of(
                                "spring.datasource.url",
                                commandDb.jdbcUrl(),
                                "spring.datasource.username",
                                commandDb.username(),
                                "patchbay.probe.allow-insecure-http",
                                "true",
                                "patchbay.probe.timeout",
                                "10s",
                                "patchbay.recheck.tenant-periods." + RECHECKED_TENANT,
                                "1m")),
                LOGS);
        queryService = ServiceProcess.create(
                "query-service",
                with(
                        common,
                        Map.of(
                                "spring.r2dbc.url",
                                queryDb.r2dbcUrl(),
                                "spring.r2dbc.username",
                                queryDb.username(),
                                "spring.flyway.url",
                                queryDb.jdbcUrl(),
                                "spring.flyway.user",
                                queryDb.username())),
                LOGS);
        // The stand-in vendors listen on loopback: for the aggregators, an operator's setting (a tenant cannot
        // point Pluggy or Belvo at another host).
        probeWorker = ServiceProcess.create(
                "probe-worker",
                with(
                        common,
                        Map.of(
                                "spring.datasource.url",
                                commandDb.jdbcUrl(),
                                "spring.datasource.username",
                                commandDb.username(),
                                "patchbay.connectors.hosts.pluggy",
                                "api.pluggy.ai,127.0.0.1",
                                "patchbay.connectors.hosts.belvo",
                                "api.belvo.com,127.0.0.1",
                                "patchbay.proxy.enabled",
                                "true",
                                "patchbay.proxy.port",
                                Integer.toString(proxyPort))),
                LOGS);
        // Whatever happens next, nothing this stack starts outlives the test run.
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        try {
            // command-service first, until it lives: it owns the database the probe worker reads (its migrations
            // make the vault). It is ready only once a probe worker has registered the connector types.
            commandService.start(Duration.ofSeconds(120), "/actuator/health/liveness");
            var others = List.of(
                    CompletableFuture.runAsync(() -> probeWorker.start(Duration.ofSeconds(120))),
                    CompletableFuture.runAsync(() -> queryService.start(Duration.ofSeconds(120))));
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).join();
            commandService.awaitHealthy(Duration.ofSeconds(60));
        } catch (RuntimeException failedToStart) {
            stop();
            throw failedToStart;
        }
    }

    private void stop() {
        List.of(probeWorker, commandService, queryService).forEach(ServiceProcess::kill);
        broker.close();
    }

    static synchronized LocalStack get() {
        if (started == null) {
            started = new LocalStack();
        }
        return started;
    }

    WebTestClient command() {
        return client(commandService);
    }

    WebTestClient query() {
        return client(queryService);
    }

    /** probe-worker's proxy listener. */
    WebTestClient proxy() {
        return WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + proxyPort)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static WebTestClient client(ServiceProcess service) {
        return WebTestClient.bindToServer()
                .baseUrl(service.baseUrl())
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static Map<String, String> with(Map<String, String> common, Map<String, String> own) {
        var all = new HashMap<>(common);
        all.putAll(own);
        return all;
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
