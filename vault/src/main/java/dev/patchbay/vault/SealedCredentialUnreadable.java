package dev.patchbay.vault;

/** A sealed credential that the configured keys cannot open, or that was sealed for another context. */
public final class SealedCredentialUnreadable extends RuntimeException {

    public SealedCredentialUnreadable(SealingContext context) {
        super(
                "the sealed " + context.purpose() + " v" + context.version() + " of connection "
                        + context.connectionId() + " cannot be opened with the configured keys",
                null,
                false,
                false);
    }
}
