package dev.patchbay.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.patchbay.platform.test.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchbaySecurityTest {

    private static final Set<SignatureAlgorithm> RS256_ONLY = Set.of(SignatureAlgorithm.RS256);

    private final TestTokens tokens = new TestTokens();
    private final JwtProperties properties = new JwtProperties(
            null,
            new FileSystemResource(tokens.publicKeyPem()),
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            "tenant_id",
            "roles",
            Duration.ofMinutes(5),
            RS256_ONLY);

    @Test
    void aTokenFromTheTrustedKeyNamesTheCallerWithTheRolesItIncludes() {
        var jwt = new PatchbaySecurity()
                .jwtDecoder(properties)
                .decode(tokens.token("t1", "editor"))
                .block();
        var caller = PatchbaySecurity.caller(jwt, properties);

        assertThat(caller.tenant().value()).isEqualTo("t1");
        assertThat(caller.subject()).isEqualTo("user-t1");
        assertThat(caller.roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.EDITOR);
    }

    @Test
    void theCallerRoleStandsApartFromTheOthers() {
        var decoder = new PatchbaySecurity().jwtDecoder(properties);
        var callerOnly = PatchbaySecurity.caller(
                decoder.decode(tokens.token("t1", "caller")).block(), properties);
        var admin = PatchbaySecurity.caller(
                decoder.decode(tokens.token("t1", "admin")).block(), properties);

        assertThat(callerOnly.roles()).containsExactly(Role.CALLER);
        assertThat(admin.roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.EDITOR, Role.ADMIN);
    }

    @Test
    void tenantTokensNameTheSameCallerAsTheApiAndNobodyForAForgedToken() {
        var tenantTokens = TenantTokens.of(properties);

        var caller = tenantTokens.caller(tokens.token("t1", "caller")).block();
        assertThat(caller.tenant().value()).isEqualTo("t1");
        assertThat(caller.roles()).containsExactly(Role.CALLER);
        var forged = new TestTokens().token("t1", "caller");
        assertThat(tenantTokens.caller(forged).blockOptional()).isEmpty();
        assertThat(tenantTokens.caller("not-a-jwt").blockOptional()).isEmpty();
    }

    @Test
    void verifiedTokensAreCachedUnlessTheCachesTimeToLiveIsZero() {
        assertThat(new PatchbaySecurity().jwtDecoder(properties)).isInstanceOf(VerifiedTokenCache.class);

        var uncached = new JwtProperties(
                null,
                properties.publicKeyLocation(),
                TestTokens.ISSUER,
                TestTokens.AUDIENCE,
                "tenant_id",
                "roles",
                Duration.ZERO,
                RS256_ONLY);
        assertThat(new PatchbaySecurity().jwtDecoder(uncached)).isInstanceOf(NimbusReactiveJwtDecoder.class);
    }

    @Test
    void theCacheKeepsVerifiedTokensForFiveMinutesUnlessConfiguredOtherwise() {
        var settings = new HashMap<>(Map.of(
                "patchbay.security.jwt.public-key-location",
                "file:" + tokens.publicKeyPem(),
                "patchbay.security.jwt.issuer",
                TestTokens.ISSUER));
        assertThat(bind(settings).verifiedTokenCacheTtl()).isEqualTo(Duration.ofMinutes(5));

        settings.put("patchbay.security.jwt.verified-token-cache-ttl", "0");
        assertThat(bind(settings).verifiedTokenCacheTtl()).isZero();

        settings.put("patchbay.security.jwt.verified-token-cache-ttl", "-1s");
        assertThatThrownBy(() -> bind(settings))
                .hasRootCauseMessage("patchbay.security.jwt.verified-token-cache-ttl must be 0 (no cache) or positive");
    }

    @Test
    void theCachesMetricsAreBoundUnderAFixedNameOnlyWhenThereIsACache() {
        var security = new PatchbaySecurity();
        var registry = new SimpleMeterRegistry();
        security.verifiedTokenCacheMetrics(security.jwtDecoder(properties)).bindTo(registry);
        assertThat(registry.get("cache.size")
                        .tag("cache", "verified-tokens")
                        .gauge()
                        .value())
                .isZero();

        var none = new SimpleMeterRegistry();
        security.verifiedTokenCacheMetrics(security.jwtDecoder(new JwtProperties(
                        null,
                        properties.publicKeyLocation(),
                        TestTokens.ISSUER,
                        TestTokens.AUDIENCE,
                        "tenant_id",
                        "roles",
                        Duration.ZERO,
                        RS256_ONLY)))
                .bindTo(none);
        assertThat(none.getMeters()).isEmpty();
    }

    @Test
    void theCachedDecoderRefusesWhatTheTrustedKeyDidNotSign() {
        var decoder = new PatchbaySecurity().jwtDecoder(properties);
        var forged = new TestTokens().token("t1", "admin");

        assertThatThrownBy(() -> decoder.decode(forged).block()).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> decoder.decode(forged).block()).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aTenantOrSubjectWithControlCharactersOrTooLongIsRefused() {
        var decoder = new PatchbaySecurity().jwtDecoder(properties);
        for (var tenant : List.of("t\u0000x", "t\nx", "t\u007fx", "t\u2028x", "t".repeat(129), " ")) {
            assertThatThrownBy(
                            () -> decoder.decode(tokens.token(tenant, "viewer")).block())
                    .as("tenant %s", tenant)
                    .isInstanceOf(BadJwtException.class)
                    .hasMessageContaining("no tenant");
        }
        for (var subject : List.of("u\u0000x", "u\rx", "u\u2029x", "u".repeat(256))) {
            var token =
                    tokens.sign(tokens.claims("t1", "viewer").subject(subject).build());
            assertThatThrownBy(() -> decoder.decode(token).block())
                    .as("subject %s", subject)
                    .isInstanceOf(BadJwtException.class)
                    .hasMessageContaining("bad subject");
        }
        var accepted = decoder.decode(tokens.sign(tokens.claims("tenant-é-ü.1", "viewer")
                        .subject("u".repeat(255))
                        .build()))
                .block();
        assertThat(PatchbaySecurity.caller(accepted, properties).tenant().value())
                .isEqualTo("tenant-é-ü.1");
    }

    @Test
    void aTokenWithoutAnExpiryIsRefusedAndNeverCached() {
        var decoder = new PatchbaySecurity().jwtDecoder(properties);
        var forever =
                tokens.sign(tokens.claims("t1", "admin").expirationTime(null).build());

        assertThatThrownBy(() -> decoder.decode(forever).block())
                .isInstanceOf(BadJwtException.class)
                .hasMessageContaining("no expiry");
        assertThatThrownBy(() -> decoder.decode(forever).block()).isInstanceOf(BadJwtException.class);
        assertThat(((VerifiedTokenCache) decoder).size()).isZero();
    }

    @Test
    void anotherAlgorithmOfTheTrustedKeysTypeIsRefusedUnlessConfigured() {
        var decoder = new PatchbaySecurity().jwtDecoder(properties);
        for (var algorithm : List.of(JWSAlgorithm.PS256, JWSAlgorithm.RS512)) {
            var token = tokens.sign(tokens.claims("t1", "viewer").build(), algorithm);
            assertThatThrownBy(() -> decoder.decode(token).block())
                    .as("%s", algorithm)
                    .isInstanceOf(BadJwtException.class);
        }
        assertThat(((VerifiedTokenCache) decoder).size()).isZero();

        var widened = new PatchbaySecurity()
                .jwtDecoder(new JwtProperties(
                        null,
                        properties.publicKeyLocation(),
                        TestTokens.ISSUER,
                        TestTokens.AUDIENCE,
                        "tenant_id",
                        "roles",
                        Duration.ZERO,
                        Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256)));
        var ps256 = tokens.sign(tokens.claims("t1", "viewer").build(), JWSAlgorithm.PS256);
        assertThat(widened.decode(ps256).block().getClaimAsString("tenant_id")).isEqualTo("t1");
        var rs512 = tokens.sign(tokens.claims("t1", "viewer").build(), JWSAlgorithm.RS512);
        assertThatThrownBy(() -> widened.decode(rs512).block()).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aPemKeyThatNoConfiguredAlgorithmVerifiesIsAStartupError() {
        assertThatThrownBy(() -> new PatchbaySecurity()
                        .jwtDecoder(new JwtProperties(
                                null,
                                properties.publicKeyLocation(),
                                TestTokens.ISSUER,
                                TestTokens.AUDIENCE,
                                "tenant_id",
                                "roles",
                                Duration.ZERO,
                                Set.of(SignatureAlgorithm.ES256))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none of the configured algorithms");
    }

    @Test
    void algorithmsDefaultToRs256Only() {
        var settings = Map.of(
                "patchbay.security.jwt.public-key-location",
                "file:" + tokens.publicKeyPem(),
                "patchbay.security.jwt.issuer",
                TestTokens.ISSUER);
        assertThat(bind(settings).algorithms()).containsExactly(SignatureAlgorithm.RS256);

        var configured = new HashMap<>(settings);
        configured.put("patchbay.security.jwt.algorithms", "RS256,PS256");
        assertThat(bind(configured).algorithms())
                .containsExactlyInAnyOrder(SignatureAlgorithm.RS256, SignatureAlgorithm.PS256);
    }

    @Test
    void throughAJwkSetUriOnlyTheConfiguredAlgorithmsAreAcceptedAndAnExpiryIsRequired() throws Exception {
        var jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) tokens.keys().getPublic()).build()).toString();
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks.json", exchange -> {
            var body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            var uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json");
            var byDefault = new PatchbaySecurity()
                    .jwtDecoder(new JwtProperties(
                            uri,
                            null,
                            TestTokens.ISSUER,
                            TestTokens.AUDIENCE,
                            "tenant_id",
                            "roles",
                            Duration.ZERO,
                            RS256_ONLY));

            assertThat(byDefault.decode(tokens.token("t1", "viewer")).block().getClaimAsString("tenant_id"))
                    .isEqualTo("t1");
            for (var algorithm : List.of(JWSAlgorithm.PS256, JWSAlgorithm.RS512)) {
                var token = tokens.sign(tokens.claims("t1", "viewer").build(), algorithm);
                assertThatThrownBy(() -> byDefault.decode(token).block())
                        .as("%s", algorithm)
                        .isInstanceOf(BadJwtException.class);
            }
            var forever = tokens.sign(
                    tokens.claims("t1", "viewer").expirationTime(null).build());
            assertThatThrownBy(() -> byDefault.decode(forever).block())
                    .isInstanceOf(BadJwtException.class)
                    .hasMessageContaining("no expiry");

            var widened = new PatchbaySecurity()
                    .jwtDecoder(new JwtProperties(
                            uri,
                            null,
                            TestTokens.ISSUER,
                            TestTokens.AUDIENCE,
                            "tenant_id",
                            "roles",
                            Duration.ZERO,
                            Set.of(SignatureAlgorithm.RS512)));
            var rs512 = tokens.sign(tokens.claims("t1", "viewer").build(), JWSAlgorithm.RS512);
            assertThat(widened.decode(rs512).block().getClaimAsString("tenant_id"))
                    .isEqualTo("t1");
            assertThatThrownBy(
                            () -> widened.decode(tokens.token("t1", "viewer")).block())
                    .isInstanceOf(BadJwtException.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anOperatorTokenIsAcceptedByTheOperatorDecoderOnly() {
        var operatorDecoder = PatchbaySecurity.operatorDecoder(
                operator(tokens.operatorPublicKeyPem()), "tenant_id", Clock.systemUTC());

        assertThat(operatorDecoder.decode(tokens.operatorToken()).block().getSubject())
                .isEqualTo("ops-oncall");
        assertThatThrownBy(() -> new PatchbaySecurity()
                        .jwtDecoder(properties)
                        .decode(tokens.operatorToken())
                        .block())
                .isInstanceOf(BadJwtException.class);
    }

    @Test
    void noTenantTokenIsAnOperatorsEvenAnAdminsSignedByTheOperatorKey() {
        var operatorDecoder = PatchbaySecurity.operatorDecoder(
                operator(tokens.operatorPublicKeyPem()), "tenant_id", Clock.systemUTC());
        assertThatThrownBy(() ->
                        operatorDecoder.decode(tokens.token("t1", "admin")).block())
                .isInstanceOf(BadJwtException.class);

        // one key for both: the tenant's token still names a tenant and is for the tenants' audience
        var sameKey = PatchbaySecurity.operatorDecoder(
                new OperatorProperties(
                        null,
                        new FileSystemResource(tokens.publicKeyPem()),
                        TestTokens.ISSUER,
                        "patchbay-operator",
                        RS256_ONLY),
                "tenant_id",
                Clock.systemUTC());
        assertThatThrownBy(() -> sameKey.decode(tokens.token("t1", "admin")).block())
                .isInstanceOf(BadJwtException.class);
        var tenantForOperators = tokens.sign(
                tokens.claims("t1", "admin").audience("patchbay-operator").build());
        assertThatThrownBy(() -> sameKey.decode(tenantForOperators).block())
                .isInstanceOf(BadJwtException.class)
                .hasMessageContaining("names a tenant");
    }

    @Test
    void anOperatorTokenWithoutAnExpiryOrNamingATenantIsRefused() {
        var operatorDecoder = PatchbaySecurity.operatorDecoder(
                operator(tokens.operatorPublicKeyPem()), "tenant_id", Clock.systemUTC());

        var forever =
                tokens.signOperator(tokens.operatorClaims().expirationTime(null).build());
        assertThatThrownBy(() -> operatorDecoder.decode(forever).block())
                .isInstanceOf(BadJwtException.class)
                .hasMessageContaining("no expiry");
        var namingATenant = tokens.signOperator(
                tokens.operatorClaims().claim("tenant_id", "t1").build());
        assertThatThrownBy(() -> operatorDecoder.decode(namingATenant).block())
                .isInstanceOf(BadJwtException.class)
                .hasMessageContaining("names a tenant");
        var wrongAudience =
                tokens.signOperator(tokens.operatorClaims().audience("patchbay").build());
        assertThatThrownBy(() -> operatorDecoder.decode(wrongAudience).block()).isInstanceOf(BadJwtException.class);
    }

    @Test
    void withNoOperatorKeyConfiguredNoOneIsAnOperator() {
        var none = new OperatorProperties(null, null, null, "patchbay-operator", RS256_ONLY);
        assertThat(none.configured()).isFalse();

        var operatorDecoder = PatchbaySecurity.operatorDecoder(none, "tenant_id", Clock.systemUTC());

        assertThatThrownBy(() -> operatorDecoder.decode(tokens.operatorToken()).block())
                .isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() ->
                        operatorDecoder.decode(tokens.token("t1", "admin")).block())
                .isInstanceOf(BadJwtException.class);
    }

    @Test
    void anOperatorKeyWithoutAnIssuerIsAStartupError() {
        assertThatThrownBy(() -> new OperatorProperties(
                        null,
                        new FileSystemResource(tokens.operatorPublicKeyPem()),
                        null,
                        "patchbay-operator",
                        RS256_ONLY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("patchbay.security.operator.issuer");
    }

    private static OperatorProperties operator(Path pem) {
        return new OperatorProperties(
                null,
                new FileSystemResource(pem),
                TestTokens.OPERATOR_ISSUER,
                TestTokens.OPERATOR_AUDIENCE,
                RS256_ONLY);
    }

    private static JwtProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bind("patchbay.security.jwt", JwtProperties.class)
                .get();
    }
}
