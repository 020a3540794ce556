package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AWS KMS keyring, chosen by configuration, against a local server that speaks the KMS protocol (see
 * {@link KmsStandIn}: KMS itself cannot be reached from here). The AWS SDK's real KMS client and the Encryption
 * SDK's real KMS keyring do the talking.
 */
class KmsKeyringTest {

    private static final String KEY_1 = "arn:aws:kms:eu-west-1:111122223333:key/" + UUID.randomUUID();
    private static final String KEY_2 = "arn:aws:kms:eu-west-1:111122223333:key/" + UUID.randomUUID();
    private static final String CANARY = "kms-canary-" + UUID.randomUUID();
    private static KmsStandIn kms;

    private final SealingContext context =
            new SealingContext(TenantId.of("t-kms"), new ConnectionId(UUID.randomUUID()), 3, SealingContext.CREDENTIAL);
    private final String fingerprintKey = randomKey();

    @BeforeAll
    static void kmsStandsIn() throws Exception {
        System.setProperty("aws.accessKeyId", "AKIDSTANDIN");
        System.setProperty("aws.secretAccessKey", "stand-in-secret");
        kms = new KmsStandIn();
    }

    @AfterAll
    static void stop() {
        kms.close();
    }

    @Test
    void theKmsKeyringSealsUnderTheConfiguredKeyWithTheEncryptionContextAndOpensAgain() {
        var vault = vault(KEY_1, List.of());
        var sealed = vault.seal(Credential.of(Map.of("password", CANARY)), context);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(CANARY);
        try (var opened = vault.open(sealed, context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
        }
        assertThat(vault.keyName()).isEqualTo(KEY_1);
        assertThat(kms.calls()).anySatisfy(call -> {
            assertThat(call.operation()).isEqualTo("GenerateDataKey");
            assertThat(call.keyId()).isEqualTo(KEY_1);
            assertThat(call.encryptionContext())
                    .containsEntry("tenant_id", "t-kms")
                    .containsEntry("connection_id", context.connectionId().toString())
                    .containsEntry("credential_version", "3")
                    .containsEntry("purpose", "credential");
        });
        assertThat(kms.calls()).anySatisfy(call -> assertThat(call.operation()).isEqualTo("Decrypt"));
        assertThatThrownBy(() -> vault.open(
                        sealed,
                        new SealingContext(
                                TenantId.of("t-other"), context.connectionId(), 3, SealingContext.CREDENTIAL)))
                .isInstanceOf(SealedCredentialUnreadable.class);
    }

    @Test
    void afterAKeyChangeRowsSealedUnderThePreviousKmsKeyOpenUntilResealed() {
        var sealedUnderKey1 = vault(KEY_1, List.of()).seal(Credential.of(Map.of("password", CANARY)), context);

        var withPrevious = vault(KEY_2, List.of(KEY_1));
        try (var opened = withPrevious.open(sealedUnderKey1, context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
        }
        assertThatThrownBy(() -> vault(KEY_2, List.of()).open(sealedUnderKey1, context))
                .isInstanceOf(SealedCredentialUnreadable.class);
    }

    @Test
    void aKmsKeyringWithoutAKeyArnIsRefusedAtStart() {
        var properties = new VaultProperties(
                VaultProperties.Keyring.AWS_KMS,
                null,
                null,
                "k",
                List.of(),
                fingerprintKey,
                null,
                new VaultProperties.Kms(null, "eu-west-1", kms.endpoint(), List.of()));
        assertThatThrownBy(() -> new VaultConfiguration().vault(properties))
                .hasMessageContaining("patchbay.vault.kms.key-arn");
    }

    private Vault vault(String keyArn, List<String> previous) {
        var properties = new VaultProperties(
                VaultProperties.Keyring.AWS_KMS,
                null,
                null,
                "ignored",
                List.of(),
                fingerprintKey,
                null,
                new VaultProperties.Kms(keyArn, "eu-west-1", kms.endpoint(), previous));
        return new VaultConfiguration().vault(properties);
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
