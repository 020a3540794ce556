package dev.patchbay.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Where trusted keys come from and what a token must say. Keys are configured, never fetched from the token:
 * either a JWK Set URI or a PEM public key (RSA or EC). A token whose signature was checked is trusted without a new
 * check for at most {@code verifiedTokenCacheTtl} (0: every request is checked); its claims are checked every time.
 * Only the signature {@code algorithms} listed are accepted (default RS256), whatever the key source: a JWK Set or a
 * PEM key does not widen them to every algorithm its key type could verify.
 */
@ConfigurationProperties("patchbay.security.jwt")
public record JwtProperties(
        URI jwksUri,
        Resource publicKeyLocation,
        String issuer,
        @DefaultValue("patchbay") String audience,
        @DefaultValue("tenant_id") String tenantClaim,
        @DefaultValue("roles") String rolesClaim,
        @DefaultValue("5m") Duration verifiedTokenCacheTtl,
        @DefaultValue("RS256") Set<SignatureAlgorithm> algorithms) {

    public JwtProperties {
        if (jwksUri == null && publicKeyLocation == null) {
            throw new IllegalStateException("Patchbay trusts no token issuer yet: set patchbay.security.jwt.jwks-uri "
                    + "or patchbay.security.jwt.public-key-location (PATCHBAY_SECURITY_JWT_PUBLIC_KEY_LOCATION)");
        }
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalStateException(
                    "patchbay.security.jwt.issuer is required: tokens from any other issuer " + "are refused");
        }
        if (verifiedTokenCacheTtl == null || verifiedTokenCacheTtl.isNegative()) {
            throw new IllegalStateException(
                    "patchbay.security.jwt.verified-token-cache-ttl must be 0 (no cache) or " + "positive");
        }
        if (algorithms == null || algorithms.isEmpty()) {
            throw new IllegalStateException(
                    "patchbay.security.jwt.algorithms must name at least one signature " + "algorithm (default RS256)");
        }
        algorithms = Set.copyOf(algorithms);
    }
}
