package dev.patchbay.probe.connection;

import dev.patchbay.probe.check.VaultKeysInUse;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.Vault;
import dev.patchbay.vault.VaultKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;

/**
 * The worker's keys against the ones recorded in command-service's vault ({@code vault_keys}, read only): a local
 * key configured under a name whose recorded check value differs, or a key that sealed rows here but is not
 * configured, stops the worker at start with a message naming the key, instead of failing on every later open.
 *
 * <p>The worker may start before command-service has created its tables (bin/patchbay starts it first) or while the
 * database is away: the comparison is then made again before each probe and each health read until it could be
 * made once. A mismatch found that late stops the probe listener, and health stays DOWN, naming the key.
 */
@Component
final class VaultKeyCheck implements InitializingBean, VaultKeysInUse {

    /** Where the comparison stands. */
    sealed interface State {

        /** Compared: every configured key matches what the vault recorded, and the sealing key is recorded. */
        record Matched(Map<String, String> keys) implements State {}

        /** The vault has recorded nothing to compare with yet: no tables, or not this key. */
        record NothingRecorded(String reason) implements State {}

        /** The vault could not be read. */
        record Unavailable(String reason) implements State {}

        /** The worker's keys are not the vault's. */
        record Mismatch(String message) implements State {}
    }

    private static final Logger log = LoggerFactory.getLogger(VaultKeyCheck.class);

    private final Vault vault;
    private final SealedSecretStore store;
    private volatile State state = new State.Unavailable("not compared yet");
    private volatile Runnable onLateMismatch = () -> {};

    VaultKeyCheck(Vault vault, JdbcClient jdbc) {
        this.vault = vault;
        this.store = new SealedSecretStore(jdbc);
    }

    @Override
    public void afterPropertiesSet() {
        var compared = compare();
        if (compared instanceof State.Mismatch mismatch) {
            throw new IllegalStateException(mismatch.message());
        }
        state = compared;
        report(compared);
    }

    /** What to do when a mismatch turns up after start: the listener registers its own stop here. */
    void onLateMismatch(Runnable action) {
        onLateMismatch = action;
    }

    State state() {
        return state;
    }

    /**
     * Whether credentials may be opened: compares again while that could not be done yet, and says no once the
     * keys are known not to match.
     */
    @Override
    public synchronized boolean usable() {
        if (state instanceof State.Matched) {
            return true;
        }
        if (state instanceof State.Mismatch) {
            return false;
        }
        var compared = compare();
        state = compared;
        if (compared instanceof State.Mismatch mismatch) {
            log.error("{} The probe listener stops.", mismatch.message());
            onLateMismatch.run();
            return false;
        }
        return true;
    }

    private State compare() {
        Map<String, String> recorded;
        List<String> sealedUnder;
        try {
            recorded = store.recordedKeys();
            sealedUnder = store.keysInUse();
        } catch (BadSqlGrammarException noTables) {
            return new State.NothingRecorded("the vault tables do not exist yet (command-service creates them)");
        } catch (DataAccessException unavailable) {
            return new State.Unavailable("the vault database cannot be read: "
                    + unavailable.getMostSpecificCause().getClass().getSimpleName());
        }
        var mismatch = VaultKeys.mismatch(
                vault,
                recorded,
                sealedUnder,
                "Start the probe worker with the same " + "PATCHBAY_VAULT_KEY (and previous keys) as command-service.");
        if (mismatch.isPresent()) {
            return new State.Mismatch(mismatch.get());
        }
        if (!recorded.containsKey(vault.keyName())) {
            return new State.NothingRecorded("the key '" + vault.keyName() + "' has not sealed anything here yet");
        }
        return new State.Matched(vault.keyCheckValues());
    }

    private void report(State compared) {
        if (compared instanceof State.Matched matched) {
            log.info(
                    "Vault keys checked against the vault: opening with {}",
                    matched.keys().isEmpty()
                            ? "the KMS keyring"
                            : matched.keys().keySet());
        } else if (compared instanceof State.NothingRecorded nothing) {
            log.info("Vault keys not compared yet: {}; compared again before the first probe", nothing.reason());
        } else if (compared instanceof State.Unavailable unavailable) {
            log.warn("Vault keys not compared yet: {}; compared again before the first probe", unavailable.reason());
        }
    }
}
