package dev.patchbay.contracts.connection;

import java.time.Instant;

/** Emitted by command-service when a webhook token is revoked: deliveries with it are refused from then on. */
public record WebhookTokenRevoked(
        ConnectionId connectionId, TenantId tenantId, long version, Instant occurredAt, String actor, String tokenId)
        implements ConnectionEvent {}
