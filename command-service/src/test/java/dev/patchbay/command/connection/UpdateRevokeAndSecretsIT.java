package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class UpdateRevokeAndSecretsIT extends CommandServiceTestBase {

    private final String tenant = TestTokens.newTenant();

    @Test
    void anUpdateChangesOnlyWhatIsSentAndRecordsTheActorAndTheChangedFields() {
        var id = create(tenant, "to-update", "pw");
        patch(id, Map.of("display_name", "Warehouse EU", "metadata", Map.of("region", "eu")), null)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectHeader()
                .exists("Consistency-Token")
                .expectBody()
                .jsonPath("$.display_name")
                .isEqualTo("Warehouse EU")
                .jsonPath("$.metadata.region")
                .isEqualTo("eu")
                .jsonPath("$.config.host")
                .isEqualTo("db.internal")
                .jsonPath("$.credential.version")
                .isEqualTo(1)
                .jsonPath("$.version")
                .isEqualTo(2)
                .jsonPath("$.updated_by")
                .isEqualTo("user-" + tenant);

        var updated = (ConnectionUpdated) events(id, 2).get(1);
        assertThat(updated.changedFields()).containsExactlyInAnyOrder("display_name", "metadata");
        assertThat(updated.actor()).isEqualTo("user-" + tenant);
    }

    @Test
    void aCompleteCredentialRotatesItAPartialOneIsRefusedAndNoneKeepsIt() {
        var id = create(tenant, "to-rotate", "pw-1");
        var before = sealedVersions(id);

        patch(id, Map.of("credential", Map.of("password", "pw-2")), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0003")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.credential.username");
        patch(id, Map.of("credential", Map.of("username", "a", "password", "b", "extra", "c")), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0002");
        patch(id, Map.of("display_name", "kept"), null)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.credential.version")
                .isEqualTo(1);
        assertThat(sealedVersions(id)).isEqualTo(before).containsExactly(1);

        var fingerprint = fingerprintOf(id);
        patch(id, Map.of("credential", Map.of("username", "app", "password", "pw-2")), null)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.credential.version")
                .isEqualTo(2)
                .jsonPath("$.credential.fingerprint")
                .value(fp -> assertThat(fp).isNotEqualTo(fingerprint));
        assertThat(sealedVersions(id)).containsExactly(2);
        var rotated = (ConnectionRotated) events(id, 3).get(2);
        assertThat(rotated.previousFingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void theVendorIsImmutableAndUnknownFieldsAreRefused() {
        var id = create(tenant, "immutable", "pw");
        patch(id, Map.of("vendor", "postgresql", "display_name", "same vendor is fine"), null)
                .expectStatus()
                .isOk();
        patch(id, Map.of("vendor", "mysql"), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0004");
        patch(id, Map.of("config_name", "renamed"), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.config_name");
        var noConfig = new HashMap<String, Object>();
        noConfig.put("config", Map.of("host", "h"));
        patch(id, noConfig, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.config.port");
    }

    @Test
    void ifMatchIsHonouredAndAStaleVersionIsAPreconditionFailure() {
        var id = create(tenant, "if-match", "pw");
        patch(id, Map.of("display_name", "v2"), "\"1\"").expectStatus().isOk();
        patch(id, Map.of("display_name", "v3"), "\"1\"")
                .expectStatus()
                .isEqualTo(HttpStatus.PRECONDITION_FAILED)
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0302")
                .jsonPath("$.title")
                .isEqualTo("version_mismatch")
                .jsonPath("$.status")
                .isEqualTo(412)
                .jsonPath("$.instance")
                .isEqualTo("/v1/connections/" + id)
                .jsonPath("$.detail")
                .isEqualTo("If-Match names another version; the connection is at version 2.");
        patch(id, Map.of("display_name", "v3"), "W/\"2\"").expectStatus().isOk();
        patch(id, Map.of("display_name", "v4"), "yesterday").expectStatus().isBadRequest();
    }

    @Test
    void concurrentUpdatesAreEachAppliedInTurnAndNoneIsLost() throws Exception {
        var id = create(tenant, "contended-update", "pw");
        var updates = new ArrayList<Callable<Map>>();
        for (int i = 0; i < 10; i++) {
            var name = "name-" + i;
            updates.add(() -> patch(id, Map.of("display_name", name), null)
                    .expectStatus()
                    .isOk()
                    .expectBody(Map.class)
                    .returnResult()
                    .getResponseBody());
        }
        var answers = new ArrayList<Map>();
        var pool = Executors.newFixedThreadPool(10);
        try {
            for (var future : pool.invokeAll(updates)) {
                answers.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(answers)
                .extracting(a -> ((Number) a.get("version")).intValue())
                .containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        var last = answers.stream()
                .filter(a -> ((Number) a.get("version")).intValue() == 11)
                .findFirst()
                .orElseThrow();
        var stale = create(tenant, "contended-if-match", "pw");
        var statuses = new ArrayList<Integer>();
        var ifMatchUpdates = new ArrayList<Callable<Integer>>();
        for (int i = 0; i < 8; i++) {
            var name = "n-" + i;
            ifMatchUpdates.add(() -> patch(stale, Map.of("display_name", name), "\"1\"")
                    .returnResult(Void.class)
                    .getStatus()
                    .value());
        }
        pool = Executors.newFixedThreadPool(8);
        try {
            for (var future : pool.invokeAll(ifMatchUpdates)) {
                statuses.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).containsOnlyOnce(200).filteredOn(s -> s == 412).hasSize(7);
        assertThat(events(id, 11))
                .hasSize(11)
                .last()
                .satisfies(event ->
                        assertThat(((ConnectionUpdated) event).displayName()).isEqualTo(last.get("display_name")));
    }

    @Test
    void revokingDestroysTheCredentialKeepsTheConnectionAndAgainSaysAlready() {
        var id = create(tenant, "to-revoke", "pw");
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectBody()
                .json("{\"id\":\"" + id + "\",\"status\":\"revoked\"}", true);
        assertThat(sealedVersions(id)).isEmpty();
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectBody()
                .json("{\"id\":\"" + id + "\",\"status\":\"revoked\",\"already\":true}", true);
        assertThat(events(id, 2).get(1)).isInstanceOf(ConnectionRevoked.class);

        patch(id, Map.of("credential", Map.of("username", "app", "password", "new")), null)
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("active")
                .jsonPath("$.credential.version")
                .isEqualTo(2);
        assertThat(sealedVersions(id)).containsExactly(2);
    }

    @Test
    void aWebhookSecretIsSealedLikeACredentialAndOnlyItsFingerprintIsPublished() {
        var id = create(tenant, "webhook-secret", "pw");
        var secret = "whsec_" + "s".repeat(24);
        client().put()
                .uri("/v1/connections/" + id + "/webhook-secret")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("secret", secret))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectBody()
                .jsonPath("$.fingerprint")
                .value(fp -> assertThat((String) fp).startsWith("fp_"))
                .consumeWith(r -> assertThat(new String(r.getResponseBody())).doesNotContain(secret));
        client().put()
                .uri("/v1/connections/" + id + "/webhook-secret")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("secret", "short"))
                .exchange()
                .expectStatus()
                .isBadRequest();

        var sealed = jdbc.sql("SELECT ciphertext FROM sealed_secrets WHERE connection_id = ?::uuid AND purpose = "
                        + "'webhook-secret'")
                .param(id)
                .query(byte[].class)
                .single();
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(secret);
        var set = (WebhookSecretSet) events(id, 2).get(1);
        assertThat(set.secretVersion()).isEqualTo(1);
    }

    @Test
    void aViewerCannotUpdateRevokeOrDeleteAndAnotherTenantFindsNothing() {
        var id = create(tenant, "guarded", "pw");
        var viewer = "Bearer " + TOKENS.token(tenant, "viewer");
        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("display_name", "x"))
                .exchange()
                .expectStatus()
                .isForbidden();
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", viewer)
                .exchange()
                .expectStatus()
                .isForbidden();
        client().delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", viewer)
                .exchange()
                .expectStatus()
                .isForbidden();
        var stranger = editor(TestTokens.newTenant());
        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", stranger)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("display_name", "x"))
                .exchange()
                .expectStatus()
                .isNotFound();
        client().post()
                .uri("/v1/connections/" + id + "/revoke")
                .header("Authorization", stranger)
                .exchange()
                .expectStatus()
                .isNotFound();
        client().put()
                .uri("/v1/connections/" + id + "/webhook-secret")
                .header("Authorization", stranger)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("secret", "x".repeat(20)))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void theQuotaOfLiveConnectionsHoldsUnderConcurrentCreatesAndADeleteFreesASlot() throws Exception {
        var creates = new ArrayList<Callable<Integer>>();
        for (int i = 0; i < 9; i++) {
            var name = "quota-" + i;
            creates.add(() -> client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(postgresql(name, "pw"))
                    .exchange()
                    .returnResult(Void.class)
                    .getStatus()
                    .value());
        }
        var statuses = new ArrayList<Integer>();
        var pool = Executors.newFixedThreadPool(9);
        try {
            for (var future : pool.invokeAll(creates)) {
                statuses.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 403).hasSize(4);
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("one-more", "pw"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0103");
        var anyId = jdbc.sql("SELECT connection_id::text FROM live_connections WHERE tenant_id = ? LIMIT 1")
                .param(tenant)
                .query(String.class)
                .single();
        client().delete()
                .uri("/v1/connections/" + anyId)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent();
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("one-more", "pw"))
                .exchange()
                .expectStatus()
                .isCreated();
    }

    private WebTestClient.ResponseSpec patch(String id, Map<String, Object> body, String ifMatch) {
        var request = client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON);
        if (ifMatch != null) {
            request = request.header("If-Match", ifMatch);
        }
        return request.bodyValue(body).exchange();
    }

    private List<Integer> sealedVersions(String id) {
        return jdbc.sql("SELECT version FROM sealed_secrets WHERE connection_id = ?::uuid AND purpose = 'credential' "
                        + "ORDER BY version")
                .param(id)
                .query(Integer.class)
                .list();
    }

    private String fingerprintOf(String id) {
        var events = events(id, 1);
        return ((dev.patchbay.contracts.connection.ConnectionCreated) events.get(0))
                .credential()
                .fingerprint();
    }

    /** The connection's events on the topic, in order, once at least {@code count} have been relayed. */
    private static List<ConnectionEvent> events(String id, int count) {
        var events = new ArrayList<ConnectionEvent>();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            events.clear();
            records(Topics.CONNECTION_EVENTS.name(), id::equals)
                    .forEach(r -> events.add((ConnectionEvent) CODEC.decode(r).orElseThrow()));
            assertThat(events).hasSizeGreaterThanOrEqualTo(count);
        });
        return events;
    }
}
