package dev.patchbay.probe.check;

import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;

import java.util.Optional;

/** The live check of one vendor: the real protocol, against the connection's own system, with its credential. */
public interface Check {

    /**
     * Checks the system. Returns the outcome, or throws {@link CheckFailed} from wherever the outcome became clear.
     * The credential is only borrowed: the caller closes (and so wipes) it when this returns.
     */
    Outcome check(ProbeTarget target, Credential credential);

    /**
     * Where this check would send the credential for that target: the destination the credential must have been
     * sealed for. Computed from the very descriptor the check is about to contact.
     */
    Destination destination(ProbeTarget target);

    /**
     * Whether the target names only hosts this check may reach at all (an aggregator is reached only at its own API
     * hosts); asked before any credential is read.
     */
    default boolean allows(ProbeTarget target) {
        return true;
    }

    /**
     * How calls through the proxy carry this type's credential; empty for a type whose connections are not proxied
     * (databases, brokers: not HTTP).
     */
    default Optional<CredentialInjector> injector() {
        return Optional.empty();
    }

    /** {@link #check}, with an early {@link CheckFailed} turned into its outcome. */
    default Outcome run(ProbeTarget target, Credential credential) {
        try {
            return check(target, credential);
        } catch (CheckFailed failed) {
            return failed.outcome();
        }
    }
}
