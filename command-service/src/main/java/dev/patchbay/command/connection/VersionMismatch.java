package dev.patchbay.command.connection;

/** The client's {@code If-Match} names a version that is no longer the connection's. */
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
