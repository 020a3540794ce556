package dev.patchbay.command.connection;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CreateAndDeleteConnectionIT extends CommandServiceTestBase {

    @Test
    void aCreatedConnectionIsAnsweredFromItsEventAndRelayedToKafkaWithCloudEventsHeaders() {
        var tenant = TestTokens.newTenant();
        var result = client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("warehouse", "pw-1"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("ETag", "\"1\"")
                .expectBody()
                .jsonPath("$.vendor")
                .isEqualTo("postgresql")
                .jsonPath("$.category")
                .isEqualTo("database")
                .jsonPath("$.config_name")
                .isEqualTo("warehouse")
                .jsonPath("$.scope")
                .isEqualTo("organization")
                .jsonPath("$.status")
                .isEqualTo("active")
                .jsonPath("$.credential.fields")
                .isEqualTo(List.of("password", "username"))
                .jsonPath("$.credential.version")
                .isEqualTo(1)
                .jsonPath("$.credential.fingerprint")
                .value(fp -> assertThat((String) fp).matches("fp_[0-9a-f]{16}"))
                .jsonPath("$.health.state")
                .isEqualTo("unknown")
                .jsonPath("$.version")
                .isEqualTo(1)
                .jsonPath("$.created_by")
                .isEqualTo("user-" + tenant)
                .jsonPath("$.created_at")
                .value(at -> assertThat((String) at).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .returnResult();
        var id = (String) new tools.jackson.databind.json.JsonMapper()
                .readValue(result.getResponseBody(), Map.class)
                .get("id");
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/v1/connections/" + id);
        // signed for this tenant with the key query-service shares, and for no other tenant
        var header = result.getResponseHeaders().getFirst("Consistency-Token");
        assertThat(TOKENS.consistencyTokens().verify(TenantId.of(TestTokens.newTenant()), header))
                .isEmpty();
        var token =
                TOKENS.consistencyTokens().verify(TenantId.of(tenant), header).orElseThrow();
        assertThat(token.connectionId().toString()).isEqualTo(id);
        assertThat(token.version()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var records = records(Topics.CONNECTION_EVENTS.name(), id::equals);
            assertThat(records).hasSize(1);
            var record = records.get(0);
            assertThat(EventCodec.header(record.headers(), CloudEvents.TYPE))
                    .isEqualTo("dev.patchbay.connection.created.v1");
            assertThat(EventCodec.header(record.headers(), CloudEvents.SPECVERSION))
                    .isEqualTo("1.0");
            assertThat(EventCodec.header(record.headers(), CloudEvents.SUBJECT)).isEqualTo(id);
            assertThat(EventCodec.header(record.headers(), CloudEvents.TENANT_ID))
                    .isEqualTo(tenant);
            assertThat(EventCodec.header(record.headers(), CloudEvents.SEQUENCE))
                    .isEqualTo("1");
            assertThat(EventCodec.header(record.headers(), CloudEvents.SOURCE)).isEqualTo("/patchbay/command-service");
            assertThat(EventCodec.header(record.headers(), CloudEvents.ID)).isNotBlank();
            var event = (ConnectionCreated) CODEC.decode(record).orElseThrow();
            assertThat(event.configName()).isEqualTo("warehouse");
            assertThat(event.actor()).isEqualTo("user-" + tenant);
            assertThat(event.config()).containsEntry("host", "db.internal");
        });
    }

    @Test
    void sixteenConcurrentCreatesOfOneNameGiveExactlyOneConnection() throws Exception {
        var tenant = TestTokens.newTenant();
        var attempts = new ArrayList<Callable<HttpStatus>>();
        for (int i = 0; i < 16; i++) {
            var password = "pw-" + i;
            attempts.add(() -> HttpStatus.valueOf(client().post()
                    .uri("/v1/connections")
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(postgresql("contended", password))
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value()));
        }
        var statuses = new ArrayList<HttpStatus>();
        var pool = Executors.newFixedThreadPool(16);
        try {
            for (var future : pool.invokeAll(attempts)) {
                statuses.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(statuses).filteredOn(HttpStatus.CREATED::equals).hasSize(1);
        assertThat(statuses).filteredOn(HttpStatus.CONFLICT::equals).hasSize(15);
        assertThat(jdbc.sql("SELECT count(*) FROM live_connections WHERE tenant_id = ?")
                        .param(tenant)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aDuplicateNameIsAConflictWithCodeAndTheNameIsFreeAgainOnceDeleted() {
        var tenant = TestTokens.newTenant();
        var id = create(tenant, "reused");
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("reused", "other"))
                .exchange()
                .expectStatus()
                .isEqualTo(HttpStatus.CONFLICT)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0301")
                .jsonPath("$.title")
                .isEqualTo("duplicate_config_name")
                .jsonPath("$.errors[0].location")
                .isEqualTo("body.config_name");

        client().delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNoContent()
                .expectHeader()
                .valueEquals("ETag", "\"2\"")
                .expectHeader()
                .exists("Consistency-Token");

        assertThat(jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE connection_id = ?::uuid")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isZero();
        create(tenant, "reused");
        client().delete()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(records(Topics.CONNECTION_EVENTS.name(), id::equals).stream()
                                .map(r -> CODEC.decode(r).orElseThrow())
                                .toList())
                        .hasSize(2)
                        .last()
                        .isInstanceOf(ConnectionDeleted.class));
    }

    @Test
    void anotherTenantsConnectionCannotBeDeletedAndLooksLikeNoConnectionAtAll() {
        var owner = TestTokens.newTenant();
        var id = create(owner, "mine");

        for (var path : List.of(
                "/v1/connections/" + id, "/v1/connections/" + UUID.randomUUID(), "/v1/connections/not-a-uuid")) {
            client().delete()
                    .uri(path)
                    .header("Authorization", editor(TestTokens.newTenant()))
                    .exchange()
                    .expectStatus()
                    .isNotFound()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0201")
                    .jsonPath("$.detail")
                    .isEqualTo("The connection was not found.");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE connection_id = ?::uuid")
                        .param(id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private String create(String tenant, String name) {
        var body = created(tenant, postgresql(name, "pw"));
        return (String) body.get("id");
    }
}
