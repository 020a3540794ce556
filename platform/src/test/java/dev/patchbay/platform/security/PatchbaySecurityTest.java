package dev.patchbay.platform.security;

import dev.patchbay.platform.test.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchbaySecurityTest {

    private final TestTokens tokens = new TestTokens();
    private final JwtProperties properties = new JwtProperties(null, new FileSystemResource(tokens.publicKeyPem()),
            TestTokens.ISSUER, TestTokens.AUDIENCE, "tenant_id", "roles", Duration.ofMinutes(5));

    @Test
    void aTokenFromTheTrustedKeyNamesTheCallerWithTheRolesItIncludes() {
        var jwt = new PatchbaySecurity().jwtDecoder(properties).decode(tokens.token("t1", "editor")).block();
        var caller = PatchbaySecurity.caller(jwt, properties);

        assertThat(caller.tenant().value()).isEqualTo("t1");
        assertThat(caller.subject()).isEqualTo("user-t1");
        assertThat(caller.roles()).containsExactlyInAnyOrder(Role.VIEWER, Role.EDITOR);
    }

    @Test
    void verifiedTokensAreCachedUnlessTheCachesTimeToLiveIsZero() {
        assertThat(new PatchbaySecurity().jwtDecoder(properties)).isInstanceOf(VerifiedTokenCache.class);

        var uncached = new JwtProperties(null, properties.publicKeyLocation(), TestTokens.ISSUER, TestTokens.AUDIENCE,
                "tenant_id", "roles", Duration.ZERO);
        assertThat(new PatchbaySecurity().jwtDecoder(uncached)).isInstanceOf(NimbusReactiveJwtDecoder.class);
    }

    @Test
    void theCacheKeepsVerifiedTokensForFiveMinutesUnlessConfiguredOtherwise() {
        var settings = new HashMap<>(Map.of("patchbay.security.jwt.public-key-location",
                "file:" + tokens.publicKeyPem(), "patchbay.security.jwt.issuer", TestTokens.ISSUER));
        assertThat(bind(settings).verifiedTokenCacheTtl()).isEqualTo(Duration.ofMinutes(5));

        settings.put("patchbay.security.jwt.verified-token-cache-ttl", "0");
        assertThat(bind(settings).verifiedTokenCacheTtl()).isZero();

        settings.put("patchbay.security.jwt.verified-token-cache-ttl", "-1s");
        assertThatThrownBy(() -> bind(settings)).hasRootCauseMessage(
                "patchbay.security.jwt.verified-token-cache-ttl must be 0 (no cache) or positive");
    }

    @Test
    void theCachesMetricsAreBoundUnderAFixedNameOnlyWhenThereIsACache() {
        var security = new PatchbaySecurity();
        var registry = new SimpleMeterRegistry();
        security.verifiedTokenCacheMetrics(security.jwtDecoder(properties)).bindTo(registry);
        assertThat(registry.get("cache.size").tag("cache", "verified-tokens").gauge().value()).isZero();

        var none = new SimpleMeterRegistry();
        security.verifiedTokenCacheMetrics(security.jwtDecoder(new JwtProperties(null, properties.publicKeyLocation(),
                TestTokens.ISSUER, TestTokens.AUDIENCE, "tenant_id", "roles", Duration.ZERO))).bindTo(none);
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
        for (var tenant : List.of("t\u0000x", "t\nx", "t\u007fx", "t".repeat(129), " ")) {
            assertThatThrownBy(() -> decoder.decode(tokens.token(tenant, "viewer")).block()).as("tenant %s", tenant)
                    .isInstanceOf(BadJwtException.class).hasMessageContaining("no tenant");
        }
        for (var subject : List.of("u\u0000x", "u\rx", "u".repeat(256))) {
            var token = tokens.sign(tokens.claims("t1", "viewer").subject(subject).build());
            assertThatThrownBy(() -> decoder.decode(token).block()).as("subject %s", subject)
                    .isInstanceOf(BadJwtException.class).hasMessageContaining("bad subject");
        }
        var accepted = decoder.decode(tokens.sign(tokens.claims("tenant-é-ü.1", "viewer").subject("u".repeat(255))
                .build())).block();
        assertThat(PatchbaySecurity.caller(accepted, properties).tenant().value()).isEqualTo("tenant-é-ü.1");
    }

    private static JwtProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bind("patchbay.security.jwt", JwtProperties.class).get();
    }
}
