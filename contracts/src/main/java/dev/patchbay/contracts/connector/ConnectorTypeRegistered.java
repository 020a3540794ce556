package dev.patchbay.contracts.connector;

import java.time.Instant;
import java.util.List;

/**
 * Emitted by a probe worker at boot for each connector type it can check, on the compacted topic
 * {@code patchbay.connector-types.v1} keyed by vendor. command-service validates vendors against these, and
 * query-service serves them as {@code GET /v1/connector-types}.
 */
public record ConnectorTypeRegistered(String vendor, String category, String displayName,
        List<String> requiredConfig, List<String> secretFields, boolean supportsWebhooks, Instant registeredAt) {

    public ConnectorTypeRegistered {
        requiredConfig = List.copyOf(requiredConfig);
        secretFields = List.copyOf(secretFields);
    }
}
