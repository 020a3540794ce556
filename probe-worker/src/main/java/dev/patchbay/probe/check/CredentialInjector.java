package dev.patchbay.probe.check;

import dev.patchbay.vault.Credential;

/**
 * How one connector type puts its credential on a call through the proxy: the headers that carry it, and every
 * secret value the vendor must never send back. Blocking (an injector may log in to the vendor first, through the
 * guard): call it off the event loop.
 */
public interface CredentialInjector {

    /**
     * The credential's headers for one call.
     *
     * @param credentialVersion the version of {@code credential}: what a key derived from it is kept under
     * @param renew true after the vendor refused the last injection with 401: a derived key is forgotten and made
     *     again
     * @throws CheckFailed when the vendor refuses the credential itself, or cannot be reached to derive a key
     */
    Injection inject(ProbeTarget target, int credentialVersion, Credential credential, boolean renew);

    /** Whether a 401 from the vendor is worth one more try with {@code renew} (a derived key may have expired). */
    default boolean renewsOnUnauthorized() {
        return false;
    }

    /**
     * Whether a 401 from the vendor means the credential itself is to be renewed (an OAuth2 access token): the proxy
     * then asks {@link CredentialRenewal} once for the credential that follows, and tries once more with it.
     */
    default boolean renewsCredentialOnUnauthorized() {
        return false;
    }
}
