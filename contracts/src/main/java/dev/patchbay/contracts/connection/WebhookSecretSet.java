package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Emitted by command-service when a connection's webhook signing secret is set or replaced. The secret itself is
 * sealed in the vault; the event names only its fingerprint.
 */
public record WebhookSecretSet(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        int secretVersion,
        String fingerprint)
        implements ConnectionEvent {}
