package dev.patchbay.contracts.connection;

import java.time.Instant;
import java.util.Map;

/** Emitted by command-service when a connection is accepted and its credential sealed. Version 1. */
public record ConnectionCreated(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
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
        CredentialInfo credential)
        implements ConnectionEvent {

    public ConnectionCreated {
        config = config == null ? Map.of() : config;
        metadata = metadata == null ? Map.of() : metadata;
    }
}
