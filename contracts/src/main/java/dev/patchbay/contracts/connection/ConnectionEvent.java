package dev.patchbay.contracts.connection;

import java.time.Instant;

/**
 * Every fact about a connection, in the order it happened. Published on {@code patchbay.connections.v1} keyed by
 * connection id; {@link #version()} is the connection's event sequence, starting at 1. No event ever holds a secret.
 */
public sealed interface ConnectionEvent
        permits ConnectionCreated,
                ConnectionUpdated,
                ConnectionRotated,
                ConnectionRevoked,
                WebhookSecretSet,
                WebhookTokenMinted,
                WebhookTokenRevoked,
                ConnectionHealthChanged,
                ConnectionExpired,
                ConnectionDeleted {

    ConnectionId connectionId();

    TenantId tenantId();

    long version();

    Instant occurredAt();

    /** The subject of the token that caused the event. */
    String actor();
}
