package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Delete a connection on behalf of a caller of that tenant. */
record DeleteConnection(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        Long expectedVersion) {}
