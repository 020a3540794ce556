package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.util.Optional;

/** Where the worker finds a sealed credential: one version of one connection of one tenant, or nothing. */
interface SealedCredentials {

    Optional<byte[]> find(ConnectionId connection, TenantId tenant, int version);
}
