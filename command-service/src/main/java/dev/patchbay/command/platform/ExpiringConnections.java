package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;

/**
 * What the refresh feature asks of the connection feature, without importing it: each call is one command on the
 * connection's aggregate in a transaction of its own, the connection's row locked as for any command. Blocking.
 */
public interface ExpiringConnections {

    /**
     * Makes the connection expired ({@code ConnectionExpired}) if credential {@code credentialVersion} is still its
     * credential and it is active.
     *
     * @return whether it expired now
     */
    boolean expire(TenantId tenant, ConnectionId id, int credentialVersion, String reason, String actor);

    /**
     * Records a refresher's renewal of credential {@code fromVersion}, staged in the vault as version
     * {@code fromVersion + 1}: a rotation by {@code patchbay:refresher} that promotes the staged row and destroys the
     * older credential, or, when the credential changed since or the connection is gone, the staged row destroyed.
     *
     * @return whether it became the connection's credential
     */
    boolean recordRefresh(TenantId tenant, ConnectionId id, int fromVersion, CredentialInfo refreshed);
}
