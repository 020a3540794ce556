package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.contracts.topic.CloudEvents;
import dev.patchbay.platform.json.PatchbayJson;
import io.r2dbc.postgresql.codec.Json;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code connection_history} read table: one row per event of a connection, written in the same transaction as
 * the descriptor (by {@link ConnectionWrites}), read oldest first by {@code GET /v1/connections/{id}/history}. What a
 * row says changed is secret-free by construction: it is built here from the event's non-secret fields only.
 */
@Repository
class ConnectionHistory {

    /** One event as the history endpoint returns it. */
    @Schema(name = "HistoryEntry")
    record Entry(String type, long version, Instant occurredAt, String actor, Map<String, Object> changes) {}

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final DatabaseClient db;
    private final JsonMapper json = PatchbayJson.eventMapper();

    ConnectionHistory(DatabaseClient db) {
        this.db = db;
    }

    /** The connection's events, oldest first, of that tenant only. */
    Flux<Entry> of(TenantId tenant, ConnectionId id) {
        return db.sql("""
                SELECT type, version, occurred_at, actor, changes FROM connection_history
                WHERE connection_id = :id AND tenant_id = :tenant ORDER BY version""")
                .bind("id", id.value())
                .bind("tenant", tenant.value())
                .map(row -> new Entry(
                        row.get("type", String.class),
                        row.get("version", Long.class),
                        row.get("occurred_at", Instant.class),
                        row.get("actor", String.class),
                        json.readValue(row.get("changes", Json.class).asArray(), OBJECT)))
                .all();
    }

    /**
     * The short logical name of an event: its CloudEvents type without the {@code dev.patchbay.} prefix and the
     * version suffix, e.g. {@code connection.created}, {@code connection.webhook-token-minted}. Stable, because the
     * {@code ce_type} is part of the contract.
     */
    static String type(ConnectionEvent event) {
        return CloudEvents.typeOf(event.getClass())
                .replaceFirst("^dev\\.patchbay\\.", "")
                .replaceFirst("\\.v\\d+$", "");
    }

    /**
     * What the event changed, secret-free: a create's initial descriptor, an update's changed fields with their new
     * values, a rotation's credential version and fingerprints, a revocation's fingerprint, a webhook secret's version
     * and fingerprint, a token's id, a health change's states and error codes, and nothing for a delete.
     */
    static Map<String, Object> changes(ConnectionEvent event) {
        Map<String, Object> changes = new LinkedHashMap<>();
        if (event instanceof ConnectionCreated e) {
            changes.put("vendor", e.vendor());
            changes.put("category", e.category());
            changes.put("config_name", e.configName());
            changes.put("display_name", e.displayName());
            changes.put("base_url", e.baseUrl());
            changes.put("account_ref", e.accountRef());
            changes.put("config", e.config());
            changes.put("scope", (e.scope() == null ? Scope.ORGANIZATION : e.scope()).wireName());
            changes.put("workspace_id", e.workspaceId());
            changes.put("end_user_id", e.endUserId());
            changes.put("metadata", e.metadata());
            if (e.credential() != null) {
                Map<String, Object> credential = new LinkedHashMap<>();
                credential.put("fields", e.credential().fields());
                credential.put("version", e.credential().version());
                credential.put("fingerprint", e.credential().fingerprint());
                if (e.credential().expiresAt() != null) {
                    credential.put("expires_at", e.credential().expiresAt());
                }
                changes.put("credential", credential);
            }
        } else if (event instanceof ConnectionUpdated e) {
            for (var field : e.changedFields()) {
                updated(e, field, changes);
            }
        } else if (event instanceof ConnectionRotated e) {
            changes.put(
                    "credential_version",
                    e.credential() == null ? null : e.credential().version());
            changes.put(
                    "fingerprint",
                    e.credential() == null ? null : e.credential().fingerprint());
            changes.put("previous_fingerprint", e.previousFingerprint());
            if (e.credential() != null && e.credential().expiresAt() != null) {
                changes.put("expires_at", e.credential().expiresAt());
            }
        } else if (event instanceof ConnectionRevoked e) {
            changes.put("revoked_fingerprint", e.revokedFingerprint());
        } else if (event instanceof WebhookSecretSet e) {
            changes.put("secret_version", e.secretVersion());
            changes.put("fingerprint", e.fingerprint());
        } else if (event instanceof WebhookTokenMinted e) {
            changes.put("token_id", e.tokenId());
        } else if (event instanceof WebhookTokenRevoked e) {
            changes.put("token_id", e.tokenId());
        } else if (event instanceof ConnectionHealthChanged e) {
            changes.put("state", e.state());
            changes.put("previous_state", e.previousState());
            changes.put("error_code", e.error() == null ? null : e.error().code());
            changes.put("previous_error_code", e.previousErrorCode());
        } else if (event instanceof ConnectionExpired e) {
            changes.put("status", "expired");
            changes.put("reason", e.reason());
            changes.put("credential_version", e.credentialVersion());
        } else if (!(event instanceof ConnectionDeleted)) {
            throw new IllegalArgumentException(
                    "no history for " + event.getClass().getSimpleName());
        }
        return changes;
    }

    /** The new value of one changed field; a name this build does not know as updatable is left out. */
    private static void updated(ConnectionUpdated e, String field, Map<String, Object> changes) {
        switch (field) {
            case "display_name" -> changes.put(field, e.displayName());
            case "base_url" -> changes.put(field, e.baseUrl());
            case "account_ref" -> changes.put(field, e.accountRef());
            case "config" -> changes.put(field, e.config());
            case "metadata" -> changes.put(field, e.metadata());
            default -> {
                // e.g. a field a newer command-service made updatable; the projection does not know its value
            }
        }
    }
}
