package dev.patchbay.contracts.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;

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
        ProbeError error) {}
