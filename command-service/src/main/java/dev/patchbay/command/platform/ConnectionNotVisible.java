package dev.patchbay.command.platform;

/**
 * A command named a connection the caller cannot see: never created, deleted, or another tenant's. Every feature
 * answers it as 404, the three cases alike.
 */
public class ConnectionNotVisible extends RuntimeException {

    protected ConnectionNotVisible(String message) {
        super(message, null, false, false);
    }
}
