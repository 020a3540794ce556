package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Record a refresher's renewal of credential version {@code fromVersion}: the renewed credential ({@code refreshed},
 * version {@code fromVersion + 1}) is staged in the vault and becomes the connection's, a rotation by the refresher,
 * unless the credential changed since or the connection is revoked or deleted.
 */
record RecordRefresh(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        Instant requestedAt,
        int fromVersion,
        CredentialInfo refreshed) {}
