package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealedSecretStore.SealedRow;

import java.util.Optional;

/**
 * Where the worker finds a sealed credential: one version of one connection of one tenant, for one purpose, or
 * nothing. In service,
 * the vault's {@link dev.patchbay.vault.SealedSecretStore}, read-only.
 */
interface SealedCredentials {

    /**
     * @param purpose {@code credential} for a stored connection's, {@code candidate} for a test before store; any
     *     other purpose (a webhook signing secret) is never found
     */
    Optional<SealedRow> find(ConnectionId connection, TenantId tenant, int version, String purpose);
}
