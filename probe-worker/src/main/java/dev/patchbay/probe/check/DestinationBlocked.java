package dev.patchbay.probe.check;

/**
 * The guard refused a destination. The reason is for tests and the worker's own log; the result only ever carries
 * {@link Failure#BLOCKED_DESTINATION}'s fixed message.
 */
public final class DestinationBlocked extends RuntimeException {

    private final String reason;

    DestinationBlocked(String reason) {
        super("destination blocked: " + reason, null, false, false);
        this.reason = reason;
    }

    /** What the address is: {@code loopback}, {@code private}, {@code metadata}, ... */
    public String reason() {
        return reason;
    }
}
