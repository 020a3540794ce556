package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.Map;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
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
