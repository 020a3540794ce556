package dev.patchbay.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

import java.net.URI;
import java.util.Set;

/**
 * The operator credential: who may call what spans tenants ({@code /v1/admin/**}, {@code /actuator/prometheus}).
 * Operator tokens are JWTs checked against keys of their own (a JWK Set URI or a PEM public key), from their own
 * {@code issuer}, for their own {@code audience}; they must carry {@code exp} and must not carry the tenant claim. With
 * no key configured, every operator operation is refused to everyone.
 */
@ConfigurationProperties("patchbay.security.operator")
public record OperatorProperties(
        URI jwksUri,
        Resource publicKeyLocation,
        String issuer,
        @DefaultValue("patchbay-operator") String audience,
        @DefaultValue("RS256") Set<SignatureAlgorithm> algorithms) {

    public OperatorProperties {
        if (jwksUri != null && publicKeyLocation != null) {
            throw new IllegalStateException("set either patchbay.security.operator.jwks-uri or "
                    + "patchbay.security.operator.public-key-location, not both");
        }
        if ((jwksUri != null || publicKeyLocation != null) && (issuer == null || issuer.isBlank())) {
            throw new IllegalStateException("patchbay.security.operator.issuer is required with an operator key: "
                    + "operator tokens from any other issuer are refused");
        }
        if (audience == null || audience.isBlank()) {
            throw new IllegalStateException("patchbay.security.operator.audience must not be blank");
        }
        if (algorithms == null || algorithms.isEmpty()) {
            throw new IllegalStateException("patchbay.security.operator.algorithms must name at least one signature "
                    + "algorithm (default RS256)");
        }
        algorithms = Set.copyOf(algorithms);
    }

    /** Whether any operator key is configured; if not, no one is an operator. */
    public boolean configured() {
        return jwksUri != null || publicKeyLocation != null;
    }
}
