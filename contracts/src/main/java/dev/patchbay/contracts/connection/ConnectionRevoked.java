package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Emitted by command-service when a connection is revoked: its sealed credential was destroyed in the same
 * transaction; the connection stays readable with status {@code revoked} until a rotation gives it a new one.
 */
public record ConnectionRevoked(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        String revokedFingerprint)
        implements ConnectionEvent {}
