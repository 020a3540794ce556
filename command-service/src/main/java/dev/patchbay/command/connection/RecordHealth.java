package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Record a probe result (a manual test or a scheduled re-check); the connection decides whether its health changed. */
record RecordHealth(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        boolean healthy,
        ProbeError error,
        Instant checkedAt) {}
