package dev.patchbay.contracts.connection;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Command: revoke one webhook token of a connection; revoking a revoked token changes nothing. */
public record RevokeWebhookToken(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        String tokenId) {}
