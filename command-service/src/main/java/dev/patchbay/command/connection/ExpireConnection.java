package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Make a connection expired because credential version {@code credentialVersion} stopped working: its expiry passed
 * with nothing to renew it, or its refresh was refused or kept failing. A connection whose credential has changed
 * since, or that is not active, is left as it is.
 */
record ExpireConnection(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        int credentialVersion,
        String reason) {}
