package dev.patchbay.query.platform;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Signs what the service hands out and takes back later (pagination cursors) with HMAC-SHA256, so that a cursor
 * cannot be forged, altered, or carried over to another tenant.
 */
public final class CursorSigner {

    public static final int SIGNATURE_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public CursorSigner(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("a cursor key has at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    public byte[] sign(byte[] message) {
        try {
            var mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether the signature is this key's for that message, compared in constant time. */
    public boolean verify(byte[] message, byte[] signature) {
        return MessageDigest.isEqual(sign(message), signature);
    }
}
