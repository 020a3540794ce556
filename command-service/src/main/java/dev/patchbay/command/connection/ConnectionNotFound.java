package dev.patchbay.command.connection;

import dev.patchbay.command.platform.ConnectionNotVisible;
import dev.patchbay.contracts.connection.ConnectionId;

/**
 * The connection does not exist for this caller: never created, deleted, or another tenant's. The three are
 * deliberately indistinguishable.
 */
class ConnectionNotFound extends ConnectionNotVisible {

    ConnectionNotFound(ConnectionId id) {
        super("connection " + id + " was not found");
    }
}
