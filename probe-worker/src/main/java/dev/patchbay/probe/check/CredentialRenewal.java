package dev.patchbay.probe.check;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.Credential;

import java.util.Optional;

/**
 * Renews a connection's credential at once, for a caller that just saw it refused (the proxy, after a 401 with an
 * OAuth2 access token). It goes through the one refresher of the worker (package {@code refresh}): under the
 * connection's lock across all workers, so a renewal that another refresher made meanwhile is used, never made
 * twice.
 */
public interface CredentialRenewal {

    /**
     * The credential that follows {@code version}, and its version: renewed now, or found renewed by another
     * refresher. Empty when none could be had (refused, failing, nothing to refresh with); the caller then answers
     * with what it has. Blocking; the caller closes the credential.
     */
    Optional<Renewed> renew(TenantId tenant, ProbeTarget target, int version);

    /** A renewed credential and its version. */
    record Renewed(int version, Credential credential) implements AutoCloseable {

        @Override
        public void close() {
            credential.close();
        }
    }
}
