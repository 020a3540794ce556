package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Answer the connection as its events leave it; applies nothing. A strongly consistent read of the write model. */
record DescribeConnection(@TargetAggregateIdentifier ConnectionId connectionId, TenantId tenantId) {
}
