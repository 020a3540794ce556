package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.query.QueryServiceTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.patchbay.query.connection.ConnectionFixtures.aConnection;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /v1/connections/resolve: the most specific live connection of a vendor and config name. */
class ConnectionResolveIT extends QueryServiceTestBase {

    @Test
    void aUserScopedConnectionWinsOverAWorkspaceScopedOneWhichWinsOverTheOrganizations() {
        var tenant = TestTokens.newTenant();
        var organization = aConnection(tenant).named("main").created();
        var workspace = aConnection(tenant).named("main").forWorkspace("ws-1").created();
        var user = aConnection(tenant).named("main").forUser("eu-1", null).created();
        var userInWorkspace =
                aConnection(tenant).named("main").forUser("eu-2", "ws-2").created();
        var otherVendor = aConnection(tenant)
                .named("main")
                .withVendor("belvo")
                .forUser("eu-1", null)
                .created();
        for (var created : new ConnectionCreated[] {organization, workspace, user, userInWorkspace, otherVendor}) {
            publish(created);
            http.get()
                    .uri("/v1/connections/{id}", created.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .header("Consistency-Token", consistencyToken(created))
                    .exchange()
                    .expectStatus()
                    .isOk();
        }

        assertResolved(tenant, "ws-1", "eu-1", user);
        assertResolved(tenant, null, "eu-1", user);
        assertResolved(tenant, "ws-1", "eu-9", workspace);
        assertResolved(tenant, "ws-1", null, workspace);
        assertResolved(tenant, "ws-9", "eu-9", organization);
        assertResolved(tenant, null, null, organization);
        // a user-scoped connection bound to a workspace serves that user in that workspace only
        assertResolved(tenant, "ws-2", "eu-2", userInWorkspace);
        assertResolved(tenant, "ws-1", "eu-2", workspace);
        assertResolved(tenant, null, "eu-2", organization);

        resolve(tenant, Map.of("vendor", "belvo", "config_name", "main", "workspace_id", "ws-1"), null)
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
        resolve(tenant, Map.of("vendor", "pluggy", "config_name", "other"), null)
                .expectStatus()
                .isNotFound();
        resolve(TestTokens.newTenant(), Map.of("vendor", "pluggy", "config_name", "main"), null)
                .expectStatus()
                .isNotFound();
    }

    @Test
    void aRevokedConnectionIsStillResolvedADeletedOneNever() {
        var tenant = TestTokens.newTenant();
        var organization = aConnection(tenant).named("billing").created();
        var workspace =
                aConnection(tenant).named("billing").forWorkspace("ws-1").created();
        var revoked = ConnectionFixtures.revoked(workspace, 2, ConnectionFixtures.FINGERPRINT);
        publish(organization);
        publish(workspace);
        publish(revoked);
        http.get()
                .uri("/v1/connections/{id}", organization.connectionId())
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .header("Consistency-Token", consistencyToken(organization))
                .exchange()
                .expectStatus()
                .isOk();
        var query = Map.of("vendor", "pluggy", "config_name", "billing", "workspace_id", "ws-1");

        resolve(tenant, query, consistencyToken(revoked))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(workspace.connectionId().toString())
                .jsonPath("$.status")
                .isEqualTo("revoked");

        var deleted = ConnectionFixtures.deleted(workspace, 3);
        publish(deleted);
        resolve(tenant, query, consistencyToken(deleted))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(organization.connectionId().toString());

        var organizationDeleted = ConnectionFixtures.deleted(organization, 2);
        publish(organizationDeleted);
        resolve(tenant, query, consistencyToken(organizationDeleted))
                .expectStatus()
                .isNotFound();
    }

    @Test
    void withoutAConfigNameTheMostSpecificScopesOnlyConnectionIsResolvedAndSeveralThereAreA409NamingThem() {
        var tenant = TestTokens.newTenant();
        var organization = aConnection(tenant).named("main").created();
        var user = aConnection(tenant).named("mine").forUser("eu-1", null).created();
        var now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        var first = aConnection(tenant)
                .named("first")
                .forWorkspace("ws-1")
                .at(now.minusSeconds(2))
                .created();
        var second = aConnection(tenant)
                .named("second")
                .forWorkspace("ws-1")
                .at(now.minusSeconds(1))
                .created();
        for (var created : new ConnectionCreated[] {organization, user, first, second}) {
            publish(created);
            http.get()
                    .uri("/v1/connections/{id}", created.connectionId())
                    .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                    .header("Consistency-Token", consistencyToken(created))
                    .exchange()
                    .expectStatus()
                    .isOk();
        }

        assertThat(resolvedId(tenant, Map.of("vendor", "pluggy")))
                .isEqualTo(organization.connectionId().toString());
        assertThat(resolvedId(tenant, Map.of("vendor", "pluggy", "workspace_id", "ws-1", "end_user_id", "eu-1")))
                .isEqualTo(user.connectionId().toString());
        assertThat(resolvedId(tenant, Map.of("vendor", "pluggy", "workspace_id", "ws-1", "config_name", "second")))
                .isEqualTo(second.connectionId().toString());
        resolve(tenant, Map.of("vendor", "pluggy", "workspace_id", "ws-1"), null)
                .expectStatus()
                .isEqualTo(409)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0304")
                .jsonPath("$.title")
                .isEqualTo("ambiguous_connection")
                .jsonPath("$.errors.length()")
                .isEqualTo(2)
                .jsonPath("$.errors[0].location")
                .isEqualTo("query.config_name")
                .jsonPath("$.errors[0].value")
                .isEqualTo("first")
                .jsonPath("$.errors[0].message")
                .isEqualTo("connection " + first.connectionId() + " is a candidate")
                .jsonPath("$.errors[1].value")
                .isEqualTo("second");

        var another = aConnection(tenant).named("another").created();
        publish(another);
        resolve(tenant, Map.of("vendor", "pluggy"), another)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.errors.length()")
                .isEqualTo(2);
        resolve(tenant, Map.of("vendor", "belvo"), null).expectStatus().isNotFound();
    }

    @Test
    void vendorIsRequiredTheConfigNameIsNotAndTheRouteIsNotMistakenForAnId() {
        var tenant = TestTokens.newTenant();
        http.get()
                .uri("/v1/connections/resolve")
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0001")
                .jsonPath("$.errors.length()")
                .isEqualTo(1)
                .jsonPath("$.errors[0].location")
                .isEqualTo("query.vendor");
        resolve(tenant, Map.of("vendor", "pluggy", "config_name", ""), null)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0201");
        resolve(tenant, Map.of("config_name", "main"), null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].location")
                .isEqualTo("query.vendor");
    }

    private String resolvedId(String tenant, Map<String, String> query) {
        return (String) resolve(tenant, query, null)
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
    }

    private void assertResolved(String tenant, String workspaceId, String endUserId, ConnectionCreated expected) {
        var query = new LinkedHashMap<String, String>();
        query.put("vendor", "pluggy");
        query.put("config_name", "main");
        if (workspaceId != null) {
            query.put("workspace_id", workspaceId);
        }
        if (endUserId != null) {
            query.put("end_user_id", endUserId);
        }
        var body = resolve(tenant, query, null)
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.get("id"))
                .as("resolved for workspace %s, end user %s", workspaceId, endUserId)
                .isEqualTo(expected.connectionId().toString());
    }

    private WebTestClient.ResponseSpec resolve(String tenant, Map<String, String> query, Object waitFor) {
        var request = http.get()
                .uri(uri -> {
                    uri.path("/v1/connections/resolve");
                    query.forEach(uri::queryParam);
                    return uri.build();
                })
                .header(HttpHeaders.AUTHORIZATION, viewer(tenant));
        if (waitFor instanceof ConnectionCreated created) {
            request = request.header("Consistency-Token", consistencyToken(created));
        } else if (waitFor instanceof String token) {
            request = request.header("Consistency-Token", token);
        }
        return request.exchange();
    }
}
