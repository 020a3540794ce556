package dev.patchbay.vault;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the vault's keys come from. Key values are never logged.
 *
 * <p>{@code keyring: local} (the default) wraps data keys with a raw AES-256 key, base64 in {@code key} or in the
 * file at {@code key-file}, named {@code key-name}. {@code previous-keys} are the keys that sealed older rows: they
 * open, never seal, until a reseal has moved every row to the current key.
 *
 * <p>{@code keyring: aws-kms} wraps data keys with the KMS key {@code kms.key-arn}; {@code kms.previous-key-arns}
 * open older rows. {@code kms.endpoint} points the client elsewhere (a VPC endpoint, or a local stand-in in tests).
 *
 * <p>The fingerprint key (HMAC-SHA256, 32 bytes) is separate: it must stay the same for fingerprints to stay
 * comparable, whatever the wrapping key.
 */
@ConfigurationProperties("patchbay.vault")
public record VaultProperties(
        @DefaultValue("local") Keyring keyring,
        String key,
        Path keyFile,
        @DefaultValue("local-1") String keyName,
        List<PreviousKey> previousKeys,
        String fingerprintKey,
        Path fingerprintKeyFile,
        Kms kms) {

    public VaultProperties {
        previousKeys = previousKeys == null ? List.of() : List.copyOf(previousKeys);
    }

    /**
     * The settings without the keys: a record's generated {@code toString} would print them, and properties end up
     * in logs and failure messages (a binding error, a debugger, a careless log line).
     */
    @Override
    public String toString() {
        return "VaultProperties[keyring=" + keyring + ", key=" + redacted(key) + ", keyFile=" + keyFile + ", keyName="
                + keyName + ", previousKeys=" + previousKeys + ", fingerprintKey=" + redacted(fingerprintKey)
                + ", fingerprintKeyFile=" + fingerprintKeyFile + ", kms=" + kms + "]";
    }

    static String redacted(String secret) {
        return secret == null ? "null" : "(redacted)";
    }

    public enum Keyring {
        LOCAL,
        AWS_KMS
    }

    /** An older local wrapping key, for opening only. */
    public record PreviousKey(String name, String key, Path keyFile) {

        @Override
        public String toString() {
            return "PreviousKey[name=" + name + ", key=" + redacted(key) + ", keyFile=" + keyFile + "]";
        }
    }

    public record Kms(String keyArn, String region, URI endpoint, List<String> previousKeyArns) {

        public Kms {
            previousKeyArns = previousKeyArns == null ? List.of() : List.copyOf(previousKeyArns);
        }
    }
}
