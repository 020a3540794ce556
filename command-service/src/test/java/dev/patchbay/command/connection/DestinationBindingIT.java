package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 19's two-request attack, first half: an editor points a stored credential somewhere else with a PATCH that
 * carries no credential. For every connector type and every field that decides where bytes go, that PATCH is 400
 * {@code PBAY-0010} and changes nothing; with the complete credential it is a rotation, sealed for the new
 * destination only. Changes that do not move the credential need none.
 */
class DestinationBindingIT extends CommandServiceTestBase {

    /** Fresh for every connection the loops make: the tests' quota is 5 connections a tenant. */
    private String tenant = TestTokens.newTenant();

    private final String canary = "canary-" + UUID.randomUUID();

    @Autowired
    private Vault vault;

    /** One connector type, a connection of it, and one change of its destination. */
    private record Move(
            String vendor,
            String baseUrl,
            Map<String, Object> config,
            Map<String, String> credential,
            Map<String, Object> change,
            String location) {}

    private List<Move> moves() {
        var database = Map.<String, Object>of("host", "db.internal", "port", 5432, "database", "dw");
        var pg = Map.of("username", "app", "password", canary);
        var kafka = Map.<String, Object>of(
                "bootstrap_servers", "k1.internal:9093,k2.internal:9093", "security_protocol", "SASL_SSL");
        var kafkaCredential = Map.of("username", "app", "password", canary);
        var key = Map.of("client_id", "id-1", "secret", canary);
        return List.of(
                new Move(
                        "postgresql",
                        null,
                        database,
                        pg,
                        Map.of("config", with(database, "host", "collector.attacker.example")),
                        "body.config"),
                new Move(
                        "postgresql",
                        null,
                        database,
                        pg,
                        Map.of("config", with(database, "port", 15432)),
                        "body.config"),
                new Move(
                        "postgresql",
                        null,
                        database,
                        pg,
                        Map.of("config", with(database, "tls_mode", "disable")),
                        "body.config"),
                new Move(
                        "mysql",
                        null,
                        database,
                        pg,
                        Map.of("config", with(database, "host", "10.0.0.9")),
                        "body.config"),
                new Move(
                        "kafka",
                        null,
                        kafka,
                        kafkaCredential,
                        Map.of("config", with(kafka, "bootstrap_servers", "collector.attacker.example:9092")),
                        "body.config"),
                new Move(
                        "kafka",
                        null,
                        kafka,
                        kafkaCredential,
                        Map.of("config", with(kafka, "security_protocol", "SASL_PLAINTEXT")),
                        "body.config"),
                new Move(
                        "rest_api",
                        "https://api.example.com/v1",
                        Map.of(),
                        Map.of("token", canary),
                        Map.of("base_url", "https://collector.attacker.example/v1"),
                        "body.base_url"),
                new Move(
                        "rest_api",
                        "https://api.example.com/v1",
                        Map.of(),
                        Map.of("token", canary),
                        Map.of("base_url", "https://api.example.com:8443/v1"),
                        "body.base_url"),
                new Move(
                        "rest_api",
                        "https://api.example.com/v1",
                        Map.of(),
                        Map.of("token", canary),
                        Map.of("base_url", "http://api.example.com/v1"),
                        "body.base_url"),
                new Move(
                        "rest_api",
                        "https://api.example.com",
                        Map.of(),
                        Map.of("token", canary),
                        Map.of("config", Map.of("auth_scheme", "header", "header_name", "X-Api-Key")),
                        "body.config"),
                new Move(
                        "webhook",
                        "https://hooks.example.com/in",
                        Map.of(),
                        Map.of("signing_secret", canary),
                        Map.of("base_url", "https://collector.attacker.example/in"),
                        "body.base_url"),
                new Move(
                        "pluggy",
                        "https://api.pluggy.example",
                        Map.of(),
                        key,
                        Map.of("base_url", "https://collector.attacker.example"),
                        "body.base_url"),
                new Move(
                        "belvo",
                        "https://api.belvo.example",
                        Map.of(),
                        key,
                        Map.of("config", Map.of("region", "elsewhere")),
                        "body.config"));
    }

