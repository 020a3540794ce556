package dev.patchbay.contracts.webhook;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;

/**
 * Published by command-service on {@code patchbay.webhooks.v1} (key: connection id) for every accepted vendor
 * delivery, before the vendor gets its 202: so a downstream service can fetch the vendor's data for the right
 * account ({@code accountRef}). The payload is the vendor's JSON, unchanged.
 */
public record WebhookReceived(
        String deliveryId,
        TenantId tenantId,
        ConnectionId connectionId,
        String vendor,
        String accountRef,
        Instant receivedAt,
        Object payload) {}
