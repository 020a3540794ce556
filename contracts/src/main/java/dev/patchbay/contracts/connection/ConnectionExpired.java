package dev.patchbay.contracts.connection;

import java.time.Instant;
import java.util.Set;

/**
 * Emitted by command-service when a connection's credential stopped working without anyone testing it: its expiry
 * passed and there is nothing to renew it with ({@link #CREDENTIAL_EXPIRED}, actor {@link #EXPIRY}), or an OAuth2
 * refresher was refused for good ({@link #GRANT_REFUSED}) or failed for longer than the configured time
 * ({@link #REFRESH_FAILING}), actor {@code patchbay:refresher}. The connection is {@code expired} until a rotation
 * (by a user, or by the refresher) makes it active again; its sealed credential is kept.
 *
 * @param credentialVersion the version of the credential that expired
 * @param reason one of {@link #REASONS}
 */
public record ConnectionExpired(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        int credentialVersion,
        String reason)
        implements ConnectionEvent {

    /** The expiry passed and there was nothing to refresh it with. */
    public static final String CREDENTIAL_EXPIRED = "credential_expired";

    /** The token endpoint refused the refresh for good ({@code invalid_grant}, {@code invalid_client}, ...). */
    public static final String GRANT_REFUSED = "grant_refused";

    /** The refresh failed transiently for longer than {@code patchbay.oauth2.give-up-after}. */
    public static final String REFRESH_FAILING = "refresh_failing";

    public static final Set<String> REASONS = Set.of(CREDENTIAL_EXPIRED, GRANT_REFUSED, REFRESH_FAILING);

    /** The actor of an expiry that no refresher was involved in. */
    public static final String EXPIRY = "patchbay:expiry";
}
