package dev.patchbay.command.connection;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.platform.test.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;

class TokenSecurityIT extends CommandServiceTestBase {

    private final String tenant = TestTokens.newTenant();

    @Test
    void withoutATokenEveryCommandIsUnauthenticatedAsAProblem() {
        client().post()
                .uri("/v1/connections")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("x", "pw"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .valueEquals("WWW-Authenticate", "Bearer")
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101");
    }

    @Test
    void badTokensAreAllUnauthenticated() throws Exception {
        var now = Instant.now();
        var otherIssuerKeys = new TestTokens();
        var hmacWithPublicKey = new SignedJWT(
                new JWSHeader(JWSAlgorithm.HS256),
                TOKENS.claims(tenant, "editor").build());
        hmacWithPublicKey.sign(new MACSigner(TOKENS.keys().getPublic().getEncoded()));
        var bad = new LinkedHashMap<String, String>();
        bad.put(
                "expired",
                TOKENS.sign(TOKENS.claims(tenant, "editor")
                        .expirationTime(Date.from(now.minusSeconds(600)))
                        .build()));
        bad.put(
                "not yet valid",
                TOKENS.sign(TOKENS.claims(tenant, "editor")
                        .notBeforeTime(Date.from(now.plusSeconds(600)))
                        .build()));
        bad.put(
                "wrong issuer",
                TOKENS.sign(TOKENS.claims(tenant, "editor")
                        .issuer("https://evil.example")
                        .build()));
        bad.put(
                "wrong audience",
                TOKENS.sign(
                        TOKENS.claims(tenant, "editor").audience("someone-else").build()));
        bad.put(
                "no tenant",
                TOKENS.sign(
                        TOKENS.claims(tenant, "editor").claim("tenant_id", null).build()));
        bad.put("signed by another key", otherIssuerKeys.token(tenant, "editor"));
        bad.put("alg none", new PlainJWT(TOKENS.claims(tenant, "editor").build()).serialize());
        bad.put("HS256 with the public key", hmacWithPublicKey.serialize());
        var valid = TOKENS.token(tenant, "editor").split("\\.");
        bad.put("tampered payload", valid[0] + "." + Base64URL.encode("{\"tenant_id\":\"x\"}") + "." + valid[2]);
        bad.put("garbage", "not-a-jwt");
        bad.put(
                "no expiry",
                TOKENS.sign(TOKENS.claims(tenant, "editor").expirationTime(null).build()));
        bad.put(
                "PS256, not a configured algorithm",
                TOKENS.sign(TOKENS.claims(tenant, "editor").build(), JWSAlgorithm.PS256));
        bad.put(
                "RS512, not a configured algorithm",
                TOKENS.sign(TOKENS.claims(tenant, "editor").build(), JWSAlgorithm.RS512));
        bad.put("an operator's token", TOKENS.operatorToken());

        bad.forEach((why, token) -> client().post()
                .uri("/v1/connections")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("bad-" + why.length(), "pw"))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0101"));
    }

    @Test
    void aViewerCannotWriteAndGetsAForbiddenProblem() {
        client().post()
                .uri("/v1/connections")
                .header("Authorization", "Bearer " + TOKENS.token(tenant, "viewer"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("viewer", "pw"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0102");
    }

    /** A workload that syncs data through the proxy holds {@code caller} only: it cannot change connections. */
    @Test
    void aCallerCannotWriteAndGetsAForbiddenProblem() {
        client().post()
                .uri("/v1/connections")
                .header("Authorization", "Bearer " + TOKENS.token(tenant, "caller"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("caller", "pw"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0102");
    }

    @Test
    void theTenantComesFromTheTokenNeverFromAHeader() {
        client().post()
                .uri("/v1/connections")
                .header("Authorization", editor(tenant))
                .header("X-Tenant-Id", "someone-else")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(postgresql("header-tenant", "pw"))
                .exchange()
                .expectStatus()
                .isCreated();

        org.assertj.core.api.Assertions.assertThat(jdbc.sql(
                                "SELECT tenant_id FROM live_connections WHERE config_name = 'header-tenant' AND tenant_id = ?")
                        .param(tenant)
                        .query(String.class)
                        .list())
                .containsExactly(tenant);
    }

    @Test
    void healthAnswersWithoutATokenAndShowsNoDetails() {
        client().get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components.db.status")
                .isEqualTo("UP")
                .jsonPath("$.components.db.details")
                .doesNotExist()
                .jsonPath("$.components.kafka.details")
                .doesNotExist();
    }

    @Test
    void noTenantTokenReachesWhatSpansTenantsNotEvenAnAdmins() {
        for (var token : java.util.List.of(
                TOKENS.token(tenant, "admin"),
                TOKENS.token(tenant, "editor"),
                // signed by the operator key but naming a tenant: a tenant's token, never an operator's
                TOKENS.signOperator(
                        TOKENS.operatorClaims().claim("tenant_id", tenant).build()),
                TOKENS.signOperator(TOKENS.operatorClaims().expirationTime(null).build()))) {
            client().post()
                    .uri("/v1/admin/vault/reseal")
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader()
                    .valueEquals("WWW-Authenticate", "Bearer")
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0101");
            client().get()
                    .uri("/actuator/prometheus")
                    .header("Authorization", "Bearer " + token)
                    .exchange()
                    .expectStatus()
                    .isUnauthorized()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code")
                    .isEqualTo("PBAY-0101");
        }
        client().post().uri("/v1/admin/vault/reseal").exchange().expectStatus().isUnauthorized();
        client().get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
        client().get()
                .uri("/actuator/prometheus")
                .header("Authorization", "Bearer " + TOKENS.operatorToken())
                .exchange()
                .expectStatus()
                .isOk();
    }
}
