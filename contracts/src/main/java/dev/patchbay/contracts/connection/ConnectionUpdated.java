package dev.patchbay.contracts.connection;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Emitted by command-service when a connection's descriptive fields change. It carries every updatable field as it
 * now is (so a projection needs no earlier state) and {@code changedFields}, the snake_case names of what changed.
 */
public record ConnectionUpdated(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        List<String> changedFields,
        String displayName,
        String baseUrl,
        String accountRef,
        Map<String, Object> config,
        Map<String, Object> metadata)
        implements ConnectionEvent {

    public ConnectionUpdated {
        changedFields = List.copyOf(changedFields);
        config = config == null ? Map.of() : config;
        metadata = metadata == null ? Map.of() : metadata;
    }
}
