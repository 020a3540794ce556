package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.util.HashMap;
import java.util.Map;

/**
 * What a sealed credential is bound to. It is the AWS Encryption SDK's encryption context, authenticated with the
 * ciphertext: a sealed blob moved to another row, version, purpose or tenant does not open, and a credential sealed
 * for one {@link Destination} does not open for another.
 *
 * @param purpose what the secret is for: {@code credential}, {@code webhook-secret}, or {@code candidate} (the
 *     credential of a connection not stored yet, sealed for one live check and destroyed after it)
 * @param destination the digest of the destination a credential may be sent to; null for a secret that is never
 *     sent anywhere (a webhook signing secret only checks what arrives) and for a row sealed before destinations
 *     were bound, which carries no destination in its context
 */
public record SealingContext(
        TenantId tenant, ConnectionId connectionId, int version, String purpose, String destination) {

    public static final String CREDENTIAL = "credential";
    public static final String WEBHOOK_SECRET = "webhook-secret";
    /**
     * A candidate's credential: sealed for one live check of a connection that is not stored (yet), under an id of
     * its own, and destroyed when the check ends or, at the latest, by the sweep of expired candidates.
     */
    public static final String CANDIDATE = "candidate";

    /**
     * Not a context's purpose but a vault row's: an OAuth2 credential a refresher renewed, staged as version
     * {@code n + 1} until command-service records the rotation and promotes it to {@link #CREDENTIAL} (or destroys
     * it). It is sealed under the credential context of that version and destination, so the promoted row opens as
     * any credential does, and the staged row opens with that same context.
     */
    public static final String REFRESHED = "refreshed";

    /** A context without a destination: a webhook secret, or a row sealed before destinations were bound. */
    public SealingContext(TenantId tenant, ConnectionId connectionId, int version, String purpose) {
        this(tenant, connectionId, version, purpose, null);
    }

    /** A credential's context, bound to where it may be sent. */
    public static SealingContext credential(
            TenantId tenant, ConnectionId connectionId, int version, Destination destination) {
        return new SealingContext(tenant, connectionId, version, CREDENTIAL, destination.digest());
    }

    /** A candidate's context: version 1 of its own id, bound to where the check may send it. */
    public static SealingContext candidate(TenantId tenant, ConnectionId connectionId, Destination destination) {
        return new SealingContext(tenant, connectionId, 1, CANDIDATE, destination.digest());
    }

    /** The same row's context bound to {@code digest}: how a row sealed before destinations is bound. */
    public SealingContext boundTo(String digest) {
        return new SealingContext(tenant, connectionId, version, purpose, digest);
    }

    Map<String, String> asEncryptionContext() {
        var context = new HashMap<String, String>();
        context.put("tenant_id", tenant.value());
        context.put("connection_id", connectionId.toString());
        context.put("credential_version", Integer.toString(version));
        context.put("purpose", purpose);
        if (destination != null) {
            context.put("destination", destination);
        }
        return Map.copyOf(context);
    }
}
