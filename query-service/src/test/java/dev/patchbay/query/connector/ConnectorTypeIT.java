package dev.patchbay.query.connector;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ConnectorTypeIT extends QueryServiceTestBase {

    @Test
    void registeredConnectorTypesAreListedByVendor() {
        var suffix = UUID.randomUUID().toString().substring(0, 8);
        var rest = new ConnectorTypeRegistered(
                "zz-rest-" + suffix, "rest", "A REST API", List.of(), List.of("client_id", "secret"), true, now());
        var database = new ConnectorTypeRegistered(
                "aa-db-" + suffix,
                "database",
                "A database",
                List.of("host", "port", "database"),
                List.of("username", "password"),
                false,
                now(),
                List.of("database"),
                List.of("db.example.com"));
        // an OAuth2 type: its refresh token is an optional secret field
        var oauth2 = new ConnectorTypeRegistered(
                "mm-oauth2-" + suffix,
                "rest",
                "OAuth2 API",
                List.of("token_endpoint"),
                List.of("access_token", "client_id", "client_secret"),
                false,
                now(),
                List.of("scope", "client_auth", "check_path"),
                List.of(),
                List.of("refresh_token"));
        publish(rest);
        publish(database);
        publish(oauth2);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            var types = types();
            var vendors =
                    types.stream().map(type -> (String) type.get("vendor")).toList();
            assertThat(vendors)
                    .contains(rest.vendor(), database.vendor(), oauth2.vendor())
                    .isSorted();
            assertThat(types.get(vendors.indexOf(database.vendor())))
                    .isEqualTo(Map.of(
                            "vendor",
                            database.vendor(),
                            "category",
                            "database",
                            "display_name",
                            "A database",
                            "required_config",
                            List.of("host", "port", "database"),
                            "secret_fields",
                            List.of("username", "password"),
                            "supports_webhooks",
                            false,
                            "config_outside_destination",
                            List.of("database"),
                            "allowed_hosts",
                            List.of("db.example.com"),
                            "optional_secret_fields",
                            List.of()));
            assertThat(types.get(vendors.indexOf(rest.vendor())))
                    .containsEntry("supports_webhooks", true)
                    .containsEntry("secret_fields", List.of("client_id", "secret"))
                    .containsEntry("config_outside_destination", List.of())
                    .containsEntry("allowed_hosts", List.of());
            assertThat(types.get(vendors.indexOf(oauth2.vendor())))
                    .containsEntry("secret_fields", List.of("access_token", "client_id", "client_secret"))
                    .containsEntry("optional_secret_fields", List.of("refresh_token"))
                    .containsEntry("config_outside_destination", List.of("scope", "client_auth", "check_path"));
        });
    }

    @Test
    void anOlderRegistrationReplayedAfterANewerOneChangesNothing() {
        var vendor = "replayed-" + UUID.randomUUID().toString().substring(0, 8);
        var newer = new ConnectorTypeRegistered(vendor, "rest", "Newer", List.of(), List.of("token"), true, now());
        var older = new ConnectorTypeRegistered(
                vendor,
                "rest",
                "Older",
                List.of(),
                List.of("token"),
                false,
                newer.registeredAt().minusSeconds(60));
        publish(newer);
        awaitConsumed(publish(older));

        assertThat(types())
                .filteredOn(type -> vendor.equals(type.get("vendor")))
                .singleElement()
                .satisfies(type -> assertThat(type).containsEntry("display_name", "Newer"));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> types() {
        var body = http.get()
                .uri("/v1/connector-types")
                .header(HttpHeaders.AUTHORIZATION, viewer(TestTokens.newTenant()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).containsOnlyKeys("data");
        return (List<Map<String, Object>>) body.get("data");
    }
}
