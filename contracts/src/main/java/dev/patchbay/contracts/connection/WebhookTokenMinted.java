package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Emitted by command-service when a webhook token is minted for a connection. Only the token's id is published;
 * the raw token was returned once to the caller and only its SHA-256 hash is kept.
 */
public record WebhookTokenMinted(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        String tokenId,
        String vendor)
        implements ConnectionEvent {}
