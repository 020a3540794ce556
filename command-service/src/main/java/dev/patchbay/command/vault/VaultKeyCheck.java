package dev.patchbay.command.vault;

import dev.patchbay.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Map;

/**
 * At start, before any request: every configured local key must match the check value recorded when it first
 * sealed here, and every key that sealed a row still in the vault must be configured. Otherwise the service stops
 * with a message that names the key, instead of failing on every later open.
 */
@Component
class VaultKeyCheck implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(VaultKeyCheck.class);

    private final Vault vault;
    private final JdbcClient jdbc;

    VaultKeyCheck(Vault vault, JdbcClient jdbc) {
        this.vault = vault;
        this.jdbc = jdbc;
    }

    @Override
    public void afterPropertiesSet() {
        Map<String, String> configured = vault.keyCheckValues();
        configured.forEach((name, checkValue) -> {
            var recorded = jdbc.sql("SELECT check_value FROM vault_keys WHERE key_name = ?").param(name)
                    .query(String.class).optional();
            if (recorded.isPresent() && !recorded.get().equals(checkValue)) {
                throw new IllegalStateException("The vault key configured as '" + name + "' is not the key that "
                        + "sealed this vault's secrets under that name (key check value " + checkValue + ", recorded "
                        + recorded.get() + "). Start with the right PATCHBAY_VAULT_KEY, or give a new key a new "
                        + "PATCHBAY_VAULT_KEY_NAME and list the old one under patchbay.vault.previous-keys.");
            }
        });
        jdbc.sql("INSERT INTO vault_keys (key_name, check_value) VALUES (?, ?) ON CONFLICT (key_name) DO NOTHING")
                .params(vault.keyName(), configured.get(vault.keyName())).update();
        var missing = new ArrayList<String>();
        for (var name : jdbc.sql("SELECT DISTINCT key_name FROM sealed_secrets").query(String.class).list()) {
            if (!name.equals(vault.keyName()) && !configured.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Secrets in the vault are sealed under " + missing + ", which "
                    + "are not configured: list them under patchbay.vault.previous-keys (or kms.previous-key-arns) "
                    + "until a reseal has moved every row to '" + vault.keyName() + "'.");
        }
        log.info("Vault keys checked: sealing with '{}', opening with {}", vault.keyName(),
                configured.isEmpty() ? "the KMS keyring" : configured.keySet());
    }
}
