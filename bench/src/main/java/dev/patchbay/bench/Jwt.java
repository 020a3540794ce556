package dev.patchbay.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.UUID;

/**
 * RS256 tokens signed with the local stack's key ({@code .patchbay/keys/jwt-private.pem}), the same claims that
 * {@code bin/patchbay token} writes: one token per benchmark tenant, minted here rather than by 30 shell calls.
 */
final class Jwt {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    Jwt(Path privateKeyPem, String issuer, String audience) throws Exception {
        var pem = Files.readString(privateKeyPem);
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalArgumentException(privateKeyPem + " is not a PKCS#8 PEM private key");
        }
        var der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        this.issuer = issuer;
        this.audience = audience;
    }

    /** An operator's token (no tenant, no roles), valid for two hours: sign with the operator key. */
    String operator() {
        long now = System.currentTimeMillis() / 1000;
        return sign("{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"bench-operator\",\"iat\":"
                + now + ",\"exp\":" + (now + 7200) + ",\"jti\":\"" + UUID.randomUUID() + "\"}");
    }

    /** A token for {@code tenant} with the roles viewer and editor, valid for two hours. */
    String token(String tenant) {
        return token(tenant, "viewer", "editor");
    }

    /** A token for {@code tenant} with these roles, valid for two hours. */
    String token(String tenant, String... roles) {
        long now = System.currentTimeMillis() / 1000;
        var claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"bench\",\"tenant_id\":\""
                + tenant + "\",\"roles\":[\"" + String.join("\",\"", roles) + "\"],\"iat\":" + now + ",\"exp\":" + (now + 7200)
                + ",\"jti\":\"" + UUID.randomUUID() + "\"}";
        return sign(claims);
    }

    private String sign(String claims) {
        var header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        var input = URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            var signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + URL.encodeToString(signature.sign());
        }
        catch (Exception e) {
            throw new IllegalStateException("could not sign a token", e);
        }
    }
}
