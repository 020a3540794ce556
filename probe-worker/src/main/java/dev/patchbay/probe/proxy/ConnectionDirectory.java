package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.util.Map;
import java.util.Optional;

/** Where the proxy finds a tenant's live connection by id: what it is, where it points, which credential it has. */
interface ConnectionDirectory {

    /**
     * @param config the type-specific, non-secret fields
     * @param metadata the operator's metadata, merged into calls as the type defines
     * @param expired whether the connection's status is {@code expired}: its credential passed its expiry, or its
     *     OAuth2 grant was refused or kept failing
     */
    record ProxiedConnection(
            ConnectionId id,
            TenantId tenant,
            String vendor,
            int credentialVersion,
            String baseUrl,
            Map<String, Object> config,
            Map<String, Object> metadata,
            boolean expired) {}

    /** The live connection, or empty when there is none of that id for that tenant (another tenant's included). */
    Optional<ProxiedConnection> find(TenantId tenant, ConnectionId id);
}
