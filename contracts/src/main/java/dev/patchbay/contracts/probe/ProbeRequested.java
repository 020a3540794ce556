package dev.patchbay.contracts.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.Map;

/**
 * Published by command-service on {@code patchbay.probe-requests.v1} (key: connection id) when a client asks for a
 * live test. A probe worker opens the sealed credential of {@code credentialVersion} itself; the request carries
 * only the non-secret descriptor.
 */
public record ProbeRequested(String correlationId, ConnectionId connectionId, TenantId tenantId, String vendor,
        String category, int credentialVersion, String baseUrl, Map<String, Object> config,
        Map<String, Object> metadata, Instant requestedAt, String requestedBy) {

    public ProbeRequested {
        config = config == null ? Map.of() : config;
        metadata = metadata == null ? Map.of() : metadata;
    }
}
