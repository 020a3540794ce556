package dev.patchbay.platform.security;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.web.ProblemWriter;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every endpoint but health, metrics, docs and the webhook receiver needs a bearer JWT, checked against configured
 * keys (Spring Security's resource server, on nimbus-jose-jwt). The tenant and roles come from the token's claims.
 * Reads need {@code viewer}; every write needs {@code editor}; operator endpoints under {@code /v1/admin} need
 * {@code admin}.
 */
@Configuration(proxyBeanMethods = false)
public class PatchbaySecurity {

    /** Paths that answer without a token. The webhook receiver's token is in its path. */
    static final String[] PUBLIC_PATHS = {"/actuator/health", "/actuator/health/**", "/actuator/info",
        "/actuator/prometheus", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
        "/webjars/**"};

    /**
     * The trusted keys' decoder, behind a cache of the tokens it accepted (see {@link VerifiedTokenCache}) unless
     * {@code patchbay.security.jwt.verified-token-cache-ttl} is 0.
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties) {
        var validator = validator(properties, Clock.systemUTC());
        var decoder = decoder(properties, validator);
        var timeToLive = properties.verifiedTokenCacheTtl();
        return timeToLive.isZero() ? decoder : new VerifiedTokenCache(decoder, validator,
                VerifiedTokenCache.MAXIMUM_TOKENS, timeToLive, Ticker.systemTicker());
    }

    /** The verified-token cache's hits, misses, evictions and size, tagged only {@code cache=verified-tokens}. */
    @Bean
    MeterBinder verifiedTokenCacheMetrics(ReactiveJwtDecoder jwtDecoder) {
        return registry -> {
            if (jwtDecoder instanceof VerifiedTokenCache cache) {
                cache.monitor(registry);
            }
        };
    }

    /** Checks a token's signature with the trusted keys, then its claims with {@code validator}. */
    static NimbusReactiveJwtDecoder decoder(JwtProperties properties, OAuth2TokenValidator<Jwt> validator) {
        NimbusReactiveJwtDecoder decoder;
        if (properties.publicKeyLocation() != null) {
            var keys = TrustedKeys.fromPem(properties.publicKeyLocation());
            // The builder keeps a single algorithm; the key selector takes the whole set the key type allows.
            var trusted = new ImmutableJWKSet<JWKSecurityContext>(new JWKSet(keys.key()));
            decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.just(keys.key()))
                    .jwtProcessorCustomizer(processor -> processor.setJWSKeySelector(
                            new JWSVerificationKeySelector<>(keys.algorithms(), trusted)))
                    .build();
        }
        else {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(properties.jwksUri().toString())
                    .jwsAlgorithms(algorithms -> algorithms.addAll(EnumSet.allOf(SignatureAlgorithm.class)))
                    .build();
        }
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /**
     * What a token with a good signature must also say: Spring's defaults (type, timestamps against {@code clock},
     * certificate binding) with the issuer, then audience, tenant and subject. No signature: cheap enough for every
     * request.
     */
    static OAuth2TokenValidator<Jwt> validator(JwtProperties properties, Clock clock) {
        var timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithValidators(timestamps, new JwtIssuerValidator(properties.issuer())),
                audience(properties.audience()), tenant(properties.tenantClaim()), subject());
    }

    @Bean
    SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
            JwtProperties properties, ProblemWriter problems) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, ex) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return problems.write(exchange, ProblemCode.UNAUTHENTICATED,
                    "A valid bearer token from a trusted issuer, naming your tenant, is required.");
        };
        ServerAccessDeniedHandler forbidden = (exchange, ex) -> problems.write(exchange, ProblemCode.FORBIDDEN,
                "Your role does not allow this operation.");
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(authorize -> authorize
                        .pathMatchers(PUBLIC_PATHS).permitAll()
                        .pathMatchers("/v1/admin/**").hasRole("admin")
                        .pathMatchers(HttpMethod.POST, "/v1/webhooks/tokens").hasRole("editor")
                        .pathMatchers(HttpMethod.POST, "/v1/webhooks/*/*").permitAll()
                        .pathMatchers(HttpMethod.GET, "/v1/**").hasRole("viewer")
                        .pathMatchers(HttpMethod.HEAD, "/v1/**").hasRole("viewer")
                        .pathMatchers("/v1/**").hasRole("editor")
                        .anyExchange().authenticated())
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.jwtDecoder(decoder).jwtAuthenticationConverter(
                                token -> Mono.just(new CallerAuthentication(token, caller(token, properties)))))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .build();
    }

    /**
     * A URL that Spring Security's firewall refuses (encoded slashes, control characters, ...) is a 400 problem like
     * any other, not an empty answer.
     */
    @Bean
    ServerExchangeRejectedHandler problemForRejectedExchanges(ProblemWriter problems) {
        return (exchange, rejected) -> problems.write(exchange, ProblemCode.VALIDATION_FAILED,
                "The request's URL has characters this API does not accept.");
    }

    static Caller caller(Jwt jwt, JwtProperties properties) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Object claim = jwt.getClaims().get(properties.rolesClaim());
        Collection<?> values = claim instanceof Collection<?> list ? list
                : claim instanceof String text ? List.of(text.split("[\\s,]+")) : List.of();
        for (Object value : values) {
            Role.parse(String.valueOf(value)).ifPresent(role -> roles.addAll(role.withIncluded()));
        }
        var subject = jwt.getSubject() == null ? "anonymous" : jwt.getSubject();
        return new Caller(TenantId.of(jwt.getClaimAsString(properties.tenantClaim())), subject, roles);
    }

    private static OAuth2TokenValidator<Jwt> audience(String audience) {
        return jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "wrong audience", null));
    }

    /**
     * The tenant: a non-blank string of at most 128 characters, none of them a control character. The tenant id is
     * stored (PostgreSQL refuses text with NUL), logged and put on every event; a NUL would make each write of that
     * tenant fail in the read tables for ever.
     */
    private static OAuth2TokenValidator<Jwt> tenant(String claim) {
        return jwt -> jwt.getClaims().get(claim) instanceof String tenant && !tenant.isBlank()
                && tenant.length() <= 128 && printable(tenant)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "no tenant", null));
    }

    /** The subject, where there is one: at most 255 characters (as OpenID Connect allows), no control character. */
    private static OAuth2TokenValidator<Jwt> subject() {
        return jwt -> jwt.getSubject() == null || jwt.getSubject().length() <= 255 && printable(jwt.getSubject())
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "bad subject", null));
    }

    private static boolean printable(String text) {
        return text.codePoints().noneMatch(Character::isISOControl);
    }
}
