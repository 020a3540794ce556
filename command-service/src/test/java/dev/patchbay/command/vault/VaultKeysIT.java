package dev.patchbay.command.vault;

import dev.patchbay.command.CommandServiceApplication;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Key rotation with two local keys: rows sealed under the old key keep opening while the new key seals; a reseal
 * moves every row to the new key while the service serves; then the old key can go. A wrong key, or a missing one,
 * stops the service at start with a message that says so.
 */
class VaultKeysIT {

    private static final TestTokens TOKENS = new TestTokens();
    private static final String FINGERPRINT_KEY = randomKey();

    private final TestInfrastructure.Database database = TestInfrastructure.freshDatabase("vault_keys");
    private final String tenant = TestTokens.newTenant();

    @Test
    void oldRowsOpenUntilResealedAndAWrongOrMissingKeyStopsTheService() throws Exception {
        var k1 = randomKey();
        var k2 = randomKey();

        try (var first = start(Map.of("patchbay.vault.key", k1, "patchbay.vault.key-name", "local-1"))) {
            registerConnectorType();
            var client = client(first);
            var id = create(client, "sealed-under-k1");
            client.put()
                    .uri("/v1/connections/" + id + "/webhook-secret")
                    .header("Authorization", editor())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("secret", "s".repeat(20)))
                    .exchange()
                    .expectStatus()
                    .isOk();
            create(client, "also-under-k1");
        }
        assertThat(keysOfRows()).containsOnly("local-1").hasSize(3);

        try (var second = start(Map.of(
                "patchbay.vault.key",
                k2,
                "patchbay.vault.key-name",
                "local-2",
                "patchbay.vault.previous-keys[0].name",
                "local-1",
                "patchbay.vault.previous-keys[0].key",
                k1))) {
            assertAllRowsOpen(second.getBean(Vault.class));
            var client = client(second);
            create(client, "sealed-under-k2");
            assertThat(keysOfRows()).containsOnly("local-1", "local-2");
            // a reseal spans every tenant: no tenant's token reaches it, not even an admin's
            client.post()
                    .uri("/v1/admin/vault/reseal")
                    .header("Authorization", editor())
                    .exchange()
                    .expectStatus()
                    .isUnauthorized();
            client.post()
                    .uri("/v1/admin/vault/reseal")
                    .header("Authorization", "Bearer " + TOKENS.token(tenant, "admin"))
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0101");
            assertThat(keysOfRows()).containsOnly("local-1", "local-2");
            client.post()
                    .uri("/v1/admin/vault/reseal")
                    .header("Authorization", "Bearer " + TOKENS.operatorToken())
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.key_name")
                    .isEqualTo("local-2")
                    .jsonPath("$.resealed")
                    .isEqualTo(3)
                    .jsonPath("$.unreadable")
                    .isEqualTo(0)
                    .jsonPath("$.remaining")
                    .isEqualTo(0);
        }
        assertThat(keysOfRows()).containsOnly("local-2").hasSize(4);

        try (var third = start(Map.of("patchbay.vault.key", k2, "patchbay.vault.key-name", "local-2"))) {
            assertAllRowsOpen(third.getBean(Vault.class));
        }

        assertThatThrownBy(() -> start(Map.of("patchbay.vault.key", randomKey(), "patchbay.vault.key-name", "local-2")))
                .hasStackTraceContaining("is not the key that sealed this vault's secrets")
                .hasStackTraceContaining("key check value");
        assertThatThrownBy(() -> start(Map.of("patchbay.vault.key", randomKey(), "patchbay.vault.key-name", "local-3")))
                .hasStackTraceContaining("sealed under [local-2], which are not configured");
    }

    private void assertAllRowsOpen(Vault vault) {
        var rows = jdbc().sql("SELECT connection_id::text, purpose, version, tenant_id, ciphertext, destination "
                        + "FROM sealed_secrets")
                .query()
                .listOfRows();
        assertThat(rows).isNotEmpty();
        for (var row : rows) {
            var context = new SealingContext(
                    TenantId.of((String) row.get("tenant_id")),
                    ConnectionId.of((String) row.get("connection_id")),
                    (Integer) row.get("version"),
                    (String) row.get("purpose"),
                    (String) row.get("destination"));
            try (var secret = vault.open((byte[]) row.get("ciphertext"), context)) {
                assertThat(secret.fieldNames()).isNotEmpty();
            }
        }
    }

    private List<String> keysOfRows() {
        return jdbc().sql("SELECT key_name FROM sealed_secrets")
                .query(String.class)
                .list();
    }

    private JdbcClient jdbc() {
        var dataSource = new org.springframework.jdbc.datasource.DriverManagerDataSource(
                database.jdbcUrl(), database.username(), "");
        return JdbcClient.create(dataSource);
    }

    private ConfigurableApplicationContext start(Map<String, String> vault) {
        var properties = new HashMap<String, Object>(vault);
        properties.put("spring.config.name", "command-service");
        properties.put("server.port", "0");
        properties.put("logging.file.name", "target/logs/command-service-it.log");
        properties.put("logging.threshold.console", "OFF");
        properties.put("logging.logback.rollingpolicy.max-file-size", "1GB");
        properties.put("patchbay.log-format", "json");
        properties.put("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("patchbay.vault.fingerprint-key", FINGERPRINT_KEY);
        properties.putAll(TOKENS.properties());
        // As arguments, not default properties: those would lose to command-service.yml.
        return new SpringApplicationBuilder(CommandServiceApplication.class)
                .run(properties.entrySet().stream()
                        .map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toArray(String[]::new));
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        var client = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> client.get()
                        .uri("/actuator/health")
                        .exchange()
                        .expectStatus()
                        .isOk());
        return client;
    }

    private String create(WebTestClient client, String name) {
        return (String) client.post()
                .uri("/v1/connections")
                .header("Authorization", editor())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "vendor",
                        "postgresql",
                        "config_name",
                        name,
                        "config",
                        Map.of("host", "db", "port", 5432, "database", "d"),
                        "credential",
                        Map.of("username", "u", "password", "p-" + UUID.randomUUID())))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    }

    private String editor() {
        return "Bearer " + TOKENS.token(tenant, "editor");
    }

    private static void registerConnectorType() throws Exception {
        try (var producer = new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var type = new ConnectorTypeRegistered(
                    "postgresql",
                    "database",
                    "PostgreSQL",
                    List.of("host", "port", "database"),
                    List.of("username", "password"),
                    false,
                    Instant.now(),
                    List.of("database"),
                    List.of());
            producer.send(new EventCodec("/patchbay/test")
                            .record(Topics.CONNECTOR_TYPES, type.vendor(), type, EventCodec.Envelope.of(type.vendor())))
                    .get();
        }
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
