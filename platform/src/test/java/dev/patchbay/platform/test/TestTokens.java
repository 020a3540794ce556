package dev.patchbay.platform.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.patchbay.platform.consistency.ConsistencyTokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens as a real identity provider would sign them, with an RSA key whose public half is written to a PEM file
 * that the service under test is configured to trust (never fetched from the token); operator tokens likewise, with
 * a key pair of their own.
 */
public final class TestTokens {

    public static final String ISSUER = "https://idp.test.patchbay.dev";
    public static final String AUDIENCE = "patchbay";
    public static final String OPERATOR_ISSUER = "https://operators.test.patchbay.dev";
    public static final String OPERATOR_AUDIENCE = "patchbay-operator";

    private final KeyPair keys;
    private final Path publicKeyPem;
    private final KeyPair operatorKeys;
    private final Path operatorPublicKeyPem;
    private final byte[] consistencyKey = new byte[32];

    public TestTokens() {
        keys = rsaKeyPair();
        publicKeyPem = pem(keys, "patchbay-test-jwt");
        operatorKeys = rsaKeyPair();
        operatorPublicKeyPem = pem(operatorKeys, "patchbay-test-operator");
        new SecureRandom().nextBytes(consistencyKey);
    }

    private static KeyPair rsaKeyPair() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path pem(KeyPair keys, String prefix) {
        try {
            var file = Files.createTempFile(prefix, ".pem");
            var body = Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(keys.getPublic().getEncoded());
            Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Properties that make a service trust these tokens: the tenants' and the operators' bearer tokens, and the
     * Consistency-Tokens of {@link #consistencyTokens()} (the key command-service and query-service share).
     */
    public Map<String, String> properties() {
        return Map.of(
                "patchbay.security.jwt.public-key-location",
                "file:" + publicKeyPem,
                "patchbay.security.jwt.issuer",
                ISSUER,
                "patchbay.security.jwt.audience",
                AUDIENCE,
                "patchbay.security.operator.public-key-location",
                "file:" + operatorPublicKeyPem,
                "patchbay.security.operator.issuer",
                OPERATOR_ISSUER,
                "patchbay.consistency.key",
                Base64.getEncoder().encodeToString(consistencyKey));
    }

    /** Signs Consistency-Tokens as command-service does, with the key of {@link #properties()}. */
    public ConsistencyTokens consistencyTokens() {
        return new ConsistencyTokens(consistencyKey, Clock.systemUTC());
    }

    public Path operatorPublicKeyPem() {
        return operatorPublicKeyPem;
    }

    /** A valid operator token: the operator key, issuer and audience, an expiry, no tenant claim. */
    public String operatorToken() {
        return signOperator(operatorClaims().build());
    }

    /** Claims of a valid operator token, to be altered by a test that wants an invalid one. */
    public JWTClaimsSet.Builder operatorClaims() {
        var now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(OPERATOR_ISSUER)
                .audience(OPERATOR_AUDIENCE)
                .subject("ops-oncall")
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
    }

    public String signOperator(JWTClaimsSet claims) {
        return sign(claims, JWSAlgorithm.RS256, operatorKeys);
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
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject("user-" + tenant)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("tenant_id", tenant)
                .claim("roles", List.of(roles));
    }

    public String sign(JWTClaimsSet claims) {
        return sign(claims, JWSAlgorithm.RS256);
    }

    /** Signed with the tenants' key by that algorithm (RS256, RS384, RS512, PS256, PS384 or PS512). */
    public String sign(JWTClaimsSet claims, JWSAlgorithm algorithm) {
        return sign(claims, algorithm, keys);
    }

    private static String sign(JWTClaimsSet claims, JWSAlgorithm algorithm, KeyPair keys) {
        try {
            var jwt = new SignedJWT(new JWSHeader(algorithm), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh tenant id, so that tests stay apart without restarts. */
    public static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 12);
    }
}
