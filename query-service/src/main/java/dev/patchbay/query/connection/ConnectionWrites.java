package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
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
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every write of the connection projection: events into the descriptor rows, their history rows, the webhook tokens
 * and the tenants' totals of live connections, in the caller's transaction, into the live tables or a rebuild's
 * copies ({@link ReadTables}). Each write is idempotent: the row is guarded by its version, history by its key
 * {@code (connection_id, version)}, tokens by their id, and a total changes only with a row's liveness; so
 * redelivery and replay change nothing. Writers touch the tables in the order of {@link ReadTables#NAMES}, the order
 * in which a rebuild locks them.
 * <p>
 * {@link RebuildWrites} repeats these statements in multi-row form for a rebuild's copies: a change here belongs
 * there too (ProjectionRebuildIT compares the two).
 */
@Component
class ConnectionWrites {

    private static final Logger log = LoggerFactory.getLogger(ConnectionWrites.class);

    // A creation starts with the health stored for it (a probe result projected before it), else unknown. Its
    // "counted" is 1 when it made the connection live: a new row, or a revived tombstone; "before" is the row as the
    // statement found it, which no other transaction can change meanwhile (the caller holds the connection's lock).
    private static final String UPSERT_CREATED = """
            WITH before AS (
                SELECT NOT deleted AS live FROM {connections} WHERE id = :id
            ), upserted AS (
                INSERT INTO {connections} AS c (id, tenant_id, version, vendor, category, config_name, display_name,
                    base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential,
                    health_state, health_checked_at, health_latency_ms, health_error_code, health_error_message,
                    health_since, created_at, updated_at, created_by, updated_by, deleted)
                SELECT :id, :tenant, :version, :vendor, :category, :configName, :displayName, :baseUrl, :accountRef,
                    :config, :scope, :workspaceId, :endUserId, :metadata, 'active', :credential,
                    coalesce(h.state, 'unknown'), h.checked_at, h.latency_ms, h.error_code, h.error_message, h.since,
                    :createdAt, :updatedAt, :createdBy, :updatedBy, false
                FROM (VALUES (1)) AS one (x)
                LEFT JOIN connection_health AS h ON h.connection_id = :id AND h.tenant_id = :tenant
                ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, version = EXCLUDED.version,
                    vendor = EXCLUDED.vendor, category = EXCLUDED.category, config_name = EXCLUDED.config_name,
                    display_name = EXCLUDED.display_name, base_url = EXCLUDED.base_url,
                    account_ref = EXCLUDED.account_ref, config = EXCLUDED.config, scope = EXCLUDED.scope,
                    workspace_id = EXCLUDED.workspace_id, end_user_id = EXCLUDED.end_user_id,
                    metadata = EXCLUDED.metadata, status = EXCLUDED.status, credential = EXCLUDED.credential,
                    health_state = EXCLUDED.health_state, health_checked_at = EXCLUDED.health_checked_at,
                    health_latency_ms = EXCLUDED.health_latency_ms, health_error_code = EXCLUDED.health_error_code,
                    health_error_message = EXCLUDED.health_error_message, health_since = EXCLUDED.health_since,
                    created_at = EXCLUDED.created_at,
                    updated_at = EXCLUDED.updated_at, created_by = EXCLUDED.created_by,
                    updated_by = EXCLUDED.updated_by, deleted = false, deleted_at = NULL
                WHERE c.version < EXCLUDED.version AND c.tenant_id = EXCLUDED.tenant_id
                RETURNING 1
            )
            SELECT count(*) AS changed, count(*) FILTER (WHERE b.live IS NOT TRUE) AS counted
            FROM upserted LEFT JOIN before AS b ON true
            """;

    // A delete that arrives before (or without) its create still leaves a tombstone at its version; it counts only
    // when it ended a live row.
    private static final String UPSERT_TOMBSTONE = """
            WITH before AS (
                SELECT NOT deleted AS live FROM {connections} WHERE id = :id
            ), upserted AS (
                INSERT INTO {connections} AS c (id, tenant_id, version, config_name, updated_at, updated_by, deleted,
                    deleted_at)
                VALUES (:id, :tenant, :version, :configName, :at, :actor, true, :at)
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                    updated_by = EXCLUDED.updated_by, deleted = true, deleted_at = EXCLUDED.deleted_at
                WHERE c.version < EXCLUDED.version AND c.tenant_id = EXCLUDED.tenant_id
                RETURNING 1
            )
            SELECT count(*) AS changed, count(*) FILTER (WHERE b.live) AS counted
            FROM upserted LEFT JOIN before AS b ON true
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

    // An expiry is the connection's status, not its credential: the credential (kept sealed) is described as it was.
    private static final String EXPIRED = """
            UPDATE {connections} SET version = :version, status = 'expired', updated_at = :at,
                updated_by = :actor""" + GUARD;

    private static final String BUMPED = """
            UPDATE {connections} SET version = :version, updated_at = :at, updated_by = :actor""" + GUARD;

    // A health change is no edit: the version moves (reads with its Consistency-Token wait for it), who updated the
    // connection when does not. The health itself comes from the probe results (ConnectionHealthProjection).
    private static final String VERSIONED = "UPDATE {connections} SET version = :version" + GUARD;

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

    // Rows are locked in the order of the arrays, which callers sort: two transactions never wait for each other's
    // rows in a cycle.
    private static final String TOTALS = """
            INSERT INTO {totals} AS t (tenant_id, live)
            SELECT tenant_id, delta
            FROM unnest(CAST(:tenants AS text[]), CAST(:deltas AS bigint[])) AS d (tenant_id, delta)
            ON CONFLICT (tenant_id) DO UPDATE SET live = t.live + EXCLUDED.live
            """;

    private static final String OFFSETS = """
            INSERT INTO projection_offsets AS o (topic, partition, next_offset)
            SELECT topic, partition, next_offset
            FROM unnest(CAST(:topics AS text[]), CAST(:partitions AS int[]), CAST(:nexts AS bigint[]))
                AS n (topic, partition, next_offset)
            ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
            WHERE o.next_offset < EXCLUDED.next_offset
            """;

    // Serializes, per connection, the creation's pick-up of a stored probe result with the storing of a new one:
    // whichever commits second sees what the first wrote, so a result is never lost between the two topics. It also
    // serializes the creations and deletions of a connection, so that each counts what it really changed.
    private static final String CONNECTION_LOCK = "SELECT pg_advisory_xact_lock(:key)";
    private static final String CONNECTION_LOCKS =
            "SELECT pg_advisory_xact_lock(key) FROM unnest(CAST(:keys AS bigint[])) AS k (key)";

    // Only a result newer than the stored one counts, so redelivered and late results change nothing. "since" moves
    // only when the state, or the error code while unhealthy, differs from the stored one: the same rule by which
    // command-service emits ConnectionHealthChanged.
    private static final String HEALTH_KEPT = """
            INSERT INTO connection_health AS h (connection_id, tenant_id, state, checked_at, latency_ms, error_code,
                error_message, since)
            VALUES (:id, :tenant, :state, :checkedAt, :latencyMs, :errorCode, :errorMessage, :checkedAt)
            ON CONFLICT (connection_id, tenant_id) DO UPDATE SET state = EXCLUDED.state,
                checked_at = EXCLUDED.checked_at, latency_ms = EXCLUDED.latency_ms, error_code = EXCLUDED.error_code,
                error_message = EXCLUDED.error_message,
                since = CASE WHEN (h.state, h.error_code) IS NOT DISTINCT FROM (EXCLUDED.state, EXCLUDED.error_code)
                    THEN coalesce(h.since, EXCLUDED.since) ELSE EXCLUDED.since END
            WHERE h.checked_at < EXCLUDED.checked_at
            """;

    private static final String HEALTH = """
            UPDATE connections SET health_state = :state, health_checked_at = :checkedAt,
                health_latency_ms = :latencyMs, health_error_code = :errorCode, health_error_message = :errorMessage,
                health_since = CASE WHEN (health_state, health_error_code) IS NOT DISTINCT FROM (:state, :errorCode)
                    THEN coalesce(health_since, :checkedAt) ELSE :checkedAt END
            WHERE id = :id AND tenant_id = :tenant AND (health_checked_at IS NULL OR health_checked_at < :checkedAt)
            """;

    private final JsonMapper json = PatchbayJson.eventMapper();

    /**
     * What one event did: whether it changed the descriptor row, and by how much it changed its tenant's count of
     * live connections (+1, 0 or -1).
     */
    record Applied(ConnectionEvent event, boolean changed, int liveDelta) {}

    /**
     * Applies events in their order to the tables, in the caller's transaction, and adds what they changed to their
     * tenants' totals. Into the live tables it first takes, in one statement, the lock of every connection that a
     * creation or deletion among them concerns (see {@link #CONNECTION_LOCK}), in ascending order of the lock keys,
     * and it writes the totals last, in the order of the tenant ids: so two such transactions, or one and the health
     * projection, may wait for each other but never in a cycle. A rebuild's copies need no lock: the rebuild is
     * their only writer, and it copies the health that changed meanwhile when it swaps.
     */
    Mono<List<Applied>> apply(DatabaseClient db, ReadTables tables, List<ConnectionEvent> events) {
        var locks = tables.equals(ReadTables.LIVE)
                ? lock(
                        db,
                        events.stream()
                                .filter(event ->
                                        event instanceof ConnectionCreated || event instanceof ConnectionDeleted)
                                .map(event -> event.connectionId().value())
                                .toList())
                : Mono.<Void>empty();
        return locks.thenMany(Flux.fromIterable(events).concatMap(event -> apply(db, tables, event)))
                .collectList()
                .flatMap(applied -> count(db, tables, applied).thenReturn(applied));
    }

    /**
     * Records, in the live projection's transaction, the next offset of each partition, one past the last record it
     * has consumed there (applied or skipped). An offset never goes back.
     */
    Mono<Void> recordOffsets(DatabaseClient db, Map<TopicPartition, Long> nextOffsets) {
        if (nextOffsets.isEmpty()) {
            return Mono.empty();
        }
        var sorted = new ArrayList<>(nextOffsets.keySet());
        sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        return db.sql(OFFSETS)
                .bind("topics", sorted.stream().map(TopicPartition::topic).toArray(String[]::new))
                .bind(
                        "partitions",
                        sorted.stream().map(TopicPartition::partition).toArray(Integer[]::new))
                .bind("nexts", sorted.stream().map(nextOffsets::get).toArray(Long[]::new))
                .fetch()
                .rowsUpdated()
                .then();
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
        return db.sql(CONNECTION_LOCK)
                .bind("key", lockKey(probe.connectionId().value()))
                .then()
                .then(db.sql(HEALTH_KEPT).bindValues(values).fetch().rowsUpdated())
                .then(db.sql(HEALTH).bindValues(values).fetch().rowsUpdated())
                .map(rows -> rows > 0);
    }

    private static long lockKey(UUID connectionId) {
        return connectionId.getMostSignificantBits() ^ connectionId.getLeastSignificantBits();
    }

    private static Mono<Void> lock(DatabaseClient db, List<UUID> connectionIds) {
        var keys = connectionIds.stream()
                .map(ConnectionWrites::lockKey)
                .distinct()
                .sorted()
                .toArray(Long[]::new);
        if (keys.length == 0) {
            return Mono.empty();
        }
        return db.sql(CONNECTION_LOCKS).bind("keys", keys).then();
    }

    /** Adds the events' changes to their tenants' totals; a tenant whose liveness no event changed is not touched. */
    private static Mono<Void> count(DatabaseClient db, ReadTables tables, List<Applied> applied) {
        var deltas = new TreeMap<String, Long>();
        for (var one : applied) {
            if (one.liveDelta() != 0) {
                deltas.merge(one.event().tenantId().value(), (long) one.liveDelta(), Long::sum);
            }
        }
        if (deltas.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(tables.sql(TOTALS))
                .bind("tenants", deltas.keySet().toArray(String[]::new))
                .bind("deltas", deltas.values().toArray(Long[]::new))
                .fetch()
                .rowsUpdated()
                .then();
    }

    /**
     * Applies one event, in the caller's transaction, without its tenant's total (see the list form, which every
     * caller uses): whether it changed the descriptor row, false when the row was at that version or later (its
     * history and tokens rows are written idempotently either way).
     */
    private Mono<Applied> apply(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
        var row = row(db, tables, event);
        var history = db.sql(tables.sql(HISTORY))
                .bindValues(historyValues(event))
                .fetch()
                .rowsUpdated();
        var tokens = tokens(db, tables, event);
        return row.flatMap(applied -> history.then(tokens).thenReturn(applied));
    }

    private Mono<Applied> row(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
        if (event instanceof ConnectionCreated created) {
            return counted(db, tables.sql(UPSERT_CREATED), created(created), event, 1);
        }
        if (event instanceof ConnectionDeleted deleted) {
            var values = guarded(deleted);
            values.put("configName", Parameter.fromOrEmpty(deleted.configName(), String.class));
            return counted(db, tables.sql(UPSERT_TOMBSTONE), values, event, -1);
        }
        return uncounted(db, tables, event).map(changed -> new Applied(event, changed, 0));
    }

    private Mono<Boolean> uncounted(DatabaseClient db, ReadTables tables, ConnectionEvent event) {
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
        if (event instanceof ConnectionExpired expired) {
            return update(db, tables.sql(EXPIRED), guarded(expired));
        }
        if (event instanceof WebhookSecretSet
                || event instanceof WebhookTokenMinted
                || event instanceof WebhookTokenRevoked) {
            return update(db, tables.sql(BUMPED), guarded(event));
        }
        if (event instanceof ConnectionHealthChanged) {
            var values = guarded(event);
            values.remove("at");
            values.remove("actor");
            return update(db, tables.sql(VERSIONED), values);
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

    /** A creation or deletion: the row's change, and {@code sign} times whether it changed the row's liveness. */
    private static Mono<Applied> counted(
            DatabaseClient db, String sql, Map<String, Object> values, ConnectionEvent event, int sign) {
        return db.sql(sql)
                .bindValues(values)
                .map(row -> new Applied(
                        event,
                        row.get("changed", Long.class) > 0,
                        sign * row.get("counted", Long.class).intValue()))
                .one();
    }

    private static Mono<Boolean> update(DatabaseClient db, String sql, Map<String, Object> values) {
        return db.sql(sql).bindValues(values).fetch().rowsUpdated().map(rows -> rows > 0);
    }

    private Json jsonb(Object value) {
        return Json.of(json.writeValueAsBytes(value));
    }
}
