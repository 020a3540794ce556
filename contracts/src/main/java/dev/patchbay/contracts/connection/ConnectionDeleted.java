package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Emitted by command-service when a connection is deleted: its sealed credential was destroyed in the same
 * transaction and its config name is free again. The event log keeps the connection's history for audit.
 */
public record ConnectionDeleted(
        ConnectionId connectionId, TenantId tenantId, long version, Instant occurredAt, String actor, String configName)
        implements ConnectionEvent {}
