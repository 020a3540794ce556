package dev.patchbay.probe.check;

/**
 * Why a check failed: the probe error codes of API.md, each with one fixed text for humans. A message never carries
 * what the vendor or the driver said (a vendor may echo the secret back); at most an HTTP status or an SQLState is
 * appended, and {@link Outcome} only lets those through.
 */
public enum Failure {
    CREDENTIALS_REJECTED("credentials_rejected", "The system refused the credential.", false),
    UNREACHABLE(
            "unreachable",
            "The system could not be reached: the host does not resolve, or refused or dropped " + "the connection.",
            true),
    TIMEOUT("timeout", "The system did not answer within the time allowed.", true),
    TLS_ERROR(
            "tls_error",
            "The TLS handshake failed: the certificate is not trusted, has expired, or is not for "
                    + "this host, or the system does not speak TLS there.",
            true),
    BLOCKED_DESTINATION(
            "blocked_destination",
            "The destination is not allowed: it is, or resolves to, a loopback, "
                    + "private, link-local, multicast, reserved or cloud metadata address.",
            false),
    DESTINATION_MISMATCH(
            "destination_mismatch",
            "The credential was sealed for another destination: where the "
                    + "connection points (host, port, origin, TLS mode or another routing setting) changed without a new "
                    + "credential, so the credential was not opened or sent. Rotate it to use it at the new destination.",
            false),
    CIRCUIT_OPEN(
            "circuit_open",
            "Recent checks of this connection kept failing, so checks are paused for a while; " + "try again later.",
            false),
    /**
     * The worker declined to check now: as many checks of the tenant as it takes at once are running, or every thread
     * and queue slot is taken. Checks are paused, as with an open circuit, and the code says so.
     */
    BUSY(
            "circuit_open",
            "The worker is running as many checks for this organization as it takes at once, so this "
                    + "one was not started; try again shortly.",
            false),
    UNEXPECTED_RESPONSE("unexpected_response", "The system answered, but not as expected.", true),
    /** Not the vendor's fault, but no code fits better: the connection's non-secret config cannot be checked. */
    UNUSABLE_CONFIG(
            "unexpected_response",
            "The connection's configuration cannot be used for a check (a field is " + "missing or malformed).",
            false),
    REVOKED(
            "revoked",
            "The credential no longer exists: the connection was revoked or deleted, or its credential "
                    + "was rotated since the test was asked for.",
            false);

    private final String code;
    private final String message;
    private final boolean countsAgainstCircuit;

    Failure(String code, String message, boolean countsAgainstCircuit) {
        this.code = code;
        this.message = message;
        this.countsAgainstCircuit = countsAgainstCircuit;
    }

    /** The stable, machine-readable code of API.md. */
    public String code() {
        return code;
    }

    public String message() {
        return message;
    }

    /**
     * Whether this failure says the system is in trouble, and so counts towards opening the connection's circuit. A
     * refused credential is an answer from a healthy system; a blocked destination never left the worker.
     */
    public boolean countsAgainstCircuit() {
        return countsAgainstCircuit;
    }
}
