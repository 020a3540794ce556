package dev.patchbay.probe.check;

/**
 * Ends a check early with its outcome, from deep inside a helper (the guard, the HTTP or JDBC plumbing). It carries
 * neither a message nor a cause, so a driver's or vendor's text cannot travel with it into a log or a result.
 */
public final class CheckFailed extends RuntimeException {

    private final transient Outcome outcome;

    public CheckFailed(Outcome outcome) {
        super(outcome.toString(), null, false, false);
        this.outcome = outcome;
    }

    public CheckFailed(Failure failure) {
        this(Outcome.failed(failure));
    }

    public Outcome outcome() {
        return outcome;
    }
}
