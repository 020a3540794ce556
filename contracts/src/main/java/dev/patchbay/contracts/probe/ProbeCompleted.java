package dev.patchbay.contracts.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.Set;

/**
 * Published by a probe worker on {@code patchbay.probe-results.v1} (key: connection id) when a check finished.
 * The error, if any, is a stable code and a message that never contains a secret. query-service projects it into
 * the connection's {@code health}; command-service answers the waiting test request with it.
 */
public record ProbeCompleted(
        String correlationId,
        ConnectionId connectionId,
        TenantId tenantId,
        String vendor,
        boolean healthy,
        long latencyMs,
        Instant checkedAt,
        ProbeError error) {

    /**
     * Error codes of results that say nothing of the connection's system: the worker did not check it ({@code
     * circuit_open}: its breaker is open, or the worker was busy) or had no credential to check it with ({@code
     * revoked}: the credential was rotated or revoked since the request). Such a result answers whoever waits for
     * it, but is no change of health.
     */
    public static final Set<String> NOT_CHECKED = Set.of("circuit_open", "revoked");

    /** Whether the system was checked: a healthy result, or a failure other than {@link #NOT_CHECKED}. */
    public boolean checked() {
        return healthy || error == null || !NOT_CHECKED.contains(error.code());
    }
}
