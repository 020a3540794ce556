package dev.patchbay.command.vault;

import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.Vault;
import dev.patchbay.vault.VaultKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * At start, before any request: the vault's key comparison ({@link VaultKeys}), then the sealing key's check value
 * recorded for the services that start later. A mismatch stops the service with a message that names the key,
 * instead of failing on every later open.
 */
@Component
class KeyCheckAtStart implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(KeyCheckAtStart.class);

    private final Vault vault;
    private final SealedSecretStore store;

    KeyCheckAtStart(Vault vault, SealedSecretStore store) {
        this.vault = vault;
        this.store = store;
    }

    @Override
    public void afterPropertiesSet() {
        VaultKeys.mismatch(
                        vault,
                        store.recordedKeys(),
                        store.keysInUse(),
                        "Start with the right "
                                + "PATCHBAY_VAULT_KEY, or give a new key a new PATCHBAY_VAULT_KEY_NAME and list the old one under "
                                + "patchbay.vault.previous-keys.")
                .ifPresent(mismatch -> {
                    throw new IllegalStateException(mismatch);
                });
        store.recordKey(vault.keyName(), vault.keyCheckValues().get(vault.keyName()));
        log.info(
                "Vault keys checked: sealing with '{}', opening with {}",
                vault.keyName(),
                vault.keyCheckValues().isEmpty()
                        ? "the KMS keyring"
                        : vault.keyCheckValues().keySet());
    }
}
