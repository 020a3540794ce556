package dev.patchbay.platform.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A configured PEM public key, and the only signature algorithms a token checked with it may use: those of the key's
 * type that the configuration allows, never every one the key type could verify.
 */
record TrustedKeys(JWK key, Set<JWSAlgorithm> algorithms) {

    static TrustedKeys fromPem(Resource pem, Set<SignatureAlgorithm> allowed) {
        var keys = fromPem(pem);
        var configured = allowed.stream()
                .map(algorithm -> JWSAlgorithm.parse(algorithm.getName()))
                .collect(Collectors.toSet());
        var usable = new HashSet<>(keys.algorithms());
        usable.retainAll(configured);
        if (usable.isEmpty()) {
            throw new IllegalStateException("the JWT public key at " + pem.getDescription() + " is a "
                    + keys.key().getKeyType() + " key, but none of the configured algorithms " + allowed
                    + " verifies with it");
        }
        return new TrustedKeys(keys.key(), Set.copyOf(usable));
    }

    /** The key, and every algorithm its type could verify (before the configuration narrows them). */
    private static TrustedKeys fromPem(Resource pem) {
        String text;
        try {
            text = pem.getContentAsString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JWT public key at " + pem.getDescription(), e);
        }
        var base64 = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        if (base64.isEmpty()) {
            throw new IllegalStateException("no PEM public key in " + pem.getDescription());
        }
        var spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        PublicKey key = parse(spec, pem);
        if (key instanceof RSAPublicKey rsa) {
            return new TrustedKeys(
                    new RSAKey.Builder(rsa).build(),
                    Set.of(
                            JWSAlgorithm.RS256,
                            JWSAlgorithm.RS384,
                            JWSAlgorithm.RS512,
                            JWSAlgorithm.PS256,
                            JWSAlgorithm.PS384,
                            JWSAlgorithm.PS512));
        }
        var ec = (ECPublicKey) key;
        var curve = Curve.forECParameterSpec(ec.getParams());
        var algorithm = curve == Curve.P_256
                ? JWSAlgorithm.ES256
                : curve == Curve.P_384 ? JWSAlgorithm.ES384 : JWSAlgorithm.ES512;
        return new TrustedKeys(new ECKey.Builder(curve, ec).build(), Set.of(algorithm));
    }

    private static PublicKey parse(X509EncodedKeySpec spec, Resource pem) {
        for (var algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(spec);
            } catch (GeneralSecurityException notThisKind) {
                // try the next kind
            }
        }
        throw new IllegalStateException("the JWT public key at " + pem.getDescription()
                + " is neither an RSA nor an EC public key in PEM (SubjectPublicKeyInfo)");
    }
}
