package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConnectionResource.Health;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.json.PatchbayJson;
import dev.patchbay.query.platform.AppliedVersions;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code connections} read table: one secret-free descriptor per connection, at the version of the last event
 * applied to it. Every write is conditional on that version, so an event applied twice, or after a newer one,
 * changes nothing.
 */
@Repository
class ConnectionDescriptors implements AppliedVersions {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private static final String COLUMNS = "id, tenant_id, version, vendor, category, config_name, display_name, "
            + "base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential, "
            + "health_state, health_checked_at, health_latency_ms, health_error_code, health_error_message, "
            + "created_at, updated_at, created_by, updated_by";

    private static final String UPSERT_CREATED = """
            INSERT INTO connections (id, tenant_id, version, vendor, category, config_name, display_name, base_url,
                account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential, health_state,
                created_at, updated_at, created_by, updated_by, deleted)
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
            WHERE connections.version < EXCLUDED.version AND connections.tenant_id = EXCLUDED.tenant_id
            """;

    // A delete that arrives before (or without) its create still leaves a tombstone at its version.
    private static final String UPSERT_TOMBSTONE = """
            INSERT INTO connections (id, tenant_id, version, config_name, updated_at, updated_by, deleted, deleted_at)
            VALUES (:id, :tenant, :version, :configName, :deletedAt, :actor, true, :deletedAt)
            ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                updated_by = EXCLUDED.updated_by, deleted = true, deleted_at = EXCLUDED.deleted_at
            WHERE connections.version < EXCLUDED.version AND connections.tenant_id = EXCLUDED.tenant_id
            """;

    private final DatabaseClient db;
    private final JsonMapper json = PatchbayJson.eventMapper();

    ConnectionDescriptors(DatabaseClient db) {
        this.db = db;
    }

    /** Applies a create; true when it changed the row, false when the row was at that version or later. */
    Mono<Boolean> apply(ConnectionCreated e) {
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
        return db.sql(UPSERT_CREATED).bindValues(values).fetch().rowsUpdated().map(rows -> rows > 0);
    }

    /** Applies a delete as a tombstone; true when it changed the row. */
    Mono<Boolean> apply(ConnectionDeleted e) {
        return db.sql(UPSERT_TOMBSTONE).bind("id", e.connectionId().value()).bind("tenant", e.tenantId().value())
                .bind("version", e.version()).bind("configName", Parameter.fromOrEmpty(e.configName(), String.class))
                .bind("deletedAt", e.occurredAt()).bind("actor", e.actor())
                .fetch().rowsUpdated().map(rows -> rows > 0);
    }

    @Override
    public Mono<Long> appliedVersion(TenantId tenant, ConnectionId id) {
        return db.sql("SELECT version FROM connections WHERE id = :id AND tenant_id = :tenant")
                .bind("id", id.value()).bind("tenant", tenant.value())
                .map(row -> row.get("version", Long.class)).one();
    }

    /** The tenant's live connection, or empty when it is deleted, another tenant's, or was never seen. */
    Mono<ConnectionResource> find(TenantId tenant, ConnectionId id) {
        return db.sql("SELECT " + COLUMNS + " FROM connections WHERE id = :id AND tenant_id = :tenant AND NOT deleted")
                .bind("id", id.value()).bind("tenant", tenant.value()).map(this::resource).one();
    }

    /** At most {@code limit} live connections after the position (newest first), matching the filter. */
    Flux<ConnectionResource> page(TenantId tenant, ConnectionFilter filter, PagePosition after, int limit) {
        var sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM connections");
        Map<String, Object> values = new HashMap<>();
        where(sql, values, tenant, filter);
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterCreatedAt, :afterId)");
            values.put("afterCreatedAt", after.createdAt());
            values.put("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        values.put("limit", limit);
        return db.sql(sql.toString()).bindValues(values).map(this::resource).all();
    }

    /** How many live connections match the filter, over every page. */
    Mono<Long> count(TenantId tenant, ConnectionFilter filter) {
        var sql = new StringBuilder("SELECT count(*) AS total FROM connections");
        Map<String, Object> values = new HashMap<>();
        where(sql, values, tenant, filter);
        return db.sql(sql.toString()).bindValues(values).map(row -> row.get("total", Long.class)).one();
    }

    private static void where(StringBuilder sql, Map<String, Object> values, TenantId tenant,
            ConnectionFilter filter) {
        sql.append(" WHERE tenant_id = :tenant AND NOT deleted");
        values.put("tenant", tenant.value());
        equal(sql, values, "vendor", filter.vendor());
        equal(sql, values, "status", filter.status() == null ? null : filter.status().wireName());
        equal(sql, values, "health_state", filter.health());
        equal(sql, values, "workspace_id", filter.workspaceId());
        equal(sql, values, "end_user_id", filter.endUserId());
    }

    private static void equal(StringBuilder sql, Map<String, Object> values, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = :").append(column);
            values.put(column, value);
        }
    }

    private ConnectionResource resource(Readable row) {
        var errorCode = row.get("health_error_code", String.class);
        var health = new Health(row.get("health_state", String.class), row.get("health_checked_at", Instant.class),
                row.get("health_latency_ms", Long.class),
                errorCode == null ? null : new ProbeError(errorCode, row.get("health_error_message", String.class)));
        return new ConnectionResource(new ConnectionId(row.get("id", UUID.class)), row.get("vendor", String.class),
                row.get("category", String.class), row.get("config_name", String.class),
                row.get("display_name", String.class), row.get("base_url", String.class),
                row.get("account_ref", String.class), object(row.get("config", Json.class)),
                Scope.parse(row.get("scope", String.class)).orElse(Scope.ORGANIZATION),
                row.get("workspace_id", String.class), row.get("end_user_id", String.class),
                object(row.get("metadata", Json.class)),
                Status.valueOf(row.get("status", String.class).toUpperCase(Locale.ROOT)),
                json.readValue(row.get("credential", Json.class).asArray(), CredentialInfo.class), health,
                row.get("version", Long.class), row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class), row.get("created_by", String.class),
                row.get("updated_by", String.class));
    }

    private Json jsonb(Object value) {
        return Json.of(json.writeValueAsBytes(value));
    }

    private Map<String, Object> object(Json value) {
        return value == null ? Map.of() : json.readValue(value.asArray(), OBJECT);
    }
}
