package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.platform.json.PatchbayJson;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The writes of {@link ConnectionWrites} in multi-row form, for a rebuild's copies: a poll's events in a handful of
 * statements instead of two or three each. A rebuild applied one event at a time spent its time in round trips (one
 * statement, one wait, several per event: 48-196 events/s in bench/scale, well below pgbench of the same SQL), so it
 * would have taken hours for a million events.
 * <p>
 * The events are cut, in their order, into runs in which no connection appears twice (but for a guarded update that
 * replaces the same kind of update of its connection just before it: {@link #replaces}). Every write is keyed by its
 * connection (the row, its history, its tokens), so the events of one run touch disjoint rows and may be written in
 * any order: one statement per kind of write and run, each the multi-row form of the statement that
 * {@link ConnectionWrites} runs for one event, with the same guards (version, tenant) and the same counting of live
 * connections. Runs follow each other in order, so a connection's later events see its earlier ones. The history
 * rows, keyed by connection and version and never updated, and the tenants' totals, which only add up, are written
 * once for the whole list. An event of a type not listed here goes through {@link ConnectionWrites} alone, between
 * the runs before and after it.
 * <p>
 * Only for a rebuild's copies, whose only writer is the rebuild: no connection locks, as in {@link ConnectionWrites}
 * for copies. What holds the two forms together is ProjectionRebuildIT, which compares the rebuilt tables with the
 * live projection's, event types, runs and single events included.
 */
@Component
class RebuildWrites {

    private static final String INPUT_CREATED = """
            input AS (
                SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS text[]), CAST(:versions AS bigint[]),
                    CAST(:vendors AS text[]), CAST(:categories AS text[]), CAST(:configNames AS text[]),
                    CAST(:displayNames AS text[]), CAST(:baseUrls AS text[]), CAST(:accountRefs AS text[]),
                    CAST(:configs AS jsonb[]), CAST(:scopes AS text[]), CAST(:workspaceIds AS text[]),
                    CAST(:endUserIds AS text[]), CAST(:metadata AS jsonb[]), CAST(:credentials AS jsonb[]),
                    CAST(:ats AS timestamptz[]), CAST(:actors AS text[]))
                    AS i (id, tenant_id, version, vendor, category, config_name, display_name, base_url, account_ref,
                        config, scope, workspace_id, end_user_id, metadata, credential, at, actor)
            )""";

    // ConnectionWrites.UPSERT_CREATED, a row per creation; answers how many each tenant gained
    private static final String UPSERT_CREATED = "WITH " + INPUT_CREATED + """
            , before AS (
                SELECT c.id, NOT c.deleted AS live FROM {connections} AS c WHERE c.id IN (SELECT id FROM input)
            ), upserted AS (
                INSERT INTO {connections} AS c (id, tenant_id, version, vendor, category, config_name, display_name,
                    base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential,
                    health_state, health_checked_at, health_latency_ms, health_error_code, health_error_message,
                    health_since, created_at, updated_at, created_by, updated_by, deleted)
                SELECT i.id, i.tenant_id, i.version, i.vendor, i.category, i.config_name, i.display_name, i.base_url,
                    i.account_ref, i.config, i.scope, i.workspace_id, i.end_user_id, i.metadata, 'active',
                    i.credential, coalesce(h.state, 'unknown'), h.checked_at, h.latency_ms, h.error_code,
                    h.error_message, h.since, i.at, i.at, i.actor, i.actor, false
                FROM input AS i
                LEFT JOIN connection_health AS h ON h.connection_id = i.id AND h.tenant_id = i.tenant_id
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
                RETURNING c.id, c.tenant_id
            )
            SELECT u.tenant_id AS tenant, count(*) AS counted
            FROM upserted AS u LEFT JOIN before AS b ON b.id = u.id
            WHERE b.live IS NOT TRUE
            GROUP BY u.tenant_id
            """;

    // ConnectionWrites.UPSERT_TOMBSTONE, a row per deletion; answers how many each tenant lost
    private static final String UPSERT_TOMBSTONE = """
            WITH input AS (
                SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS text[]), CAST(:versions AS bigint[]),
                    CAST(:configNames AS text[]), CAST(:ats AS timestamptz[]), CAST(:actors AS text[]))
                    AS i (id, tenant_id, version, config_name, at, actor)
            ), before AS (
                SELECT c.id, NOT c.deleted AS live FROM {connections} AS c WHERE c.id IN (SELECT id FROM input)
            ), upserted AS (
                INSERT INTO {connections} AS c (id, tenant_id, version, config_name, updated_at, updated_by, deleted,
                    deleted_at)
                SELECT id, tenant_id, version, config_name, at, actor, true, at FROM input
                ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
                    updated_by = EXCLUDED.updated_by, deleted = true, deleted_at = EXCLUDED.deleted_at
                WHERE c.version < EXCLUDED.version AND c.tenant_id = EXCLUDED.tenant_id
                RETURNING c.id, c.tenant_id
            )
            SELECT u.tenant_id AS tenant, count(*) AS counted
            FROM upserted AS u JOIN before AS b ON b.id = u.id
            WHERE b.live
            GROUP BY u.tenant_id
            """;

    private static final String GUARDED_INPUT = """
            CAST(:ids AS uuid[]), CAST(:tenants AS text[]), CAST(:versions AS bigint[]), CAST(:ats AS timestamptz[]),
                CAST(:actors AS text[])""";

    private static final String GUARD = " WHERE c.id = i.id AND c.tenant_id = i.tenant_id AND c.version < i.version";

    // ConnectionWrites.UPDATED
    private static final String UPDATED = """
            UPDATE {connections} AS c SET version = i.version, display_name = i.display_name, base_url = i.base_url,
                account_ref = i.account_ref, config = i.config, metadata = i.metadata, updated_at = i.at,
                updated_by = i.actor
            FROM unnest(""" + GUARDED_INPUT + """
            , CAST(:displayNames AS text[]), CAST(:baseUrls AS text[]),
                CAST(:accountRefs AS text[]), CAST(:configs AS jsonb[]), CAST(:metadata AS jsonb[]))
                AS i (id, tenant_id, version, at, actor, display_name, base_url, account_ref, config, metadata)""" + GUARD;

    // ConnectionWrites.ROTATED
    private static final String ROTATED = """
            UPDATE {connections} AS c SET version = i.version, credential = i.credential, status = 'active',
                updated_at = i.at, updated_by = i.actor
            FROM unnest(""" + GUARDED_INPUT + """
            , CAST(:credentials AS jsonb[]))
                AS i (id, tenant_id, version, at, actor, credential)""" + GUARD;

    // ConnectionWrites.REVOKED
    private static final String REVOKED = """
            UPDATE {connections} AS c SET version = i.version, status = 'revoked', updated_at = i.at,
                updated_by = i.actor
            FROM unnest(""" + GUARDED_INPUT + ") AS i (id, tenant_id, version, at, actor)" + GUARD;

    // ConnectionWrites.BUMPED
    private static final String BUMPED = """
            UPDATE {connections} AS c SET version = i.version, updated_at = i.at, updated_by = i.actor
            FROM unnest(""" + GUARDED_INPUT + ") AS i (id, tenant_id, version, at, actor)" + GUARD;

    // ConnectionWrites.VERSIONED
    private static final String VERSIONED = """
            UPDATE {connections} AS c SET version = i.version
            FROM unnest(""" + GUARDED_INPUT + ") AS i (id, tenant_id, version, at, actor)" + GUARD;

    // ConnectionWrites.HISTORY; the first of two rows with one key wins, as it does one event at a time
    private static final String HISTORY = """
            INSERT INTO {history} (connection_id, version, tenant_id, type, occurred_at, actor, changes)
            SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:versions AS bigint[]), CAST(:tenants AS text[]),
                CAST(:types AS text[]), CAST(:ats AS timestamptz[]), CAST(:actors AS text[]),
                CAST(:changes AS jsonb[]))
            ON CONFLICT (connection_id, version) DO NOTHING
            """;

    // ConnectionWrites.TOKEN_MINTED
    private static final String TOKEN_MINTED = """
            INSERT INTO {tokens} (token_id, connection_id, tenant_id, vendor, minted_at, minted_by)
            SELECT * FROM unnest(CAST(:tokenIds AS text[]), CAST(:ids AS uuid[]), CAST(:tenants AS text[]),
                CAST(:vendors AS text[]), CAST(:ats AS timestamptz[]), CAST(:actors AS text[]))
            ON CONFLICT (token_id) DO NOTHING
            """;

    // ConnectionWrites.TOKEN_REVOKED
    private static final String TOKEN_REVOKED = """
            UPDATE {tokens} AS t SET revoked_at = i.at, revoked_by = i.actor
            FROM unnest(CAST(:tokenIds AS text[]), CAST(:ids AS uuid[]), CAST(:tenants AS text[]),
                CAST(:ats AS timestamptz[]), CAST(:actors AS text[])) AS i (token_id, connection_id, tenant_id, at, actor)
            WHERE t.token_id = i.token_id AND t.connection_id = i.connection_id AND t.tenant_id = i.tenant_id
                AND t.revoked_at IS NULL
            """;

    // ConnectionWrites.TOTALS
    private static final String TOTALS = """
            INSERT INTO {totals} AS t (tenant_id, live)
            SELECT tenant_id, delta
            FROM unnest(CAST(:tenants AS text[]), CAST(:deltas AS bigint[])) AS d (tenant_id, delta)
            ON CONFLICT (tenant_id) DO UPDATE SET live = t.live + EXCLUDED.live
            """;

    // A scratch table with the checks of the copy of connections (its constraints, not its keys), for the rows that
    // replaced updates would have written: see #refusedReplaced. Temporary: it lives as long as the rebuild's session.
    private static final String CHECK_TABLE = """
            CREATE TEMPORARY TABLE IF NOT EXISTS rebuild_replaced_rows
                (LIKE {connections} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) ON COMMIT DELETE ROWS
            """;

    // Each replaced event's row as its own statement would have left it: the row as it is, with what the event sets
    private static final String CHECK_REPLACED = """
            INSERT INTO pg_temp.rebuild_replaced_rows
            SELECT (jsonb_populate_record(c, p.patch)).*
            FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS text[]), CAST(:patches AS jsonb[]))
                AS p (id, tenant_id, patch)
            JOIN {connections} AS c ON c.id = p.id AND c.tenant_id = p.tenant_id
            """;

    /** The event types written here in multi-row form; any other goes through {@link ConnectionWrites}, alone. */
    private static final Set<Class<? extends ConnectionEvent>> BATCHED = Set.of(
            ConnectionCreated.class,
            ConnectionUpdated.class,
            ConnectionRotated.class,
            ConnectionRevoked.class,
            WebhookSecretSet.class,
            WebhookTokenMinted.class,
            WebhookTokenRevoked.class,
            ConnectionHealthChanged.class,
            ConnectionDeleted.class);

    /** Guarded updates that write only the row, from the event's own values: see {@link #replaces}. */
    private static final Set<Class<? extends ConnectionEvent>> REPLACEABLE = Set.of(
            ConnectionUpdated.class,
            ConnectionRotated.class,
            ConnectionRevoked.class,
            WebhookSecretSet.class,
            ConnectionHealthChanged.class);

    private final ConnectionWrites writes;
    private final JsonMapper json = PatchbayJson.eventMapper();

    RebuildWrites(ConnectionWrites writes) {
        this.writes = writes;
    }

    /**
     * Applies events in their order to a rebuild's copies, in the caller's transaction, with their tenants' totals:
     * what {@link ConnectionWrites#apply} does for them one at a time.
     */
    Mono<Void> apply(DatabaseClient db, ReadTables tables, List<ConnectionEvent> events) {
        if (tables.equals(ReadTables.LIVE)) {
            throw new IllegalArgumentException(
                    "multi-row writes are for a rebuild's copies, which have no other writer");
        }
        var totals = new TreeMap<String, Long>();
        var history = new ArrayList<ConnectionEvent>();
        var replaced = new ArrayList<ConnectionEvent>();
        Mono<Void> chain = Mono.empty();
        var run = new ArrayList<ConnectionEvent>();
        Map<ConnectionId, Integer> inRun = new HashMap<>();
        for (var event : events) {
            if (!BATCHED.contains(event.getClass())) {
                chain = chain.then(writeRun(db, tables, List.copyOf(run), totals));
                run.clear();
                inRun.clear();
                chain = chain.then(writes.apply(db, tables, List.of(event)).then());
                continue;
            }
            history.add(event);
            var earlier = inRun.get(event.connectionId());
            if (earlier != null && replaces(run.get(earlier), event)) {
                replaced.add(run.get(earlier));
                run.set(earlier, event);
                continue;
            }
            if (earlier != null) {
                chain = chain.then(writeRun(db, tables, List.copyOf(run), totals));
                run.clear();
                inRun.clear();
            }
            inRun.put(event.connectionId(), run.size());
            run.add(event);
        }
        chain = chain.then(writeRun(db, tables, List.copyOf(run), totals));
        return chain.then(Mono.defer(() -> refusedReplaced(db, tables, replaced)))
                .then(Mono.defer(() -> history(db, tables, history)))
                .then(Mono.defer(() -> totals(db, tables, totals)));
    }

    /**
     * Fails, as the database refuses it, when it would refuse the row that a replaced update writes by itself: a
     * value the row cannot hold or a check it breaks. One event at a time, such an update is skipped, history
     * included, and the one after it applied; replaced, it was never written, so the poll would land with the
     * refused event's history row. Refused here, the poll is applied again a record at a time, which skips exactly
     * that record. The scratch rows are the rows as they are now with the event's values: a check that passes here
     * may still be refused by that fallback, never the other way round.
     */
    private Mono<Void> refusedReplaced(DatabaseClient db, ReadTables tables, List<ConnectionEvent> replaced) {
        if (replaced.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(tables.sql(CHECK_TABLE))
                .then()
                .then(db.sql(tables.sql(CHECK_REPLACED))
                        .bind(
                                "ids",
                                strings(replaced, e -> e.connectionId().value().toString()))
                        .bind("tenants", strings(replaced, e -> e.tenantId().value()))
                        .bind("patches", strings(replaced, e -> json(patch(e))))
                        .fetch()
                        .rowsUpdated()
                        .then());
    }

    /** The columns that a replaceable event's own statement sets, by name: what UPDATED, ROTATED, ... write. */
    private static Map<String, Object> patch(ConnectionEvent event) {
        Map<String, Object> patch = new HashMap<>();
        patch.put("version", event.version());
        if (!(event instanceof ConnectionHealthChanged)) {
            patch.put("updated_at", timestamp(event.occurredAt()));
            patch.put("updated_by", event.actor());
        }
        if (event instanceof ConnectionUpdated updated) {
            patch.put("display_name", updated.displayName());
            patch.put("base_url", updated.baseUrl());
            patch.put("account_ref", updated.accountRef());
            patch.put("config", updated.config());
            patch.put("metadata", updated.metadata());
        } else if (event instanceof ConnectionRotated rotated) {
            patch.put("credential", rotated.credential());
            patch.put("status", "active");
        } else if (event instanceof ConnectionRevoked) {
            patch.put("status", "revoked");
        }
        return patch;
    }

    /**
     * Whether the later of two events of one connection leaves its row as both would, one after the other: the same
     * guarded update (same columns, from the event alone) for the same tenant at a higher version. Guarded by
     * version, the pair changes the row only if the later one does (the row is below the later version whenever it
     * is below the earlier), and then ends with the later one's values. The long-lived connection of bench/scale is
     * 10,000 such updates in a row; each would otherwise be a run, and a statement, of its own. A replaced event is
     * never written, so whether the database would refuse it is checked apart ({@link #refusedReplaced}).
     */
    private static boolean replaces(ConnectionEvent earlier, ConnectionEvent later) {
        return earlier.getClass() == later.getClass()
                && REPLACEABLE.contains(later.getClass())
                && earlier.tenantId().equals(later.tenantId())
                && later.version() > earlier.version();
    }

    /** One run: no connection twice, so its writes are independent of each other's order. */
    private Mono<Void> writeRun(
            DatabaseClient db, ReadTables tables, List<ConnectionEvent> run, Map<String, Long> totals) {
        if (run.isEmpty()) {
            return Mono.empty();
        }
        return Flux.concat(
                        counted(db, tables.sql(UPSERT_CREATED), created(of(run, ConnectionCreated.class)), 1, totals),
                        counted(
                                db,
                                tables.sql(UPSERT_TOMBSTONE),
                                deleted(of(run, ConnectionDeleted.class)),
                                -1,
                                totals),
                        update(db, tables.sql(UPDATED), updated(of(run, ConnectionUpdated.class))),
                        update(db, tables.sql(ROTATED), rotated(of(run, ConnectionRotated.class))),
                        update(db, tables.sql(REVOKED), guarded(of(run, ConnectionRevoked.class))),
                        update(
                                db,
                                tables.sql(BUMPED),
                                guarded(run.stream()
                                        .filter(e -> e instanceof WebhookSecretSet
                                                || e instanceof WebhookTokenMinted
                                                || e instanceof WebhookTokenRevoked)
                                        .toList())),
                        update(db, tables.sql(VERSIONED), guarded(of(run, ConnectionHealthChanged.class))),
                        update(db, tables.sql(TOKEN_MINTED), minted(of(run, WebhookTokenMinted.class))),
                        update(db, tables.sql(TOKEN_REVOKED), revoked(of(run, WebhookTokenRevoked.class))))
                .then();
    }

    private Mono<Void> history(DatabaseClient db, ReadTables tables, List<ConnectionEvent> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        var values = columns(events);
        values.put("types", strings(events, ConnectionHistory::type));
        values.put("changes", strings(events, e -> json(ConnectionHistory.changes(e))));
        return db.sql(tables.sql(HISTORY))
                .bindValues(values)
                .fetch()
                .rowsUpdated()
                .then();
    }

    private static Mono<Void> totals(DatabaseClient db, ReadTables tables, TreeMap<String, Long> totals) {
        // a tenant that gained and lost as many in one poll keeps its row at 0, as one event at a time leaves it
        if (totals.isEmpty()) {
            return Mono.empty();
        }
        return db.sql(tables.sql(TOTALS))
                .bind("tenants", totals.keySet().toArray(String[]::new))
                .bind("deltas", totals.values().toArray(Long[]::new))
                .fetch()
                .rowsUpdated()
                .then();
    }

    /** A creation or deletion statement: adds {@code sign} times each tenant's count to the totals. */
    private static Mono<Void> counted(
            DatabaseClient db, String sql, Map<String, Object> values, int sign, Map<String, Long> totals) {
        if (values == null) {
            return Mono.empty();
        }
        return db.sql(sql)
                .bindValues(values)
                .map(row -> Map.entry(row.get("tenant", String.class), row.get("counted", Long.class)))
                .all()
                .doOnNext(counted -> totals.merge(counted.getKey(), sign * counted.getValue(), Long::sum))
                .then();
    }

    private static Mono<Void> update(DatabaseClient db, String sql, Map<String, Object> values) {
        if (values == null) {
            return Mono.empty();
        }
        return db.sql(sql).bindValues(values).fetch().rowsUpdated().then();
    }

    private Map<String, Object> created(List<ConnectionCreated> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.put("vendors", strings(events, ConnectionCreated::vendor));
        values.put("categories", strings(events, ConnectionCreated::category));
        values.put("configNames", strings(events, ConnectionCreated::configName));
        values.put("displayNames", strings(events, ConnectionCreated::displayName));
        values.put("baseUrls", strings(events, ConnectionCreated::baseUrl));
        values.put("accountRefs", strings(events, ConnectionCreated::accountRef));
        values.put("configs", strings(events, e -> json(e.config())));
        values.put("scopes", strings(events, e -> (e.scope() == null ? Scope.ORGANIZATION : e.scope()).wireName()));
        values.put("workspaceIds", strings(events, ConnectionCreated::workspaceId));
        values.put("endUserIds", strings(events, ConnectionCreated::endUserId));
        values.put("metadata", strings(events, e -> json(e.metadata())));
        values.put("credentials", strings(events, e -> json(e.credential())));
        return values;
    }

    private Map<String, Object> deleted(List<ConnectionDeleted> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.put("configNames", strings(events, ConnectionDeleted::configName));
        return values;
    }

    private Map<String, Object> updated(List<ConnectionUpdated> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.put("displayNames", strings(events, ConnectionUpdated::displayName));
        values.put("baseUrls", strings(events, ConnectionUpdated::baseUrl));
        values.put("accountRefs", strings(events, ConnectionUpdated::accountRef));
        values.put("configs", strings(events, e -> json(e.config())));
        values.put("metadata", strings(events, e -> json(e.metadata())));
        return values;
    }

    private Map<String, Object> rotated(List<ConnectionRotated> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.put("credentials", strings(events, e -> json(e.credential())));
        return values;
    }

    private static Map<String, Object> minted(List<WebhookTokenMinted> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.remove("versions");
        values.put("tokenIds", strings(events, WebhookTokenMinted::tokenId));
        values.put("vendors", strings(events, WebhookTokenMinted::vendor));
        return values;
    }

    private static Map<String, Object> revoked(List<WebhookTokenRevoked> events) {
        if (events.isEmpty()) {
            return null;
        }
        var values = columns(events);
        values.remove("versions");
        values.put("tokenIds", strings(events, WebhookTokenRevoked::tokenId));
        return values;
    }

    private static Map<String, Object> guarded(List<? extends ConnectionEvent> events) {
        return events.isEmpty() ? null : columns(events);
    }

    /** What every statement binds, a value per event: its row, version, when and by whom. */
    private static Map<String, Object> columns(List<? extends ConnectionEvent> events) {
        Map<String, Object> values = new java.util.HashMap<>();
        values.put("ids", strings(events, e -> e.connectionId().value().toString()));
        values.put("tenants", strings(events, e -> e.tenantId().value()));
        values.put("versions", events.stream().map(ConnectionEvent::version).toArray(Long[]::new));
        values.put("ats", strings(events, e -> timestamp(e.occurredAt())));
        values.put("actors", strings(events, ConnectionEvent::actor));
        return values;
    }

    @SuppressWarnings("unchecked")
    private static <E extends ConnectionEvent> List<E> of(List<ConnectionEvent> run, Class<E> type) {
        Predicate<ConnectionEvent> ofType = type::isInstance;
        return (List<E>) run.stream().filter(ofType).toList();
    }

    private static <E> String[] strings(List<? extends E> events, Function<E, String> value) {
        return events.stream().map(value).toArray(String[]::new);
    }

    private String json(Object value) {
        return json.writeValueAsString(value);
    }

    private static String timestamp(Instant at) {
        return at == null ? null : at.toString();
    }
}
