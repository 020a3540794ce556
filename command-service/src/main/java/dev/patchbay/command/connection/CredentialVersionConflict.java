package dev.patchbay.command.connection;

/**
 * A rotation sealed for a credential version that is not the next one: the vault and the aggregate disagree, which
 * the per-connection lock should make impossible. The transaction is rolled back rather than store a credential
 * under the wrong version.
 */
class CredentialVersionConflict extends RuntimeException {

    CredentialVersionConflict(int sealed, int expected) {
        super("a credential sealed as version " + sealed + " cannot become version " + expected, null, false, false);
    }
}
