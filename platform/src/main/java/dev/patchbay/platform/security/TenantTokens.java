package dev.patchbay.platform.security;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * A tenant's bearer token checked outside Spring Security's filter chains, for a listener that is not a WebFlux
 * application (the probe worker's proxy): the same keys, algorithms, validators and verified-token cache as the API's
 * resource server, and the same {@link Caller} from the same claims. So a token means one thing on every port.
 */
public final class TenantTokens {

    private final ReactiveJwtDecoder decoder;
    private final JwtProperties properties;

    private TenantTokens(ReactiveJwtDecoder decoder, JwtProperties properties) {
        this.decoder = decoder;
        this.properties = properties;
    }

    public static TenantTokens of(JwtProperties properties) {
        var validator = PatchbaySecurity.validator(properties, Clock.systemUTC());
        ReactiveJwtDecoder decoder = PatchbaySecurity.decoder(properties, validator);
        var timeToLive = properties.verifiedTokenCacheTtl();
        if (!timeToLive.isZero()) {
            decoder = new VerifiedTokenCache(
                    decoder, validator, VerifiedTokenCache.MAXIMUM_TOKENS, timeToLive, Ticker.systemTicker());
        }
        return new TenantTokens(decoder, properties);
    }

    /**
     * The caller a bearer token names, or empty when the token is not one this platform trusts (bad signature,
     * expired, another issuer or audience, no tenant): the caller is then unauthenticated, whatever the reason.
     */
    public Mono<Caller> caller(String token) {
        if (token == null || token.isBlank()) {
            return Mono.empty();
        }
        return decoder.decode(token)
                .map(jwt -> PatchbaySecurity.caller(jwt, properties))
                .onErrorResume(JwtException.class, refused -> Mono.empty());
    }
}
