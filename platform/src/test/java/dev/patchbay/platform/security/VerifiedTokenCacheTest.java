package dev.patchbay.platform.security;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.patchbay.platform.test.TestTokens;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.FileSystemResource;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The verified-token cache around the real decoder: real RSA keys, real signed tokens, the production validator on a
 * clock the test moves, and a Caffeine ticker the test moves. Nothing sleeps.
 */
class VerifiedTokenCacheTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final TestTokens ANOTHER_ISSUERS_KEYS = new TestTokens();
    private static final Duration TIME_TO_LIVE = Duration.ofMinutes(5);

    private final JwtProperties properties = new JwtProperties(
            null,
            new FileSystemResource(TOKENS.publicKeyPem()),
            TestTokens.ISSUER,
            TestTokens.AUDIENCE,
            "tenant_id",
            "roles",
            TIME_TO_LIVE,
            Set.of(SignatureAlgorithm.RS256));
    private final MovableClock clock = new MovableClock(Instant.now());
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;

    /** One validator for the decoder and the cache, as in production. */
    private final OAuth2TokenValidator<Jwt> validator = PatchbaySecurity.validator(properties, clock);

    private final CountingDecoder verifier = verifier();
    private final VerifiedTokenCache cache = new VerifiedTokenCache(verifier, validator, 4, TIME_TO_LIVE, ticker);

    @Test
    void aValidTokenDecodedTwiceIsVerifiedOnce() {
        var token = TOKENS.token("t1", "editor");

        var first = cache.decode(token).block();
        var second = cache.decode(token).block();

        assertThat(verifier.calls()).isEqualTo(1);
        assertThat(second).isSameAs(first);
        assertThat(second.getClaimAsString("tenant_id")).isEqualTo("t1");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aTokenThatExpiresAfterBeingCachedIsRejectedAsAnUncachedExpiredTokenIs() {
        var token = TOKENS.token("t1", "editor");
        cache.decode(token).block();

        // TestTokens sign for 10 minutes; the timestamp validator allows 60 s of skew.
        clock.advance(Duration.ofMinutes(12));
        var cached = catchThrowable(() -> cache.decode(token).block());
        var uncached = catchThrowable(() -> verifier().decode(token).block());

        assertThat(cached).isInstanceOf(JwtValidationException.class).hasMessageContaining("expired");
        assertThat(cached).hasSameClassAs(uncached).hasMessage(uncached.getMessage());
        assertThat(((JwtValidationException) cached).getErrors())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(((JwtValidationException) uncached).getErrors());
        assertThat(verifier.calls())
                .as("verified again, not answered from the cache")
                .isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenExpiredBeforeItWasCachedIsRejectedAsWithoutTheCache() {
        var token = TOKENS.sign(TOKENS.claims("t1", "editor")
                .issueTime(Date.from(clock.instant().minusSeconds(900)))
                .expirationTime(Date.from(clock.instant().minusSeconds(600)))
                .build());

        var cached = catchThrowable(() -> cache.decode(token).block());
        var uncached = catchThrowable(() -> verifier().decode(token).block());

        assertThat(cached)
                .isInstanceOf(JwtValidationException.class)
                .hasSameClassAs(uncached)
                .hasMessage(uncached.getMessage());
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenWithABadSignatureIsRejectedEveryTimeAndNeverCached() {
        var forged = ANOTHER_ISSUERS_KEYS.token("t1", "admin");
        var uncached = catchThrowable(() -> verifier().decode(forged).block());

        for (int attempt = 1; attempt <= 3; attempt++) {
            var refused = catchThrowable(() -> cache.decode(forged).block());
            assertThat(refused)
                    .isInstanceOf(BadJwtException.class)
                    .hasSameClassAs(uncached)
                    .hasMessage(uncached.getMessage());
            assertThat(verifier.calls()).as("a full verification each time").isEqualTo(attempt);
        }
        assertThat(cache.size()).isZero();
    }

    @Test
    void aWellSignedTokenThatAValidatorRefusesIsRejectedEveryTimeAndNeverCached() {
        var wrongAudience = TOKENS.sign(
                TOKENS.claims("t1", "editor").audience("someone-else").build());

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(catchThrowable(() -> cache.decode(wrongAudience).block()))
                    .isInstanceOf(JwtValidationException.class)
                    .hasMessageContaining("wrong audience");
        }
        assertThat(verifier.calls()).isEqualTo(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void twoDifferentTokensAreCachedApart() {
        var first = TOKENS.token("t1", "viewer");
        var second = TOKENS.token("t2", "admin");

        var decoded = IntStream.range(0, 4)
                .mapToObj(i -> cache.decode(i % 2 == 0 ? first : second).block())
                .toList();

        assertThat(verifier.calls()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(decoded)
                .extracting(jwt -> jwt.getClaimAsString("tenant_id"))
                .containsExactly("t1", "t2", "t1", "t2");
        assertThat(decoded).extracting(Jwt::getTokenValue).containsExactly(first, second, first, second);
    }

    @Test
    void theCacheHoldsAtMostItsBoundWhateverNumberOfTokensComes() {
        for (int i = 0; i < 20; i++) {
            cache.decode(TOKENS.token("t" + i, "viewer")).block();
        }

        assertThat(verifier.calls()).isEqualTo(20);
        assertThat(cache.size()).isLessThanOrEqualTo(4);
    }

    @Test
    void aCachedTokenIsVerifiedAgainOnceItsTimeInTheCacheIsUpEvenBeforeItExpires() {
        var token = TOKENS.token("t1", "editor");
        cache.decode(token).block();

        nanos.addAndGet(TIME_TO_LIVE.toNanos() + 1);
        cache.decode(token).block();

        assertThat(verifier.calls()).isEqualTo(2);
    }

    @Test
    void itsMetricsCountHitsAndMissesUnderAFixedNameAndNoTokenOrTenant() {
        var registry = new SimpleMeterRegistry();
        cache.monitor(registry);
        var token = TOKENS.token("tenant-in-no-tag", "editor");

        cache.decode(token).block();
        cache.decode(token).block();

        assertThat(registry.get("cache.gets")
                        .tags("cache", "verified-tokens", "result", "hit")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("cache.gets")
                        .tags("cache", "verified-tokens", "result", "miss")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.getMeters())
                .flatExtracting(meter -> meter.getId().getTags())
                .extracting(Tag::getValue)
                .allSatisfy(value ->
                        assertThat(value).doesNotContain("tenant-in-no-tag").isNotEqualTo(token));
        assertThat(registry.getMeters())
                .extracting(Meter::getId)
                .allSatisfy(id -> assertThat(id.getName()).startsWith("cache."));
    }

    /** The real decoder, uncached: a fresh one answers as the application would without the cache. */
    private CountingDecoder verifier() {
        return new CountingDecoder(PatchbaySecurity.decoder(properties, validator));
    }

    /** The real decoder, counting how often it is asked (each time: a signature check). */
    private static final class CountingDecoder implements ReactiveJwtDecoder {
        private final ReactiveJwtDecoder decoder;
        private final AtomicInteger calls = new AtomicInteger();

        CountingDecoder(ReactiveJwtDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public Mono<Jwt> decode(String token) {
            calls.incrementAndGet();
            return decoder.decode(token);
        }

        int calls() {
            return calls.get();
        }
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
