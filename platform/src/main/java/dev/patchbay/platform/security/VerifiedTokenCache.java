package dev.patchbay.platform.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * Clients reuse one bearer token for many requests, and checking its RS256 signature again on each is a large share
 * of a service's CPU (bench/RESULTS.md). So a token the real decoder accepted (signature and every validator) is kept, by
 * its SHA-256, and its signature is not checked again while it is kept. A token the decoder refused is never kept: a
 * forged one costs a full check every time.
 * <p>
 * On every hit the decoder's own validator runs again on the kept {@link Jwt} (no signature: cheap), so expiry,
 * not-before, issuer, audience and tenant hold exactly as without the cache. A kept token that now fails it is dropped
 * and decoded afresh, which gives the caller the decoder's own error.
 * <p>
 * Bounded in entries, so that a flood of distinct tokens cannot grow the heap, and in age, so that a key taken out of
 * the JWK Set stops vouching for the tokens it signed within that time whatever their {@code exp}.
 */
final class VerifiedTokenCache implements ReactiveJwtDecoder {

    /** At a few KiB per decoded token, at most about 10 MiB of a 192 MiB heap. */
    static final long MAXIMUM_TOKENS = 4_096;

    /** The {@code cache} tag of its metrics: fixed, never a token or a tenant. */
    static final String METRICS_NAME = "verified-tokens";

    private final ReactiveJwtDecoder decoder;
    private final OAuth2TokenValidator<Jwt> validator;
    private final Cache<String, Jwt> verified;

    /**
     * @param decoder checks the signature, then the claims with {@code validator}
     * @param validator the very validator {@code decoder} applies, run again on each hit
     */
    VerifiedTokenCache(
            ReactiveJwtDecoder decoder,
            OAuth2TokenValidator<Jwt> validator,
            long maximumTokens,
            Duration timeToLive,
            Ticker ticker) {
        this.decoder = decoder;
        this.validator = validator;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maximumTokens)
                .expireAfterWrite(timeToLive)
                .ticker(ticker)
                .recordStats()
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        if (token == null) {
            return decoder.decode(null);
        }
        return Mono.defer(() -> {
            var key = sha256(token);
            var kept = verified.getIfPresent(key);
            // Comparing the token too makes two strings with one UTF-8 encoding (lone surrogates) a miss, never a hit.
            if (kept != null && kept.getTokenValue().equals(token)) {
                if (!validator.validate(kept).hasErrors()) {
                    return Mono.just(kept);
                }
                verified.asMap().remove(key, kept);
            }
            return decoder.decode(token).doOnNext(accepted -> verified.put(key, accepted));
        });
    }

    /** Hits, misses, evictions and size as Micrometer's {@code cache.*} meters, tagged {@code cache=verified-tokens}. */
    void monitor(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, verified, METRICS_NAME);
    }

    /** How many tokens are kept, once pending evictions are done. */
    long size() {
        verified.cleanUp();
        return verified.estimatedSize();
    }

    private static String sha256(String token) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException everyJavaHasIt) {
            throw new IllegalStateException(everyJavaHasIt);
        }
    }
}
