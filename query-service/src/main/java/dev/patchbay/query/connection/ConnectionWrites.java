package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.json.PatchbayJson;
import io.r2dbc.postgresql.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Every write of the connection projection: one event into the descriptor row, its history row and the webhook
 * tokens, in the caller's transaction, into the live tables or a rebuild's copies ({@link ReadTables}). Each write is
 * idempotent: the row is guarded by its version, history by its key {@code (connection_id, version)}, tokens by
 * their id; so redelivery and replay change nothing. Writers touch the tables in the order of
 * {@link ReadTables#NAMES}, the order in which a rebuild locks them.
 */
@Component
class ConnectionWrites {

    private static final Logger log = LoggerFactory.getLogger(ConnectionWrites.class);

    private static final String UPSERT_CREATED = """
            INSERT INTO {connections} AS c (id, tenant_id, version, vendor, category, config_name, display_name,
                base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential,
                health_state, created_at, updated_at, created_by, updated_by, deleted)
            VALUES (:id, :tenant, :version, :vendor, :category, :configName, :displayName, :baseUrl, :accountRef,
                :config, :scope, :workspaceId, :endUserId, :metadata, 'active', :credential, 'unknown', :createdAt,
                :updatedAt, :createdBy, :updatedBy, false)
            ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, version = EXCLUDED.version,
                vendor = EXCLUDED.vendor, category = EXCLUDED.category, config_name = EXCLUDED.config_name,
                display_name = EXCLUDED.display_name, base_url = EXCLUDED.base_url,
                account_ref = EXCLUDED.account_ref, config = EXCLUDED.config, scope = EXCLUDED.scope,
                workspace_id = EXCLUDED.workspace_id, end_user_id = EXCLUDED.end_user_id,
                metadata = EXCLUDED.metadata, status = EXCLUDED.status, credential = EXCLUDED.credential,
                health_state = EXCLUDED.health_state, health_checked_at = NULL, health_latency_ms = NULL,
                health_error_code = NULL, health_error_message = NULL, created_at = EXCLUDED.created_at,
                updated_at = EXCLUDED.updated_at, created_by = EXCLUDED.created_by,
                updated_by = EXCLUDED.updated_by, deleted = false, deleted_at = NULL
            WHERE c.version < EXCLUDED.version AND c.tenant_id = EXCLUDED.tenant_id
            """;

    // A delete that arrives before (or without) its create still leaves a tombstone at its version.
    private static final String UPSERT_TOMBSTONE = """
            INSERT INTO {connections} AS c (id, tenant_id, version, config_name, updated_at, updated_by, deleted,
                deleted_at)
            VALUES (:id, :tenant, :version, :configName, :at, :actor, true, :at)
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                updated_by = EXCLUDED.updated_by, deleted = true, deleted_at = EXCLUDED.deleted_at
            WHERE c.version < EXCLUDED.version AND c.tenant_id = EXCLUDED.tenant_id
            """;

    // Each guard: the tenant's row, below the event's version. An event for a row never created changes nothing.
    private static final String GUARD = " WHERE id = :id AND tenant_id = :tenant AND version < :version";

    private static final String UPDATED = """
            UPDATE {connections} SET version = :version, display_name = :displayName, base_url = :baseUrl,
                account_ref = :accountRef, config = :config, metadata = :metadata, updated_at = :at,
                updated_by = :actor""" + GUARD;

    private static final String ROTATED = """
            UPDATE {connections} SET version = :version, credential = :credential, status = 'active',
                updated_at = :at, updated_by = :actor""" + GUARD;

    private static final String REVOKED = """
            UPDATE {connections} SET version = :version, status = 'revoked', updated_at = :at,
                updated_by = :actor""" + GUARD;

    private static final String BUMPED = """
            UPDATE {connections} SET version = :version, updated_at = :at, updated_by = :actor""" + GUARD;

    private static final String HISTORY = """
            INSERT INTO {history} (connection_id, version, tenant_id, type, occurred_at, actor, changes)
            VALUES (:id, :version, :tenant, :type, :at, :actor, :changes)
            ON CONFLICT (connection_id, version) DO NOTHING
            """;

    private static final String TOKEN_MINTED = """
            INSERT INTO {tokens} (token_id, connection_id, tenant_id, vendor, minted_at, minted_by)
            VALUES (:tokenId, :id, :tenant, :vendor, :at, :actor)
            ON CONFLICT (token_id) DO NOTHING
            """;

    private static final String TOKEN_REVOKED = """
            UPDATE {tokens} SET revoked_at = :at, revoked_by = :actor
            WHERE token_id = :tokenId AND connection_id = :id AND tenant_id = :tenant AND revoked_at IS NULL
            """;

    private static final String OFFSET = """
            INSERT INTO projection_offsets (topic, partition, next_offset) VALUES (:topic, :partition, :next)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
            WHERE projection_offsets.next_offset < EXCLUDED.next_offset
            """;

    // Serializes, per connection, the creation's pick-up of a stored probe result with the storing of a new one:
    // whichever commits second sees what the first wrote, so a result is never lost between the two topics.
    private static final String CONNECTION_LOCK = "SELECT pg_advisory_xact_lock(:key)";

    // Only a result newer than the stored one counts, so redelivered and late results change nothing.
    private static final String HEALTH_KEPT = """
            INSERT INTO connection_health AS h (connection_id, tenant_id, state, checked_at, latency_ms, error_code,
                error_message)
            VALUES (:id, :tenant, :state, :checkedAt, :latencyMs, :errorCode, :errorMessage)
            ON CONFLICT (connection_id, tenant_id) DO UPDATE SET state = EXCLUDED.state,
                checked_at = EXCLUDED.checked_at, latency_ms = EXCLUDED.latency_ms, error_code = EXCLUDED.error_code,
                error_message = EXCLUDED.error_message
            WHERE h.checked_at < EXCLUDED.checked_at
            """;

    private static final String HEALTH = """
            UPDATE connections SET health_state = :state, health_checked_at = :checkedAt,
                health_latency_ms = :latencyMs, health_error_code = :errorCode, health_error_message = :errorMessage
            WHERE id = :id AND tenant_id = :tenant AND (health_checked_at IS NULL OR health_checked_at < :checkedAt)
            """;

    // A creation starts with unknown health; a result stored before it was projected applies at once.
    private static final String HEALTH_PICKED_UP = """
            UPDATE {connections} AS c SET health_state = h.state, health_checked_at = h.checked_at,
                health_latency_ms = h.latency_ms, health_error_code = h.error_code,
                health_error_message = h.error_message
            FROM connection_health AS h
            WHERE c.id = :id AND c.tenant_id = :tenant AND h.connection_id = c.id AND h.tenant_id = c.tenant_id
                AND (c.health_checked_at IS NULL OR c.health_checked_at < h.checked_at)
            """;

    private final JsonMapper json = PatchbayJson.eventMapper();

    /**
     * Applies one event to the tables, in the caller's transaction: true when it changed the descriptor row, false
     * when the row was at that version or later (its history and tokens rows are written idempotently either way).
     */
    Mono<Boolean> apply(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
        var row = row(db, tables, event);
        var history = db.sql(tables.sql(HISTORY)).bindValues(historyValues(event)).fetch().rowsUpdated();
        var tokens = tokens(db, tables, event);
        return row.flatMap(changed -> history.then(tokens).thenReturn(changed));
    }

    /** Records, in the live projection's transaction, that it has applied that record of that partition. */
    Mono<Void> recordOffset(DatabaseClient db, String topic, int partition, long offset) {
        return db.sql(OFFSET).bind("topic", topic).bind("partition", partition).bind("next", offset + 1)
                .fetch().rowsUpdated().then();
    }

    /**
     * Keeps a probe result and applies it to the live row's health, in the caller's transaction; true when it was
     * newer than the row's. A result for a connection not projected yet is kept for its creation to pick up.
     */
    Mono<Boolean> apply(DatabaseClient db, ProbeCompleted probe) {
        var error = probe.error();
        Map<String, Object> values = new HashMap<>();
        values.put("id", probe.connectionId().value());
        values.put("tenant", probe.tenantId().value());
        values.put("state", probe.healthy() ? "healthy" : "unhealthy");
        values.put("checkedAt", probe.checkedAt());
        values.put("latencyMs", probe.latencyMs());
        values.put("errorCode", Parameter.fromOrEmpty(error == null ? null : error.code(), String.class));
        values.put("errorMessage", Parameter.fromOrEmpty(error == null ? null : error.message(), String.class));
        return lock(db, probe.connectionId().value())
                .then(db.sql(HEALTH_KEPT).bindValues(values).fetch().rowsUpdated())
                .then(db.sql(HEALTH).bindValues(values).fetch().rowsUpdated())
                .map(rows -> rows > 0);
    }

    private static Mono<Void> lock(DatabaseClient db, UUID connectionId) {
        return db.sql(CONNECTION_LOCK)
                .bind("key", connectionId.getMostSignificantBits() ^ connectionId.getLeastSignificantBits())
                .then();
    }

    private Mono<Boolean> row(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
        if (event instanceof ConnectionCreated created) {
            // a rebuild needs no lock: it copies the health that changed meanwhile when it swaps
            var lock = tables.equals(ReadTables.LIVE) ? lock(db, created.connectionId().value()) : Mono.<Void>empty();
            return lock.then(update(db, tables.sql(UPSERT_CREATED), created(created)))
                    .flatMap(changed -> db.sql(tables.sql(HEALTH_PICKED_UP))
                            .bind("id", created.connectionId().value()).bind("tenant", created.tenantId().value())
                            .fetch().rowsUpdated().thenReturn(changed));
        }
        if (event instanceof ConnectionUpdated updated) {
            var values = guarded(updated);
            values.put("displayName", Parameter.fromOrEmpty(updated.displayName(), String.class));
            values.put("baseUrl", Parameter.fromOrEmpty(updated.baseUrl(), String.class));
            values.put("accountRef", Parameter.fromOrEmpty(updated.accountRef(), String.class));
            values.put("config", jsonb(updated.config()));
            values.put("metadata", jsonb(updated.metadata()));
            return update(db, tables.sql(UPDATED), values);
        }
        if (event instanceof ConnectionRotated rotated) {
            var values = guarded(rotated);
            values.put("credential", jsonb(rotated.credential()));
            return update(db, tables.sql(ROTATED), values);
        }
        if (event instanceof ConnectionRevoked revoked) {
            return update(db, tables.sql(REVOKED), guarded(revoked));
        }
        if (event instanceof WebhookSecretSet || event instanceof WebhookTokenMinted
                || event instanceof WebhookTokenRevoked) {
            return update(db, tables.sql(BUMPED), guarded(event));
        }
        if (event instanceof ConnectionDeleted deleted) {
            var values = guarded(deleted);
            values.put("configName", Parameter.fromOrEmpty(deleted.configName(), String.class));
            return update(db, tables.sql(UPSERT_TOMBSTONE), values);
        }
        // unreachable while ConnectionDescriptorProjection.PROJECTED covers every permitted type (checked by a test)
        log.error("No projection for {}; skipped", event.getClass().getSimpleName());
        return Mono.just(false);
    }

    private Mono<Long> tokens(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
        if (event instanceof WebhookTokenMinted minted) {
            var values = guarded(minted);
            values.remove("version");
            values.put("tokenId", minted.tokenId());
            values.put("vendor", Parameter.fromOrEmpty(minted.vendor(), String.class));
            return db.sql(tables.sql(TOKEN_MINTED)).bindValues(values).fetch().rowsUpdated();
        }
        if (event instanceof WebhookTokenRevoked revoked) {
            var values = guarded(revoked);
            values.remove("version");
            values.put("tokenId", revoked.tokenId());
            return db.sql(tables.sql(TOKEN_REVOKED)).bindValues(values).fetch().rowsUpdated();
        }
        return Mono.just(0L);
    }

    private Map<String, Object> created(ConnectionCreated e) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", e.connectionId().value());
        values.put("tenant", e.tenantId().value());
        values.put("version", e.version());
        values.put("vendor", e.vendor());
        values.put("category", e.category());
        values.put("configName", e.configName());
        values.put("displayName", Parameter.fromOrEmpty(e.displayName(), String.class));
        values.put("baseUrl", Parameter.fromOrEmpty(e.baseUrl(), String.class));
        values.put("accountRef", Parameter.fromOrEmpty(e.accountRef(), String.class));
        values.put("config", jsonb(e.config()));
        values.put("scope", (e.scope() == null ? Scope.ORGANIZATION : e.scope()).wireName());
        values.put("workspaceId", Parameter.fromOrEmpty(e.workspaceId(), String.class));
        values.put("endUserId", Parameter.fromOrEmpty(e.endUserId(), String.class));
        values.put("metadata", jsonb(e.metadata()));
        values.put("credential", jsonb(e.credential()));
        values.put("createdAt", e.occurredAt());
        values.put("updatedAt", e.occurredAt());
        values.put("createdBy", e.actor());
        values.put("updatedBy", e.actor());
        return values;
    }

    /** What every guarded write binds: the row, the event's version, when and by whom. */
    private static Map<String, Object> guarded(ConnectionEvent e) {
        Map<String, Object> values = new HashMap<>();
        values.put("id", e.connectionId().value());
        values.put("tenant", e.tenantId().value());
        values.put("version", e.version());
        values.put("at", e.occurredAt());
        values.put("actor", e.actor());
        return values;
    }

    private Map<String, Object> historyValues(ConnectionEvent e) {
        var values = guarded(e);
        values.put("type", ConnectionHistory.type(e));
        values.put("changes", jsonb(ConnectionHistory.changes(e)));
        return values;
    }

    private static Mono<Boolean> update(DatabaseClient db, String sql, Map<String, Object> values) {
        return db.sql(sql).bindValues(values).fetch().rowsUpdated().map(rows -> rows > 0);
    }

    private Json jsonb(Object value) {
        return Json.of(json.writeValueAsBytes(value));
    }
}
