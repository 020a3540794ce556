package dev.patchbay.vault;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateAwsKmsKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateMultiKeyringInput;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link Vault} of a service, from its configured keys. A missing or malformed key, or a keyring that cannot
 * seal and open, stops the service at start with a message that says which, instead of failing on each decrypt.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VaultProperties.class)
public class VaultConfiguration {

    static final String KEY_NAMESPACE = "patchbay";
    private static final MaterialProviders PROVIDERS = MaterialProviders.builder()
            .MaterialProvidersConfig(MaterialProvidersConfig.builder().build())
            .build();

    @Bean
    Vault vault(VaultProperties properties) {
        byte[] fingerprintKey = key(
                "fingerprint",
                properties.fingerprintKey(),
                properties.fingerprintKeyFile(),
                "PATCHBAY_VAULT_FINGERPRINT_KEY");
        var vault = properties.keyring() == VaultProperties.Keyring.AWS_KMS
                ? kmsVault(properties, fingerprintKey)
                : localVault(properties, fingerprintKey);
        vault.selfTest();
        return vault;
    }

    private static Vault localVault(VaultProperties properties, byte[] fingerprintKey) {
        byte[] current = key("wrapping", properties.key(), properties.keyFile(), "PATCHBAY_VAULT_KEY");
        var checkValues = new LinkedHashMap<String, String>();
        checkValues.put(properties.keyName(), Vault.checkValue(current));
        var sealing = rawAesKeyring(properties.keyName(), current);
        var older = new ArrayList<IKeyring>();
        for (var previous : properties.previousKeys()) {
            if (previous.name() == null || previous.name().equals(properties.keyName())) {
                throw new IllegalStateException("each of patchbay.vault.previous-keys needs a name of its own, other "
                        + "than the current key's (" + properties.keyName() + ")");
            }
            byte[] key = key(
                    "previous (" + previous.name() + ")",
                    previous.key(),
                    previous.keyFile(),
                    "PATCHBAY_VAULT_PREVIOUS_KEYS_n_KEY");
            checkValues.put(previous.name(), Vault.checkValue(key));
            older.add(rawAesKeyring(previous.name(), key));
        }
        return new Vault(sealing, opening(sealing, older), properties.keyName(), fingerprintKey, checkValues);
    }

    private static Vault kmsVault(VaultProperties properties, byte[] fingerprintKey) {
        var kms = properties.kms();
        if (kms == null || kms.keyArn() == null || kms.keyArn().isBlank()) {
            throw new IllegalStateException(
                    "patchbay.vault.keyring is aws-kms but patchbay.vault.kms.key-arn is not set");
        }
        var builder = KmsClient.builder()
                .credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (kms.region() != null) {
            builder.region(Region.of(kms.region()));
        }
        if (kms.endpoint() != null) {
            builder.endpointOverride(kms.endpoint());
        }
        var client = builder.build();
        var sealing = kmsKeyring(kms.keyArn(), client);
        var older = kms.previousKeyArns().stream()
                .map(arn -> kmsKeyring(arn, client))
                .toList();
        return new Vault(sealing, opening(sealing, older), kms.keyArn(), fingerprintKey, Map.of());
    }

    static IKeyring rawAesKeyring(String keyName, byte[] wrappingKey) {
        return PROVIDERS.CreateRawAesKeyring(CreateRawAesKeyringInput.builder()
                .keyNamespace(KEY_NAMESPACE)
                .keyName(keyName)
                .wrappingKey(ByteBuffer.wrap(wrappingKey))
                .wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16)
                .build());
    }

    private static IKeyring kmsKeyring(String keyArn, KmsClient client) {
        return PROVIDERS.CreateAwsKmsKeyring(CreateAwsKmsKeyringInput.builder()
                .kmsKeyId(keyArn)
                .kmsClient(client)
                .build());
    }

    /** The current keyring, and the older ones after it: a blob opens with whichever sealed it. */
    static IKeyring opening(IKeyring current, List<IKeyring> older) {
        if (older.isEmpty()) {
            return current;
        }
        return PROVIDERS.CreateMultiKeyring(CreateMultiKeyringInput.builder()
                .generator(current)
                .childKeyrings(older)
                .build());
    }

    static byte[] key(String which, String inline, Path file, String environmentName) {
        String base64;
        if (inline != null && !inline.isBlank()) {
            base64 = inline;
        } else if (file != null) {
            try {
                base64 = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the vault's " + which + " key file " + file + ": "
                        + e.getClass().getSimpleName());
            }
        } else {
            throw new IllegalStateException("the vault has no " + which + " key: set " + environmentName + " (base64 "
                    + "of 32 random bytes) or " + environmentName + "_FILE; bin/patchbay up makes one for local use");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the vault's " + which + " key is not base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException(
                    "the vault's " + which + " key must be 32 bytes (AES-256 / HMAC-SHA256); " + "it is " + key.length);
        }
        return key;
    }
}
