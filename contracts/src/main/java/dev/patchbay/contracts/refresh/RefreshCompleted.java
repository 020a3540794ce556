package dev.patchbay.contracts.refresh;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.Set;

/**
 * Published by a refresher (a probe worker) on {@code patchbay.refresh-results.v1} (key: connection id) when it
 * finished with a {@link RefreshRequested} or with a refresh the proxy started. command-service records the outcome
 * on the connection: a renewed credential (staged in the vault as version {@code fromVersion + 1}) becomes a
 * {@code ConnectionRotated} by {@code patchbay:refresher}; a refusal makes the connection expired; a transient
 * failure is retried with backoff. Never a token, never the token endpoint's error description.
 *
 * @param outcome one of {@link #OUTCOMES}
 * @param refreshed what may be said of the renewed credential (fields, version {@code fromVersion + 1},
 *     fingerprint, rotatedAt, expiresAt: null if the provider sent no {@code expires_in}); null unless
 *     {@link #RENEWED}
 * @param error for {@link #REFUSED}: the RFC 6749 error code ({@code invalid_grant}, {@code invalid_client},
 *     {@code unauthorized_client}); for {@link #TRANSIENT}: {@code timeout}, {@code unreachable}, {@code tls_error},
 *     {@code server_error}, {@code rate_limited} or {@code unexpected_response}; a fixed message. Null otherwise.
 * @param retryAfter for {@link #TRANSIENT}: when the provider asked to be called again (a 429 or 503's
 *     {@code Retry-After}); null if it did not say
 */
public record RefreshCompleted(
        String correlationId,
        ConnectionId connectionId,
        TenantId tenantId,
        int fromVersion,
        String outcome,
        CredentialInfo refreshed,
        ProbeError error,
        Instant retryAfter,
        Instant completedAt) {

    /** The token was renewed and the new credential staged in the vault. */
    public static final String RENEWED = "renewed";

    /** Another refresher renewed it (or is renewing it): nothing to do. */
    public static final String ALREADY_RENEWED = "already_renewed";

    /** The token endpoint refused the refresh for good. */
    public static final String REFUSED = "refused";

    /** The refresh failed for now: retry later. */
    public static final String TRANSIENT = "transient";

    /** There is nothing to refresh with: no refresh token, or the credential is gone. */
    public static final String NOT_REFRESHABLE = "not_refreshable";

    public static final Set<String> OUTCOMES = Set.of(RENEWED, ALREADY_RENEWED, REFUSED, TRANSIENT, NOT_REFRESHABLE);
}