    @Test
    void movingAConnectionWithoutItsCredentialIsRefusedForEveryTypeAndChangesNothing() throws Exception {
        int n = 0;
        for (var move : moves()) {
            tenant = TestTokens.newTenant();
            var id = create(move, "moved-" + n++);
            var before = sealedRow(id, 1);

            patch(id, move.change())
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0010")
                    .jsonPath("$.title")
                    .isEqualTo("credential_required")
                    .jsonPath("$.detail")
                    .isEqualTo("This change points the connection somewhere else, and its "
                            + "stored credential goes only where it was sealed for: send the complete credential "
                            + "again in the same request.")
                    .jsonPath("$.errors.length()")
                    .isEqualTo(1)
                    .jsonPath("$.errors[0].location")
                    .isEqualTo(move.location())
                    .jsonPath("$.errors[0].message")
                    .isEqualTo("changes where the credential is sent");

            assertThat(sealedRow(id, 1)).as("%s", move).isEqualTo(before);
            assertThat(jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE connection_id = ?::uuid")
                            .param(id)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
        assertThat(Files.readString(LOG_FILE)).doesNotContain(canary);
    }

    @Test
    void movingAConnectionWithItsCredentialIsARotationSealedForTheNewDestinationOnly() {
        int n = 0;
        for (var move : moves()) {
            tenant = TestTokens.newTenant();
            var id = create(move, "rotated-" + n++);
            var credential = new HashMap<String, String>(move.credential());
            credential.replaceAll((field, value) -> value.equals(canary) ? canary + "-2" : value);
            var body = new HashMap<String, Object>(move.change());
            body.put("credential", credential);

            var answer = patch(id, body)
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody();

            assertThat(answer.toString()).doesNotContain(canary);
            assertThat(((Map<?, ?>) answer.get("credential")).get("version")).isEqualTo(2);
            @SuppressWarnings("unchecked")
            var config = (Map<String, Object>) answer.get("config");
            var row = sealedRow(id, 2);
            var outside = outsideOf(move.vendor());
            var moved = Destination.of(outside, (String) answer.get("base_url"), config);
            var original = Destination.of(outside, move.baseUrl(), move.config());
            assertThat(moved).as("%s", move).isNotEqualTo(original);
            assertThat(row.destination()).isEqualTo(moved.digest());
            var context =
                    SealingContext.credential(TenantId.of(tenant), new ConnectionId(UUID.fromString(id)), 2, moved);
            try (var opened = vault.open(row.ciphertext(), context)) {
                assertThat(opened.fieldNames()).isEqualTo(credential.keySet());
            }
            assertThatThrownBy(() -> vault.open(
                            row.ciphertext(),
                            SealingContext.credential(
                                    TenantId.of(tenant), new ConnectionId(UUID.fromString(id)), 2, original)))
                    .isInstanceOf(SealedCredentialUnreadable.class);
            assertThat(sealedVersions(id)).containsExactly(2);
        }
    }

    /**
     * The proxy (probe-worker) finds a connection in the live index by id and opens its credential only for the
     * destination the row names: the row must say where the connection points after every command, and that must be
     * where its credential was sealed for.
     */
    @Test
    void theLiveIndexSaysWhereEachConnectionPointsAfterEveryCommand() {
        var id = create(
                new Move(
                        "rest_api",
                        "https://api.example.com/v1",
                        Map.of("health_path", "/health"),
                        Map.of("token", canary),
                        Map.of(),
                        null),
                "indexed-rest");
        assertThat(liveRow(id)).containsEntry("base_url", "https://api.example.com/v1");

        patch(id, Map.of("metadata", Map.of("header.X-Customer", "cus_42"), "config", Map.of("health_path", "/ping")))
                .expectStatus()
                .isOk();
        var row = liveRow(id);
        assertThat(row.get("config")).isEqualTo("{\"health_path\":\"/ping\"}");
        assertThat(row.get("metadata")).isEqualTo("{\"header.X-Customer\":\"cus_42\"}");

        var credential = Map.of("token", canary + "-2");
        patch(id, Map.of("base_url", "https://api2.example.com", "credential", credential))
                .expectStatus()
                .isOk();
        row = liveRow(id);
        assertThat(row).containsEntry("base_url", "https://api2.example.com");
        assertThat(sealedRow(id, 2).destination())
                .isEqualTo(Destination.of(
                                List.of("health_path"), "https://api2.example.com", Map.of("health_path", "/ping"))
                        .digest());
    }

    private Map<String, Object> liveRow(String id) {
        return jdbc.sql("SELECT base_url, config, metadata FROM live_connections WHERE connection_id = ?::uuid")
                .param(id)
                .query()
                .singleRow();
    }

    @Test
    void changesThatLeaveTheDestinationAsItIsNeedNoCredential() {
        var database = Map.<String, Object>of("host", "db.internal", "port", 5432, "database", "dw");
        var pg = create(
                new Move("postgresql", null, database, Map.of("username", "app", "password", canary), Map.of(), null),
                "stays-pg");
        patch(pg, Map.of("display_name", "Warehouse (EU)", "metadata", Map.of("region", "eu"), "account_ref", "a-1"))
                .expectStatus()
                .isOk();
        patch(pg, Map.of("config", Map.of("host", "db.internal", "port", "5432", "database", "reporting")))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.credential.version")
                .isEqualTo(1);

        var rest = create(
                new Move("rest_api", "https://api.example.com/v1", Map.of(), Map.of("token", canary), Map.of(), null),
                "stays-rest");
        patch(rest, Map.of("base_url", "https://API.example.com:443/v2", "config", Map.of("health_path", "/ping")))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.credential.version")
                .isEqualTo(1);
    }

    @Test
    void aRevokedConnectionHasNoCredentialToMoveAndItsRotationIsSealedWhereItNowPoints() {
        var database = Map.<String, Object>of("host", "db.internal", "port", 5432, "database", "dw");
        var id = create(
                new Move("postgresql", null, database, Map.of("username", "app", "password", canary), Map.of(), null),
                "revoked-then-moved");
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk();

        patch(id, Map.of("config", with(database, "host", "db2.internal")))
                .expectStatus()
                .isOk();
        patch(id, Map.of("credential", Map.of("username", "app", "password", canary + "-2")))
                .expectStatus()
                .isOk();

        assertThat(sealedRow(id, 2).destination())
                .isEqualTo(Destination.of(List.of("database"), null, with(database, "host", "db2.internal"))
                        .digest());
    }

    @Test
    void anAggregatorOnlyAtItsOwnHostsAndAnotherHostIsRefusedWithoutEchoingACredential() {
        var body = new HashMap<String, Object>(Map.of(
                "vendor",
                "belvo",
                "config_name",
                "belvo-elsewhere",
                "base_url",
                "https://collector.attacker.example",
                "credential",
                Map.of("client_id", "id", "secret", canary)));
        var answer = client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(answer)
                .contains("PBAY-0001")
                .contains("body.base_url")
                .contains("api.belvo.example")
                .doesNotContain(canary);

        var id = create(
                new Move(
                        "belvo",
                        "https://api.belvo.example",
                        Map.of(),
                        Map.of("client_id", "id", "secret", canary),
                        Map.of(),
                        null),
                "belvo-home");
        patch(
                        id,
                        Map.of(
                                "base_url",
                                "https://collector.attacker.example",
                                "credential",
                                Map.of("client_id", "id", "secret", canary)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.base_url");
    }

    private String create(Move move, String configName) {
        var body = new HashMap<String, Object>();
        body.put("vendor", move.vendor());
        body.put("config_name", configName);
        if (move.baseUrl() != null) {
            body.put("base_url", move.baseUrl());
        }
        body.put("config", move.config());
        body.put("credential", move.credential());
        var created = created(tenant, body);
        var id = (String) created.get("id");
        assertThat(sealedRow(id, 1).destination())
                .isEqualTo(Destination.of(outsideOf(move.vendor()), move.baseUrl(), move.config())
                        .digest());
        return id;
    }

    private static List<String> outsideOf(String vendor) {
        return switch (vendor) {
            case "postgresql", "mysql" -> List.of("database");
            case "rest_api" -> List.of("health_path");
            default -> List.of();
        };
    }

    private static Map<String, Object> with(Map<String, Object> config, String field, Object value) {
        var changed = new HashMap<>(config);
        changed.put(field, value);
        return changed;
    }

    private record Row(byte[] ciphertext, String destination, boolean bound) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Row that
                    && java.util.Arrays.equals(ciphertext, that.ciphertext)
                    && java.util.Objects.equals(destination, that.destination)
                    && bound == that.bound;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(ciphertext);
        }
    }

    private Row sealedRow(String id, int version) {
        return jdbc.sql("SELECT ciphertext, destination, bound FROM sealed_secrets WHERE connection_id = ?::uuid "
                        + "AND purpose = 'credential' AND version = ?")
                .params(id, version)
                .query((rs, n) -> new Row(rs.getBytes(1), rs.getString(2), rs.getBoolean(3)))
                .single();
    }

    private List<Integer> sealedVersions(String id) {
        return jdbc.sql("SELECT version FROM sealed_secrets WHERE connection_id = ?::uuid AND purpose = 'credential' "
                        + "ORDER BY version")
                .param(id)
                .query(Integer.class)
                .list();
    }

    private WebTestClient.ResponseSpec patch(String id, Map<String, Object> body) {
        return client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }
}
