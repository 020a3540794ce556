package dev.patchbay.contracts.connection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * What may be said of a sealed credential: which fields it has, its version, when it was set, and a keyed
 * fingerprint that tells two credentials apart without revealing either. Never a value, never a mask of one.
 *
 * @param expiresAt when the credential stops working, as its creator or rotator said ({@code expires_at} or
 *     {@code expires_in} beside the secret fields), or as an OAuth2 token endpoint said of a refreshed access token;
 *     null (and left out of the JSON) for a credential without an expiry. Not secret.
 */
public record CredentialInfo(
        List<String> fields,
        int version,
        String fingerprint,
        Instant rotatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt) {

    /** The canonical constructor is the JSON creator, not the shorter one below. */
    @JsonCreator
    public CredentialInfo {
        fields = List.copyOf(fields);
    }

    /** A credential without an expiry. */
    public CredentialInfo(List<String> fields, int version, String fingerprint, Instant rotatedAt) {
        this(fields, version, fingerprint, rotatedAt, null);
    }
}
