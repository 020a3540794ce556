package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.Map;

/** Create a connection whose credential is already sealed in the vault; carries no secret. */
record CreateConnection(
        @TargetAggregateIdentifier ConnectionId connectionId,
        TenantId tenantId,
        String actor,
        Instant requestedAt,
        String vendor,
        String category,
        String configName,
        String displayName,
        String baseUrl,
        String accountRef,
        Map<String, Object> config,
        Scope scope,
        String workspaceId,
        String endUserId,
        Map<String, Object> metadata,
        CredentialInfo credential) {}
