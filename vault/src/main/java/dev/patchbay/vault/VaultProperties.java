package dev.patchbay.vault;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * Where the vault's keys come from. Locally: a raw AES-256 wrapping key, base64 in {@code key} or in the file at
 * {@code key-file}. The fingerprint key (HMAC) likewise. Key values are never logged.
 *
 * @param keyName the wrapping key's name, recorded in every sealed blob; change it when the key changes
 */
@ConfigurationProperties("patchbay.vault")
public record VaultProperties(String key, Path keyFile, @DefaultValue("local-1") String keyName,
        String fingerprintKey, Path fingerprintKeyFile) {
}
