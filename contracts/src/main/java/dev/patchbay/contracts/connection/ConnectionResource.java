package dev.patchbay.contracts.connection;

import java.time.Instant;
import java.util.Map;

/** A connection as every read returns it: where the system is and how to reach it, never the credential. */
public record ConnectionResource(
        ConnectionId id,
        String vendor,
        String category,
        String configName,
        String displayName,
        String baseUrl,
        String accountRef,
        Map<String, Object> config,
        Scope scope,
        String workspaceId,
        String endUserId,
        Map<String, Object> metadata,
        Status status,
        CredentialInfo credential,
        Health health,
        long version,
        Instant createdAt,
        Instant updatedAt,
        String createdBy,
        String updatedBy) {

    public enum Status {
        ACTIVE,
        REVOKED,
        /**
         * The credential's expiry passed with nothing to renew it, or its OAuth2 grant was refused for good or its
         * refresh failed for too long ({@link ConnectionExpired}); a rotation makes it active again.
         */
        EXPIRED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The last probe result. */
    /**
     * The last probe result, and since when its state (with its error code, while unhealthy) has held: the check
     * time of the first result in the current run of like results.
     */
    public record Health(String state, Instant checkedAt, Long latencyMs, ProbeError error, Instant since) {

        public static Health unknown() {
            return new Health("unknown", null, null, null, null);
        }
    }

    /** A secret-free probe failure: a stable code and a message for humans. */
    public record ProbeError(String code, String message) {}

    /** The connection exactly as its creation made it: what a 201 returns. */
    public static ConnectionResource createdBy(ConnectionCreated e) {
        return new ConnectionResource(
                e.connectionId(),
                e.vendor(),
                e.category(),
                e.configName(),
                e.displayName(),
                e.baseUrl(),
                e.accountRef(),
                e.config(),
                e.scope(),
                e.workspaceId(),
                e.endUserId(),
                e.metadata(),
                Status.ACTIVE,
                e.credential(),
                Health.unknown(),
                e.version(),
                e.occurredAt(),
                e.occurredAt(),
                e.actor(),
                e.actor());
    }
}
