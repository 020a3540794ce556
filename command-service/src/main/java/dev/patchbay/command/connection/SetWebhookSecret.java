package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Record that a new webhook signing secret, already sealed at {@code secretVersion}, is the connection's. */
record SetWebhookSecret(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        int secretVersion,
        String fingerprint) {}
