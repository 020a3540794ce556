package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.TenantId;

import java.util.Optional;

/**
 * How other features of command-service find a tenant's live connections without importing the connection
 * feature: by id (the connection as its events leave it, read from the write model, never the read side) or by
 * vendor and name within a scope.
 */
public interface ConnectionDirectory {

    Optional<ConnectionResource> describe(TenantId tenant, ConnectionId id);

    /**
     * The most specific live connection of that vendor and name: the end user's, else the workspace's, else the
     * organization's.
     */
    Optional<ConnectionId> find(
            TenantId tenant, String vendor, String configName, String workspaceId, String endUserId);
}
