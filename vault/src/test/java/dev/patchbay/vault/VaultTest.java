package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultTest {

    private static final String CANARY = "canary-s3cr3t-" + UUID.randomUUID();

    private final Vault vault = new Vault(VaultConfiguration.rawAesKeyring("k1", randomKey()), "k1", randomKey());
    private final SealingContext context =
            new SealingContext(TenantId.of("t1"), new ConnectionId(UUID.randomUUID()), 1, SealingContext.CREDENTIAL);

    @Test
    void aSealedCredentialOpensToTheSameValuesAndHoldsNoPlaintext() {
        var sealed = vault.seal(Credential.of(Map.of("username", "app", "password", CANARY)), context);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(CANARY);
        try (var opened = vault.open(sealed, context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
            assertThat(opened.fieldNames()).containsExactly("password", "username");
        }
    }

    @Test
    void aSealedCredentialDoesNotOpenInAnotherContext() {
        var sealed = vault.seal(Credential.of(Map.of("password", CANARY)), context);

        for (var other : new SealingContext[] {
            new SealingContext(TenantId.of("t2"), context.connectionId(), 1, SealingContext.CREDENTIAL),
            new SealingContext(context.tenant(), new ConnectionId(UUID.randomUUID()), 1, SealingContext.CREDENTIAL),
            new SealingContext(context.tenant(), context.connectionId(), 2, SealingContext.CREDENTIAL),
            new SealingContext(context.tenant(), context.connectionId(), 1, SealingContext.WEBHOOK_SECRET)
        }) {
            assertThatThrownBy(() -> vault.open(sealed, other))
                    .isInstanceOf(SealedCredentialUnreadable.class)
                    .hasMessageNotContaining(CANARY);
        }
    }

    @Test
    void aSealedCredentialDoesNotOpenWithAnotherKey() {
        var sealed = vault.seal(Credential.of(Map.of("password", CANARY)), context);
        var otherVault = new Vault(VaultConfiguration.rawAesKeyring("k1", randomKey()), "k1", randomKey());

        assertThatThrownBy(() -> otherVault.open(sealed, context)).isInstanceOf(SealedCredentialUnreadable.class);
    }

    @Test
    void fingerprintsTellCredentialsApartWithoutRevealingThem() {
        var a = vault.fingerprint(Credential.of(Map.of("username", "app", "password", CANARY)));
        var same = vault.fingerprint(Credential.of(Map.of("password", CANARY, "username", "app")));
        var other = vault.fingerprint(Credential.of(Map.of("username", "app", "password", CANARY + "x")));

        assertThat(a)
                .matches("fp_[0-9a-f]{16}")
                .isEqualTo(same)
                .isNotEqualTo(other)
                .doesNotContain(CANARY);
    }

    @Test
    void aCredentialNeverRevealsItselfInTextOrJson() {
        var credential = Credential.fromJson(Map.of("password", CANARY, "port", 5432));

        assertThat(credential.toString()).doesNotContain(CANARY).contains("password");
        assertThat(credential.fieldsNotText()).containsExactly("port");
        assertThatThrownBy(() -> JsonMapper.builder().build().writeValueAsString(Map.of("c", credential)))
                .hasMessageNotContaining(CANARY);
    }

    @Test
    void closingACredentialWipesItsValues() {
        var credential = Credential.of(Map.of("password", CANARY));
        credential.close();

        assertThat(credential.value("password")).doesNotContain("canary");
    }

    @Test
    void afterAKeyChangeOldBlobsOpenWithThePreviousKeyAndNewOnesAreSealedWithTheNewKey() {
        var fingerprintKey = randomKey();
        var k1 = randomKey();
        var k2 = randomKey();
        var before = new Vault(VaultConfiguration.rawAesKeyring("k1", k1), "k1", fingerprintKey);
        var old = before.seal(Credential.of(Map.of("password", CANARY)), context);

        var previous = VaultConfiguration.rawAesKeyring("k1", k1);
        var current = VaultConfiguration.rawAesKeyring("k2", k2);
        var after = new Vault(
                current,
                VaultConfiguration.opening(current, java.util.List.of(previous)),
                "k2",
                fingerprintKey,
                Map.of("k2", Vault.checkValue(k2), "k1", Vault.checkValue(k1)));
        try (var opened = after.open(old, context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
        }
        var resealed = after.seal(Credential.of(Map.of("password", CANARY)), context);
        var onlyNew = new Vault(VaultConfiguration.rawAesKeyring("k2", k2), "k2", fingerprintKey);
        try (var opened = onlyNew.open(resealed, context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
        }
        assertThatThrownBy(() -> onlyNew.open(old, context)).isInstanceOf(SealedCredentialUnreadable.class);
        assertThat(after.keyCheckValues().get("k1"))
                .hasSize(16)
                .isNotEqualTo(after.keyCheckValues().get("k2"));
    }

    @Test
    void aKeyOfTheWrongSizeIsRefusedWithAMessageThatSaysSo() {
        assertThatThrownBy(() -> VaultConfiguration.key("wrapping", "c2hvcnQ=", null, "PATCHBAY_VAULT_KEY"))
                .hasMessageContaining("must be 32 bytes");
        assertThatThrownBy(() -> VaultConfiguration.key("wrapping", null, null, "PATCHBAY_VAULT_KEY"))
                .hasMessageContaining("PATCHBAY_VAULT_KEY");
    }

    private static byte[] randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * A refresher stages a renewed credential as a row of purpose {@code refreshed}, sealed under the credential
     * context it will have once promoted: a reseal reads the staged row with that context, so it opens and moves.
     */
    @Test
    void aStagedRefreshedRowIsReadByAResealAsTheCredentialItWillBecome() {
        var destination = Destination.of(java.util.List.of(), "https://api.example.com", Map.of());
        var credentialContext = SealingContext.credential(context.tenant(), context.connectionId(), 2, destination);
        var sealed = vault.seal(Credential.of(Map.of("access_token", CANARY)), credentialContext);
        var staged = new SealedSecretStore.StoredRow(
                context.connectionId(),
                SealingContext.REFRESHED,
                2,
                context.tenant(),
                sealed,
                destination.digest(),
                true);

        assertThat(staged.sealedFor()).isEqualTo(credentialContext);
        try (var opened = vault.open(staged.ciphertext(), staged.sealedFor())) {
            assertThat(opened.value("access_token")).isEqualTo(CANARY);
        }
        assertThat(staged.sealTo()).isEqualTo(credentialContext);
    }
}
