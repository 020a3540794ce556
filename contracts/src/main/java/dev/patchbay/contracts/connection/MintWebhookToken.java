package dev.patchbay.contracts.connection;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Command: record that a webhook token was minted for a connection. Only the token's id travels; its hash is
 * stored beside the event by command-service, and the raw token is returned once to the caller.
 */
public record MintWebhookToken(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        String tokenId,
        String vendor) {}
