package dev.patchbay.command.connection;

/**
 * The client's {@code If-Match} names a version from before the connection's last edit, or one it has not reached.
 */
class VersionMismatch extends RuntimeException {

    private final long current;

    VersionMismatch(long expected, long current) {
        super("expected version " + expected + " but the connection is at " + current, null, false, false);
        this.current = current;
    }

    long current() {
        return current;
    }
}
