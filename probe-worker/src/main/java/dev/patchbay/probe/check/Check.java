package dev.patchbay.probe.check;

import dev.patchbay.vault.Credential;

/** The live check of one vendor: the real protocol, against the connection's own system, with its credential. */
public interface Check {

    /**
     * Checks the system. Returns the outcome, or throws {@link CheckFailed} from wherever the outcome became clear.
     * The credential is only borrowed: the caller closes (and so wipes) it when this returns.
     */
    Outcome check(ProbeTarget target, Credential credential);

    /** {@link #check}, with an early {@link CheckFailed} turned into its outcome. */
    default Outcome run(ProbeTarget target, Credential credential) {
        try {
            return check(target, credential);
        }
        catch (CheckFailed failed) {
            return failed.outcome();
        }
    }
}
