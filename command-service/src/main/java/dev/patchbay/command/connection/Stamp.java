package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;

import java.time.Instant;
import java.util.List;

/**
 * How every connection event begins: which connection, whose, the version the event gives it, when and by whom. The
 * events are the contracts' records, whose components cannot change; these factories spare the aggregate their long
 * positional constructors.
 */
record Stamp(ConnectionId id, TenantId tenant, long version, Instant at, String actor) {

    ConnectionCreated created(CreateConnection cmd) {
        return new ConnectionCreated(
                id,
                tenant,
                version,
                at,
                actor,
                cmd.vendor(),
                cmd.category(),
                cmd.configName(),
                cmd.displayName(),
                cmd.baseUrl(),
                cmd.accountRef(),
                cmd.config(),
                cmd.scope(),
                cmd.workspaceId(),
                cmd.endUserId(),
                cmd.metadata(),
                cmd.credential());
    }

    ConnectionUpdated updated(List<String> changedFields, ConnectionDetails details) {
        return new ConnectionUpdated(
                id,
                tenant,
                version,
                at,
                actor,
                changedFields,
                details.displayName(),
                details.baseUrl(),
                details.accountRef(),
                details.config(),
                details.metadata());
    }

    ConnectionRotated rotated(CredentialInfo credential, String previousFingerprint) {
        return new ConnectionRotated(id, tenant, version, at, actor, credential, previousFingerprint);
    }

    ConnectionRevoked revoked(String fingerprint) {
        return new ConnectionRevoked(id, tenant, version, at, actor, fingerprint);
    }

    WebhookSecretSet webhookSecretSet(int secretVersion, String fingerprint) {
        return new WebhookSecretSet(id, tenant, version, at, actor, secretVersion, fingerprint);
    }

    WebhookTokenMinted webhookTokenMinted(String tokenId, String vendor) {
        return new WebhookTokenMinted(id, tenant, version, at, actor, tokenId, vendor);
    }

    WebhookTokenRevoked webhookTokenRevoked(String tokenId) {
        return new WebhookTokenRevoked(id, tenant, version, at, actor, tokenId);
    }

    ConnectionHealthChanged healthChanged(
            String state, String previousState, ProbeError error, String previousErrorCode) {
        return new ConnectionHealthChanged(
                id, tenant, version, at, actor, state, previousState, error, previousErrorCode);
    }

    ConnectionExpired expired(int credentialVersion, String reason) {
        return new ConnectionExpired(id, tenant, version, at, actor, credentialVersion, reason);
    }

    ConnectionDeleted deleted(String configName) {
        return new ConnectionDeleted(id, tenant, version, at, actor, configName);
    }
}
