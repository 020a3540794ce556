package dev.patchbay.platform.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens as a real identity provider would sign them, with an RSA key whose public half is written to a PEM file
 * that the service under test is configured to trust (never fetched from the token).
 */
public final class TestTokens {

    public static final String ISSUER = "https://idp.test.patchbay.dev";
    public static final String AUDIENCE = "patchbay";

    private final KeyPair keys;
    private final Path publicKeyPem;

    public TestTokens() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            publicKeyPem = Files.createTempFile("patchbay-test-jwt", ".pem");
            var body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded());
            Files.writeString(publicKeyPem, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
            publicKeyPem.toFile().deleteOnExit();
        }
        catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Properties that make a service trust these tokens. */
    public Map<String, String> properties() {
        return Map.of("patchbay.security.jwt.public-key-location", "file:" + publicKeyPem,
                "patchbay.security.jwt.issuer", ISSUER, "patchbay.security.jwt.audience", AUDIENCE);
    }

    public Path publicKeyPem() {
        return publicKeyPem;
    }

    public KeyPair keys() {
        return keys;
    }

    /** A valid token for that tenant with those roles, subject {@code user-<tenant>}. */
    public String token(String tenant, String... roles) {
        return sign(claims(tenant, roles).build());
    }

    /** Claims of a valid token, to be altered by a test that wants an invalid one. */
    public JWTClaimsSet.Builder claims(String tenant, String... roles) {
        var now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-" + tenant)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).claim("tenant_id", tenant)
                .claim("roles", List.of(roles));
    }

    public String sign(JWTClaimsSet claims) {
        try {
            var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            return jwt.serialize();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh tenant id, so that tests stay apart without restarts. */
    public static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 12);
    }

}
