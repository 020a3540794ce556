package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Change a connection's descriptive fields and/or rotate its credential (already sealed at {@code newCredential}'s
 * version); carries no secret.
 *
 * @param changes the updatable fields the client sent; {@link DetailsPatch#NONE} for none
 * @param expectedVersion the client's {@code If-Match}, or null
 */
record UpdateConnection(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        Long expectedVersion,
        DetailsPatch changes,
        CredentialInfo newCredential) {}
