package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.TenantId;

/**
 * The index of live credentials that expire (the refresh feature's {@code credential_expiries}), kept by the
 * connection feature in the transaction of each command that sets, replaces or ends a credential, so that it is
 * never behind the event store.
 */
public interface CredentialExpiries {

    /**
     * The connection's credential is now the one it describes (created, rotated, refreshed): tracked when it is
     * active and has an expiry, else no longer tracked. A credential already tracked keeps its schedule.
     */
    void track(TenantId tenant, ConnectionResource connection);

    /** The connection's credential needs no watching any more: revoked, expired or deleted. */
    void forget(ConnectionId id);
}
