package dev.patchbay.query.connection;

import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.query.connection.ConnectionFixtures.deleted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConnectionQueryIT extends QueryServiceTestBase {

    @Test
    @SuppressWarnings("unchecked")
    void aPublishedConnectionIsReadBackByIdWithoutAnySecret() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        publish(created);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> http.get()
                        .uri("/v1/connections/{id}", created.connectionId())
                        .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectHeader()
                        .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                        .expectBody()
                        .jsonPath("$.id")
                        .isEqualTo(created.connectionId().toString())
                        .jsonPath("$.vendor")
                        .isEqualTo("pluggy")
                        .jsonPath("$.category")
                        .isEqualTo("rest")
                        .jsonPath("$.config_name")
                        .isEqualTo("pluggy-main")
                        .jsonPath("$.display_name")
                        .isEqualTo("Pluggy production")
                        .jsonPath("$.base_url")
                        .isEqualTo("https://api.pluggy.ai")
                        .jsonPath("$.account_ref")
                        .isEqualTo("5f0f5c2e-item")
                        .jsonPath("$.config.region")
                        .isEqualTo("br")
                        .jsonPath("$.scope")
                        .isEqualTo("organization")
                        .jsonPath("$.workspace_id")
                        .isEmpty()
                        .jsonPath("$.metadata.default_customer_id")
                        .isEqualTo("cus_000042")
                        .jsonPath("$.status")
                        .isEqualTo("active")
                        .jsonPath("$.credential")
                        .value(credential -> assertThat(((Map<String, ?>) credential).keySet())
                                .containsOnly("fields", "version", "fingerprint", "rotated_at"))
                        .jsonPath("$.credential.fields")
                        .isEqualTo(List.of("client_id", "secret"))
                        .jsonPath("$.credential.version")
                        .isEqualTo(1)
                        .jsonPath("$.credential.fingerprint")
                        .isEqualTo("fp_3c9a41d07be2a8f1")
                        .jsonPath("$.credential.rotated_at")
                        .isEqualTo(created.occurredAt().toString())
                        .jsonPath("$.health.state")
                        .isEqualTo("unknown")
                        .jsonPath("$.health.checked_at")
                        .isEmpty()
                        .jsonPath("$.version")
                        .isEqualTo(1)
                        .jsonPath("$.created_at")
                        .isEqualTo(created.occurredAt().toString())
                        .jsonPath("$.updated_at")
                        .isEqualTo(created.occurredAt().toString())
                        .jsonPath("$.created_by")
                        .isEqualTo("user-123")
                        .jsonPath("$.updated_by")
                        .isEqualTo("user-123")
                        .jsonPath("$.configName")
                        .doesNotExist());
    }

    @Test
    void anotherTenantsConnectionIsNotFound() {
        var owner = TestTokens.newTenant();
        var created = aConnection(owner).created();
        publish(created);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> http.get()
                        .uri("/v1/connections/{id}", created.connectionId())
                        .header(HttpHeaders.AUTHORIZATION, viewer(owner))
                        .exchange()
                        .expectStatus()
                        .isOk());

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201")
                .jsonPath("$.title")
                .isEqualTo("not_found")
                .jsonPath("$.status")
                .isEqualTo(404);
    }

    @Test
    void aMalformedOrUnknownIdIsNotFound() {
        var tenant = TestTokens.newTenant();
        for (var id : new String[] {"not-a-uuid", UUID.randomUUID().toString(), "resolved"}) {
            http.get()
                    .uri("/v1/connections/{id}", id)
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0201");
        }
    }

    @Test
    void redeliveredAndOlderEventsLeaveTheConnectionAsTheNewestVersionSays() {
        var tenant = TestTokens.newTenant();
        var first = aConnection(tenant).withDisplayName("first").created();
        var id = first.connectionId();
        var newest = aConnection(tenant)
                .withId(id)
                .withVersion(3)
                .at(first.occurredAt().plusSeconds(3))
                .withDisplayName("newest")
                .created();
        var older = aConnection(tenant)
                .withId(id)
                .withVersion(2)
                .at(first.occurredAt().plusSeconds(2))
                .withDisplayName("older")
                .created();

        publish(first);
        publish(first);
        publish(newest);
        publish(first);
        awaitConsumed(publish(older));

        http.get()
                .uri("/v1/connections/{id}", id)
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.version")
                .isEqualTo(3)
                .jsonPath("$.display_name")
                .isEqualTo("newest");
    }

    @Test
    void aDeletedConnectionIsNotFoundNotListedAndNotRevivedByAReplayedCreate() {
        var tenant = TestTokens.newTenant();
        var kept = aConnection(tenant).named("kept").created();
        var created = aConnection(tenant).named("doomed").created();
        publish(kept);
        publish(created);
        var deleted = deleted(created, 2);
        publish(deleted);

        // the tombstone is what satisfies the delete's consistency token
        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(deleted))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");

        awaitConsumed(publish(created));

        http.get()
                .uri("/v1/connections/{id}", created.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isNotFound();
        http.get()
                .uri("/v1/connections")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(kept))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.total")
                .isEqualTo(1)
                .jsonPath("$.data.length()")
                .isEqualTo(1)
                .jsonPath("$.data[0].config_name")
                .isEqualTo("kept");
    }

    @Test
    void aRecordThatCannotBeReadIsSkippedAndTheNextOneIsStillProjected() {
        var tenant = TestTokens.newTenant();
        var created = aConnection(tenant).created();
        var key = created.connectionId().toString();
        var headers = new RecordHeaders();
        headers.add(CloudEvents.TYPE, CloudEvents.typeOf(created.getClass()).getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(
                Topics.CONNECTION_EVENTS.name(),
                null,
                key,
                "{\"credential\": \"not json at all".getBytes(StandardCharsets.UTF_8),
                headers));
        send(new ProducerRecord<>(
                Topics.CONNECTION_EVENTS.name(), null, key, "{}".getBytes(StandardCharsets.UTF_8), headers));
        var unknownType = new RecordHeaders();
        unknownType.add(CloudEvents.TYPE, "dev.patchbay.connection.renamed.v9".getBytes(StandardCharsets.UTF_8));
        send(new ProducerRecord<>(
                Topics.CONNECTION_EVENTS.name(),
                null,
                key,
                "{\"future\": true}".getBytes(StandardCharsets.UTF_8),
                unknownType));
        publish(created);

        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> http.get()
                        .uri("/v1/connections/{id}", created.connectionId())
                        .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                        .exchange()
                        .expectStatus()
                        .isOk()
                        .expectBody()
                        .jsonPath("$.version")
                        .isEqualTo(1));
    }
}
