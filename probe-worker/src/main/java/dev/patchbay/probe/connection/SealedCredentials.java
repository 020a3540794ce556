package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealedSecretStore.SealedRow;

import java.util.Optional;

/**
 * Where the worker finds a sealed credential: one version of one connection of one tenant, or nothing. In service,
 * the vault's {@link dev.patchbay.vault.SealedSecretStore}, read-only.
 */
interface SealedCredentials {

    Optional<SealedRow> find(ConnectionId connection, TenantId tenant, int version);
}
