package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionResource;

/**
 * What a command did: the connection as its events left it, and whether it changed (a revoke of a revoked
 * connection, or an update that changes nothing, applies no event and keeps the version).
 */
record CommandResult(ConnectionResource connection, boolean changed) {

    long version() {
        return connection.version();
    }
}
