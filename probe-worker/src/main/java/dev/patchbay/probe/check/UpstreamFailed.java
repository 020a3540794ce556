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
        UNUSABLE
    }

    private final Reason reason;

    public UpstreamFailed(Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
