package dev.patchbay.vault;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The {@link Vault} of a service, from its configured keys; a service with a missing or malformed key refuses to start. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VaultProperties.class)
public class VaultConfiguration {

    static final String KEY_NAMESPACE = "patchbay";

    @Bean
    Vault vault(VaultProperties properties) {
        byte[] wrappingKey = key("wrapping", properties.key(), properties.keyFile(), "PATCHBAY_VAULT_KEY");
        byte[] fingerprintKey = key("fingerprint", properties.fingerprintKey(), properties.fingerprintKeyFile(),
                "PATCHBAY_VAULT_FINGERPRINT_KEY");
        return new Vault(rawAesKeyring(properties.keyName(), wrappingKey), properties.keyName(), fingerprintKey);
    }

    static IKeyring rawAesKeyring(String keyName, byte[] wrappingKey) {
        var providers = MaterialProviders.builder()
                .MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build();
        return providers.CreateRawAesKeyring(CreateRawAesKeyringInput.builder().keyNamespace(KEY_NAMESPACE)
                .keyName(keyName).wrappingKey(ByteBuffer.wrap(wrappingKey))
                .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16).build());
    }

    static byte[] key(String which, String inline, Path file, String environmentName) {
        String base64;
        if (inline != null && !inline.isBlank()) {
            base64 = inline;
        }
        else if (file != null) {
            try {
                base64 = Files.readString(file);
            }
            catch (IOException e) {
                throw new IllegalStateException("cannot read the vault's " + which + " key file " + file + ": "
                        + e.getClass().getSimpleName());
            }
        }
        else {
            throw new IllegalStateException("the vault has no " + which + " key: set " + environmentName + " (base64 "
                    + "of 32 random bytes) or " + environmentName + "_FILE; bin/patchbay up makes one for local use");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException("the vault's " + which + " key is not base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException("the vault's " + which + " key must be 32 bytes (AES-256 / HMAC-SHA256); "
                    + "it is " + key.length);
        }
        return key;
    }
}
