package dev.patchbay.platform.consistency;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.Base64;

/**
 * The key that signs {@code Consistency-Token}s (HMAC-SHA256): command-service signs the tokens it hands out and
 * query-service checks them, so both must share it. Required, with no per-process fallback: a random key in each
 * service would make every token of the other one fail, and read-your-writes with it.
 *
 * @param key base64 of at least 32 random bytes ({@code openssl rand -base64 32}); environment
 *        {@code PATCHBAY_CONSISTENCY_KEY}
 */
@ConfigurationProperties("patchbay.consistency")
public record ConsistencyProperties(String key) {

    static final int MIN_KEY_BYTES = 32;

    public ConsistencyProperties {
        // the key's value is never echoed, not even here
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("patchbay.consistency.key (PATCHBAY_CONSISTENCY_KEY) is required: "
                    + "command-service signs Consistency-Tokens with it and query-service checks them, so both must "
                    + "share it (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)");
        }
        if (decode(key) == null || decode(key).length < MIN_KEY_BYTES) {
            throw new IllegalStateException("patchbay.consistency.key must be base64 of at least " + MIN_KEY_BYTES
                    + " bytes (e.g. `openssl rand -base64 32`)");
        }
    }

    /** The key's bytes. */
    public byte[] keyBytes() {
        return decode(key);
    }

    /** The setting without the key, which a record's generated {@code toString} would print. */
    @Override
    public String toString() {
        return "ConsistencyProperties[key=(redacted)]";
    }

    private static byte[] decode(String key) {
        try {
            return Base64.getDecoder().decode(key.strip());
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }
}
