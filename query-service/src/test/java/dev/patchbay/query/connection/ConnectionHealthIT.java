package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.query.connection.ConnectionFixtures.healthChanged;
import static dev.patchbay.query.connection.ConnectionFixtures.probed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health comes from patchbay.probe-results.v1: the newest check wins, and the connection's version stays. */
class ConnectionHealthIT extends QueryServiceTestBase {

    @Test
    @SuppressWarnings("unchecked")
    void aProbeResultSetsTheHealthAnOlderOneIsIgnoredAndTheVersionStays() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);
        var checked = created.occurredAt().plusSeconds(30);

        publish(probed(created, false, checked, 120));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(health(tenant, created.connectionId().toString()))
                                .containsEntry("state", "unhealthy"));
        var connection = get(tenant, created.connectionId().toString());
        assertThat(connection).containsEntry("version", 1);
        assertThat((Map<String, Object>) connection.get("health"))
                .containsEntry("checked_at", checked.toString())
                .containsEntry("latency_ms", 120)
                .containsEntry(
                        "error",
                        Map.of("code", "credentials_rejected", "message", "The vendor refused the credential."));

        // older, then redelivered: neither changes anything
        publish(probed(created, true, checked.minusSeconds(10), 5));
        awaitConsumed(publish(probed(created, false, checked, 999)), HEALTH_GROUP);
        assertThat(health(tenant, created.connectionId().toString()))
                .containsEntry("state", "unhealthy")
                .containsEntry("latency_ms", 120)
                .containsEntry("checked_at", checked.toString());
        assertThat(total(tenant, "unhealthy")).isEqualTo(1);
        assertThat(total(tenant, "healthy")).isZero();

        var newer = checked.plusSeconds(60);
        publish(probed(created, true, newer, 42));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(health(tenant, created.connectionId().toString()))
                                .containsEntry("state", "healthy")
                                .containsEntry("checked_at", newer.toString())
                                .containsEntry("latency_ms", 42)
                                .containsEntry("error", null));
        assertThat(get(tenant, created.connectionId().toString()))
                .containsEntry("version", 1)
                .containsEntry("updated_at", created.occurredAt().toString());
        assertThat(total(tenant, "healthy")).isEqualTo(1);
        assertThat(total(tenant, "unhealthy")).isZero();
        assertThat(total(tenant, "unknown")).isZero();
    }

    @Test
    void sinceHoldsThroughLikeResultsAndMovesWhenTheStateChanges() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var id = created.connectionId().toString();
        publish(created);
        var first = created.occurredAt().plusSeconds(10);

        publish(probed(created, true, first, 5));
        publish(probed(created, true, first.plusSeconds(60), 6));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(health(tenant, id))
                        .containsEntry("state", "healthy")
                        .containsEntry("checked_at", first.plusSeconds(60).toString())
                        .containsEntry("since", first.toString()));

        var broken = first.plusSeconds(120);
        publish(probed(created, false, broken, 7));
        publish(probed(created, false, broken.plusSeconds(60), 8));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(health(tenant, id))
                        .containsEntry("state", "unhealthy")
                        .containsEntry("checked_at", broken.plusSeconds(60).toString())
                        .containsEntry("since", broken.toString()));
    }

    @Test
    void aResultThatDidNotCheckTheSystemLeavesTheHealthAsTheLastCheckFoundIt() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var id = created.connectionId().toString();
        publish(created);
        var checked = created.occurredAt().plusSeconds(10);
        publish(probed(created, true, checked, 5));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(health(tenant, id)).containsEntry("state", "healthy"));

        var busy = new ProbeCompleted(
                UUID.randomUUID().toString(),
                created.connectionId(),
                created.tenantId(),
                created.vendor(),
                false,
                0,
                checked.plusSeconds(60),
                new ProbeError("circuit_open", "The worker is running as many checks as it takes at once."));
        awaitConsumed(publish(busy), HEALTH_GROUP);
        assertThat(health(tenant, id))
                .containsEntry("state", "healthy")
                .containsEntry("checked_at", checked.toString())
                .containsEntry("since", checked.toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHealthChangeMovesTheVersionAndTheHistoryNotWhoUpdatedTheConnection() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var changed = healthChanged(created, 2, "credentials_rejected");
        publish(created);
        publish(changed);

        var connection = readAfter(tenant, changed, created.connectionId());
        assertThat(connection)
                .containsEntry("version", 2)
                .containsEntry("updated_at", created.occurredAt().toString())
                .containsEntry("updated_by", created.actor());
        var history = http.get()
                .uri("/v1/connections/{id}/history", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        var last = ((List<Map<String, Object>>) history.get("data")).get(1);
        assertThat(last).containsEntry("type", "connection.health-changed").containsEntry("actor", "patchbay:probe");
        assertThat((Map<String, Object>) last.get("changes"))
                .containsEntry("state", "unhealthy")
                .containsEntry("previous_state", "healthy")
                .containsEntry("error_code", "credentials_rejected");
    }

    @Test
    void aResultProjectedBeforeTheConnectionsCreationIsKeptForIt() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var checked = created.occurredAt().plusSeconds(5);
        awaitConsumed(publish(probed(created, false, checked, 77)), HEALTH_GROUP);

        publish(created);

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(1)
                .jsonPath("$.health.state")
                .isEqualTo("unhealthy")
                .jsonPath("$.health.checked_at")
                .isEqualTo(checked.toString())
                .jsonPath("$.health.latency_ms")
                .isEqualTo(77)
                .jsonPath("$.health.error.code")
                .isEqualTo("credentials_rejected");
    }

    @Test
    void aResultNamingAnotherTenantChangesNothing() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);
        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(created))
                .exchange()
                .expectStatus()
                .isOk();
        var real = probed(created, false, created.occurredAt().plusSeconds(5), 10);
        var forged = new ProbeCompleted(
                real.correlationId(),
                real.connectionId(),
                TenantId.of("t-intruder"),
                real.vendor(),
                false,
                10,
                real.checkedAt(),
                real.error());

        awaitConsumed(publish(forged), HEALTH_GROUP);

        assertThat(health(tenant, created.connectionId().toString()))
                .containsEntry("state", "unknown")
                .containsEntry("checked_at", null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> health(String tenant, String id) {
        return (Map<String, Object>) get(tenant, id).get("health");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> get(String tenant, String id) {
        return http.get()
                .uri("/v1/connections/{id}", id)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    private long total(String tenant, String health) {
        var body = http.get()
                .uri("/v1/connections?health=" + health)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return ((Number) body.get("total")).longValue();
    }
}
