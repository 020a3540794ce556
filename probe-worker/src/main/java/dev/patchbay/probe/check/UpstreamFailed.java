package dev.patchbay.probe.check;

/**
 * Why a call through the proxy got no usable answer from the vendor. Carries no message: a transport error's message
 * may quote what the peer sent, and a peer may echo the secret.
 */
public final class UpstreamFailed extends RuntimeException {

    /** What went wrong, by what the caller can do about it. */
    public enum Reason {
        /** The guard refused the destination's address (private, loopback, metadata). */
        BLOCKED,
        /** No connection, or the TLS handshake failed. */
        UNREACHABLE,
        /** No first byte, or no complete answer, in the time allowed. */
        TIMEOUT,
        /** The answer is larger than the proxy passes on. */
        TOO_LARGE,
        /** The connection's base URL cannot be used. */
        UNUSABLE,
        /** The caller went away and the call was given up: says nothing about the vendor. */
        CANCELLED
    }

    private final Reason reason;
    private final String causeType;

    public UpstreamFailed(Reason reason) {
        this(reason, null);
    }

    /** @param cause what failed underneath: only its type is kept, never its message */
    public UpstreamFailed(Reason reason, Throwable cause) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.causeType = cause == null ? null : cause.getClass().getName();
    }

    public Reason reason() {
        return reason;
    }

    /** The type of what failed underneath, for the log; null when the proxy itself decided. */
    public String causeType() {
        return causeType;
    }
}
