package dev.patchbay.contracts.refresh;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.Map;

/**
 * Published by command-service's refresh scheduler on {@code patchbay.refresh-requests.v1} (key: connection id)
 * when an OAuth2 connection's access token is due for renewal (its {@code expires_at} minus the refresh margin), and
 * again if no answer came within the request timeout. A refresher renews credential version
 * {@code credentialVersion} with the refresh grant, at most one at a time per connection across every worker; a
 * request for a credential already renewed is answered {@code already_renewed} without calling the token endpoint.
 * Carries only the non-secret descriptor: the worker opens the sealed credential itself.
 */
public record RefreshRequested(
        String correlationId,
        ConnectionId connectionId,
        TenantId tenantId,
        String vendor,
        int credentialVersion,
        String baseUrl,
        Map<String, Object> config,
        Instant requestedAt,
        String requestedBy) {

    /** The actor of every refresh, and the {@code requestedBy} of the scheduler's requests. */
    public static final String REFRESHER = "patchbay:refresher";

    @JsonCreator
    public RefreshRequested {
        config = config == null ? Map.of() : config;
    }
}
