package dev.patchbay.contracts.connection;

import java.time.Instant;
import java.util.List;

/**
 * What may be said of a sealed credential: which fields it has, its version, when it was set, and a keyed
 * fingerprint that tells two credentials apart without revealing either. Never a value, never a mask of one.
 */
public record CredentialInfo(List<String> fields, int version, String fingerprint, Instant rotatedAt) {

    public CredentialInfo {
        fields = List.copyOf(fields);
    }
}
