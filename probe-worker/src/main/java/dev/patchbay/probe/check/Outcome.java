package dev.patchbay.probe.check;

import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What one check found: healthy, or a {@link Failure} with at most an HTTP status or an SQLState as detail. Built
 * only through the factories below, so no text from outside the worker can reach a result.
 */
public final class Outcome {

    private static final Pattern SQL_STATE = Pattern.compile("[0-9A-Z]{5}");
    private static final Outcome HEALTHY = new Outcome(null, null);

    private final Failure failure;
    private final String detail;

    private Outcome(Failure failure, String detail) {
        this.failure = failure;
        this.detail = detail;
    }

    public static Outcome healthy() {
        return HEALTHY;
    }

    public static Outcome failed(Failure failure) {
        return new Outcome(Objects.requireNonNull(failure, "failure"), null);
    }

    /** A failure read from an HTTP answer: the status is the only thing of the answer that is kept. */
    public static Outcome failed(Failure failure, int httpStatus) {
        if (httpStatus < 100 || httpStatus > 999) {
            return failed(failure);
        }
        return new Outcome(Objects.requireNonNull(failure, "failure"), "HTTP " + httpStatus);
    }

    /** A failure read from a database driver: its SQLState (five letters or digits) is all that is kept. */
    public static Outcome failed(Failure failure, String sqlState) {
        if (sqlState == null || !SQL_STATE.matcher(sqlState).matches()) {
            return failed(failure);
        }
        return new Outcome(Objects.requireNonNull(failure, "failure"), "SQLState " + sqlState);
    }

    public boolean isHealthy() {
        return failure == null;
    }

    /** The failure, or null when healthy. */
    public Failure failure() {
        return failure;
    }

    /** The error a result carries: null when healthy. */
    public ProbeError error() {
        if (failure == null) {
            return null;
        }
        var message = failure.message();
        if (detail != null) {
            message = message.substring(0, message.length() - 1) + " (" + detail + ").";
        }
        return new ProbeError(failure.code(), message);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Outcome that && that.failure == failure && Objects.equals(that.detail, detail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(failure, detail);
    }

    @Override
    public String toString() {
        return failure == null ? "healthy" : failure.code() + (detail == null ? "" : " (" + detail + ")");
    }
}
