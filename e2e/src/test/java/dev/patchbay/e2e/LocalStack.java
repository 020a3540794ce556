package dev.patchbay.e2e;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.probe.ProbeWorkerApplication;
import dev.patchbay.query.QueryServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three services as they run in production, but in one JVM: each with its own Spring context, its own
 * configuration file and database, talking only through the real Kafka broker and PostgreSQL. Started once per
 * test run.
 */
final class LocalStack {

    static final TestTokens TOKENS = new TestTokens();
    static final String LOG_FILE = "target/logs/e2e.log";

    private static LocalStack started;

    final TestInfrastructure.Database commandDb = TestInfrastructure.freshDatabase("e2e_command");
    final TestInfrastructure.Database queryDb = TestInfrastructure.freshDatabase("e2e_query");
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final int commandPort;
    private final int queryPort;

    private LocalStack() {
        System.setProperty("logging.file.name", LOG_FILE);
        var common = new HashMap<String, Object>();
        common.put("server.port", "0");
        common.put("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
        common.put("patchbay.vault.key", randomKey());
        common.put("patchbay.vault.fingerprint-key", randomKey());
        common.putAll(TOKENS.properties());

        start(ProbeWorkerApplication.class, "probe-worker", common, Map.of());
        commandPort = port(start(CommandServiceApplication.class, "command-service", common, Map.of(
                "spring.datasource.url", commandDb.jdbcUrl(), "spring.datasource.username", commandDb.username(),
                "patchbay.probe.allow-insecure-http", "true")));
        queryPort = port(start(QueryServiceApplication.class, "query-service", common, Map.of(
                "spring.r2dbc.url", queryDb.r2dbcUrl(), "spring.r2dbc.username", queryDb.username(),
                "spring.flyway.url", queryDb.jdbcUrl(), "spring.flyway.user", queryDb.username())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> contexts.forEach(ConfigurableApplicationContext::close)));
    }

    static synchronized LocalStack get() {
        if (started == null) {
            started = new LocalStack();
        }
        return started;
    }

    private ConfigurableApplicationContext start(Class<?> application, String name, Map<String, Object> common,
            Map<String, Object> own) {
        var properties = new HashMap<>(common);
        properties.putAll(own);
        properties.put("spring.config.name", name);
        // As arguments, not default properties: those would lose to the service's own configuration file.
        var context = new SpringApplicationBuilder(application).run(properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new));
        contexts.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    WebTestClient command() {
        return client(commandPort);
    }

    WebTestClient query() {
        return client(queryPort);
    }

    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
