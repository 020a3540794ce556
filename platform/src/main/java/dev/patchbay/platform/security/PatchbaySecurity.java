package dev.patchbay.platform.security;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.PrintableText;
import dev.patchbay.platform.web.ProblemWriter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every endpoint but health, info, docs and the routes a service declares open ({@link ServiceRoutes}: command-service's
 * webhook receiver) needs a bearer JWT, checked against configured keys (Spring Security's resource server, on
 * nimbus-jose-jwt). There are two kinds, each with a filter chain of its own:
 * <ul>
 * <li>a tenant's token: the tenant and roles come from its claims. Reads need {@code viewer}; every write needs
 * {@code editor}.
 * <li>an operator's token ({@link OperatorProperties}), for what spans tenants: {@code /v1/admin/**} and the metrics.
 * It is checked against the operator's own keys, issuer and audience, and it must not name a tenant. No tenant token
 * satisfies it, whatever its roles: a tenant's {@code admin} is an admin of that tenant only.
 * </ul>
 * An operator credential rather than a management port: probes and load balancers keep the one port they use, and no
 * network position is trusted.
 */
@Configuration(proxyBeanMethods = false)
public class PatchbaySecurity {

    /** Paths that answer without a token, in every service. */
    static final String[] PUBLIC_PATHS = {
        "/actuator/health",
        "/actuator/health/**",
        "/actuator/info",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/webjars/**"
    };

    /** Paths that act on, or tell about, every tenant: an operator token only. */
    static final String[] OPERATOR_PATHS = {"/v1/admin/**", "/actuator/prometheus", "/actuator/prometheus/**"};

    /**
     * The trusted keys' decoder, behind a cache of the tokens it accepted (see {@link VerifiedTokenCache}) unless
     * {@code patchbay.security.jwt.verified-token-cache-ttl} is 0.
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties) {
        var validator = validator(properties, Clock.systemUTC());
        var decoder = decoder(properties, validator);
        var timeToLive = properties.verifiedTokenCacheTtl();
        return timeToLive.isZero()
                ? decoder
                : new VerifiedTokenCache(
                        decoder, validator, VerifiedTokenCache.MAXIMUM_TOKENS, timeToLive, Ticker.systemTicker());
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
        return decoder(properties.jwksUri(), properties.publicKeyLocation(), properties.algorithms(), validator);
    }

    /**
     * Checks a token's signature with the keys of a JWK Set or of a PEM file, by the allowed algorithms only, then its
     * claims with {@code validator}.
     */
    static NimbusReactiveJwtDecoder decoder(
            URI jwksUri,
            Resource publicKeyLocation,
            Set<SignatureAlgorithm> algorithms,
            OAuth2TokenValidator<Jwt> validator) {
        NimbusReactiveJwtDecoder decoder;
        if (publicKeyLocation != null) {
            var keys = TrustedKeys.fromPem(publicKeyLocation, algorithms);
            // The builder keeps a single algorithm; the key selector takes the whole allowed set.
            var trusted = new ImmutableJWKSet<JWKSecurityContext>(new JWKSet(keys.key()));
            decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.just(keys.key()))
                    .jwtProcessorCustomizer(processor ->
                            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(keys.algorithms(), trusted)))
                    .build();
        } else {
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwksUri.toString())
                    .jwsAlgorithms(allowed -> {
                        allowed.clear();
                        allowed.addAll(algorithms);
                    })
                    .build();
        }
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /**
     * What a token with a good signature must also say: Spring's defaults (type, timestamps against {@code clock},
     * certificate binding) with the issuer, then an expiry, audience, tenant and subject. No signature: cheap enough
     * for every request.
     */
    static OAuth2TokenValidator<Jwt> validator(JwtProperties properties, Clock clock) {
        var timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithValidators(timestamps, new JwtIssuerValidator(properties.issuer())),
                expiry(),
                audience(properties.audience()),
                tenant(properties.tenantClaim()),
                subject());
    }

    /**
     * What an operator token with a good signature must also say: the operator's issuer and audience, an expiry, a
     * subject, and no tenant claim at all (a token that names a tenant is that tenant's, never an operator's).
     */
    static OAuth2TokenValidator<Jwt> operatorValidator(OperatorProperties operator, String tenantClaim, Clock clock) {
        var timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithValidators(timestamps, new JwtIssuerValidator(operator.issuer())),
                expiry(),
                audience(operator.audience()),
                noTenant(tenantClaim),
                subject());
    }

    /**
     * The operator tokens' decoder: the operator's own keys, never cached (operators call rarely), or, with no
     * operator key configured, one that refuses every token.
     */
    static ReactiveJwtDecoder operatorDecoder(OperatorProperties operator, String tenantClaim, Clock clock) {
        if (!operator.configured()) {
            return token -> Mono.error(new BadJwtException("no operator key is configured"));
        }
        return decoder(
                operator.jwksUri(),
                operator.publicKeyLocation(),
                operator.algorithms(),
                operatorValidator(operator, tenantClaim, clock));
    }

    /**
     * The operator boundary, ahead of the tenants' chain: {@link #OPERATOR_PATHS} answer an operator token only.
     */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain operatorSecurityWebFilterChain(
            ServerHttpSecurity http, OperatorProperties operator, JwtProperties properties, ProblemWriter problems) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, ex) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return problems.write(
                    exchange,
                    ProblemCode.UNAUTHENTICATED,
                    "This operation spans tenants: it needs an operator token (a bearer JWT from the configured "
                            + "operator issuer, naming no tenant). A tenant's token never reaches it.");
        };
        ServerAccessDeniedHandler forbidden = (exchange, ex) -> problems.write(
                exchange, ProblemCode.FORBIDDEN, "This operation spans tenants: only an operator may call it.");
        var decoder = operatorDecoder(operator, properties.tenantClaim(), Clock.systemUTC());
        return common(http)
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers(OPERATOR_PATHS))
                .authorizeExchange(authorize -> authorize.anyExchange().hasRole(OperatorAuthentication.ROLE))
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtDecoder(decoder)
                                .jwtAuthenticationConverter(token -> Mono.just(new OperatorAuthentication(token))))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden))
                .build();
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain securityWebFilterChain(
            ServerHttpSecurity http,
            ReactiveJwtDecoder decoder,
            JwtProperties properties,
            ProblemWriter problems,
            ObjectProvider<ServiceRoutes> serviceRoutes) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, ex) -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return problems.write(
                    exchange,
                    ProblemCode.UNAUTHENTICATED,
                    "A valid bearer token from a trusted issuer, naming your tenant, is required.");
        };
        ServerAccessDeniedHandler forbidden = (exchange, ex) ->
                problems.write(exchange, ProblemCode.FORBIDDEN, "Your role does not allow this operation.");
        return common(http)
                .authorizeExchange(authorize -> {
                    authorize
                            .pathMatchers(PUBLIC_PATHS)
                            .permitAll()
                            // the operator chain answers these first; should a path slip past its matcher, no tenant
                            // role reaches it here either
                            .pathMatchers(OPERATOR_PATHS)
                            .denyAll();
                    serviceRoutes.orderedStream().forEach(service -> service.authorize(authorize));
                    authorize
                            .pathMatchers(HttpMethod.GET, "/v1/**")
                            .hasRole("viewer")
                            .pathMatchers(HttpMethod.HEAD, "/v1/**")
                            .hasRole("viewer")
                            .pathMatchers("/v1/**")
                            .hasRole("editor")
                            .anyExchange()
                            .authenticated();
                })
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.jwtDecoder(decoder)
                                .jwtAuthenticationConverter(
                                        token -> Mono.just(new CallerAuthentication(token, caller(token, properties)))))
                        .authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(unauthenticated).accessDeniedHandler(forbidden))
                .build();
    }

    /** What both chains share: a stateless API with bearer tokens only. */
    private static ServerHttpSecurity common(ServerHttpSecurity http) {
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()));
    }

    /**
     * A URL that Spring Security's firewall refuses (encoded slashes, control characters, ...) is a 400 problem like
     * any other, not an empty answer.
     */
    @Bean
    ServerExchangeRejectedHandler problemForRejectedExchanges(ProblemWriter problems) {
        return (exchange, rejected) -> problems.write(
                exchange, ProblemCode.VALIDATION_FAILED, "The request's URL has characters this API does not accept.");
    }

    static Caller caller(Jwt jwt, JwtProperties properties) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Object claim = jwt.getClaims().get(properties.rolesClaim());
        Collection<?> values = claim instanceof Collection<?> list
                ? list
                : claim instanceof String text ? List.of(text.split("[\\s,]+")) : List.of();
        for (Object value : values) {
            Role.parse(String.valueOf(value)).ifPresent(role -> roles.addAll(role.withIncluded()));
        }
        var subject = jwt.getSubject() == null ? "anonymous" : jwt.getSubject();
        return new Caller(TenantId.of(jwt.getClaimAsString(properties.tenantClaim())), subject, roles);
    }

    /** An expiry: Spring's timestamp validator lets a token without {@code exp} live for ever. */
    private static OAuth2TokenValidator<Jwt> expiry() {
        return jwt -> jwt.getExpiresAt() != null
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "no expiry", null));
    }

    /** No tenant claim at all, whatever its value. */
    private static OAuth2TokenValidator<Jwt> noTenant(String claim) {
        return jwt -> !jwt.hasClaim(claim)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "names a tenant", null));
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
        return jwt -> jwt.getClaims().get(claim) instanceof String tenant
                        && !tenant.isBlank()
                        && tenant.length() <= 128
                        && PrintableText.isPrintable(tenant)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "no tenant", null));
    }

    /** The subject, where there is one: at most 255 characters (as OpenID Connect allows), no control character. */
    private static OAuth2TokenValidator<Jwt> subject() {
        return jwt -> jwt.getSubject() == null
                        || jwt.getSubject().length() <= 255 && PrintableText.isPrintable(jwt.getSubject())
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "bad subject", null));
    }
}
