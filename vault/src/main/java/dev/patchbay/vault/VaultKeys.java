package dev.patchbay.vault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The one comparison of a service's configured keys with what the vault recorded ({@code vault_keys}) and what
 * sealed its rows: a local key configured under a name whose recorded check value differs, or a key that sealed
 * rows but is not configured, is a mismatch, named with the way out. command-service and probe-worker each make it
 * at start and stop on a mismatch.
 */
public final class VaultKeys {

    private VaultKeys() {}

    /**
     * @param recorded the check value recorded for each key name
     * @param sealedUnder the names of the keys that sealed the rows now in the vault
     * @param whoToMatch how the message tells the reader to put things right (for example "as command-service does")
     * @return the mismatch, named; empty when every configured key matches and every key in use is configured
     */
    public static Optional<String> mismatch(
            Vault vault, Map<String, String> recorded, Collection<String> sealedUnder, String whoToMatch) {
        Map<String, String> configured = vault.keyCheckValues();
        for (var key : configured.entrySet()) {
            var recordedValue = recorded.get(key.getKey());
            if (recordedValue != null && !recordedValue.equals(key.getValue())) {
                return Optional.of("The vault key configured as '" + key.getKey() + "' is not the key that sealed "
                        + "this vault's secrets under that name (key check value " + key.getValue() + ", recorded "
                        + recordedValue + "). " + whoToMatch);
            }
        }
        if (configured.isEmpty()) {
            // KMS keys are named by their ARN and carry no check value: KMS itself refuses a wrong key.
            return Optional.empty();
        }
        var missing = new ArrayList<String>();
        for (var name : sealedUnder) {
            if (!name.equals(vault.keyName()) && !configured.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            return Optional.of("Secrets in the vault are sealed under " + missing + ", which are not configured: "
                    + "list them under patchbay.vault.previous-keys (or kms.previous-key-arns) until a reseal has "
                    + "moved every row to '" + vault.keyName() + "'.");
        }
        return Optional.empty();
    }
}
