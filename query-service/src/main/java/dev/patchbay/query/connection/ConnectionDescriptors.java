package dev.patchbay.query.connection;

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
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads of the {@code connections} read table: one secret-free descriptor per connection, at the version of the last
 * event applied to it ({@link ConnectionWrites} writes it), and the tenants' totals of live connections beside it
 * ({@code connection_totals}, V3). Each query of {@code connections} matches an index of the V2 migration; see
 * {@code ConnectionIndexesIT} for their plans at 100,000 connections of one tenant.
 */
@Repository
class ConnectionDescriptors implements AppliedVersions {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private static final String COLUMNS = "id, tenant_id, version, vendor, category, config_name, display_name, "
            + "base_url, account_ref, config, scope, workspace_id, end_user_id, metadata, status, credential, "
            + "health_state, health_checked_at, health_latency_ms, health_error_code, health_error_message, "
            + "health_since, created_at, updated_at, created_by, updated_by";

    private final DatabaseClient db;
    private final JsonMapper json = PatchbayJson.eventMapper();

    ConnectionDescriptors(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Long> appliedVersion(TenantId tenant, ConnectionId id) {
        return db.sql("SELECT version FROM connections WHERE id = :id AND tenant_id = :tenant")
                .bind("id", id.value())
                .bind("tenant", tenant.value())
                .map(row -> row.get("version", Long.class))
                .one();
    }

    /** The tenant's live connection, or empty when it is deleted, another tenant's, or was never seen. */
    Mono<ConnectionResource> find(TenantId tenant, ConnectionId id) {
        var query = findQuery(tenant, id);
        return db.sql(query.sql())
                .bindValues(query.values())
                .map(this::resource)
                .one();
    }

    /**
     * The tenant's live connections of that vendor (and config name, when one is given) in the most specific scope
     * that has any: user-scoped ones of that end user (in that workspace, or in none), else workspace-scoped ones of
     * that workspace, else organization-scoped ones. Revoked connections count; deleted ones never. With a config
     * name there is at most one; without, more than one is an ambiguity the caller must settle.
     */
    Flux<ConnectionResource> resolve(
            TenantId tenant, String vendor, String configName, String workspaceId, String endUserId) {
        var query = resolveQuery(tenant, vendor, configName, workspaceId, endUserId);
        return db.sql(query.sql())
                .bindValues(query.values())
                .map(row -> new Candidate(row.get("specificity", Integer.class), resource(row)))
                .all()
                .collectList()
                .flatMapMany(found -> Flux.fromIterable(found.stream()
                        .filter(one -> one.specificity() == found.get(0).specificity())
                        .map(Candidate::resource)
                        .toList()));
    }

    /** One row of a resolution: which branch found it (0 is the most specific) and the connection. */
    private record Candidate(int specificity, ConnectionResource resource) {}

    /** At most this many candidates of one scope are read (and named in an ambiguous answer). */
    static final int MAX_CANDIDATES = 10;

    /**
     * Whether the tenant's connection is deleted: false for a live one, true for a tombstone, empty when it is
     * another tenant's or was never seen.
     */
    Mono<Boolean> deleted(TenantId tenant, ConnectionId id) {
        return db.sql("SELECT deleted FROM connections WHERE id = :id AND tenant_id = :tenant")
                .bind("id", id.value())
                .bind("tenant", tenant.value())
                .map(row -> row.get("deleted", Boolean.class))
                .one();
    }

    /** At most {@code limit} live connections after the position (newest first), matching the filter. */
    Flux<ConnectionResource> page(TenantId tenant, ConnectionFilter filter, PagePosition after, int limit) {
        var query = pageQuery(tenant, filter, after, limit);
        return db.sql(query.sql())
                .bindValues(query.values())
                .map(this::resource)
                .all();
    }

    /** A page of rows and the total of the list they belong to. */
    record PageWithTotal(List<ConnectionResource> rows, long total) {}

    /**
     * The unfiltered first page and the tenant's total in one statement (one connection, one round trip, where a
     * page and its count were two of each): {@link #firstPageQuery}. A tenant without connections gets no row, and
     * its total is 0.
     */
    Mono<PageWithTotal> firstPage(TenantId tenant, int limit) {
        var query = firstPageQuery(tenant, limit);
        return db.sql(query.sql())
                .bindValues(query.values())
                .map(row -> new RowWithTotal(resource(row), row.get("total", Long.class)))
                .all()
                .collectList()
                .map(rows -> new PageWithTotal(
                        rows.stream().map(RowWithTotal::resource).toList(),
                        rows.isEmpty() || rows.get(0).total() == null
                                ? 0L
                                : rows.get(0).total()));
    }

    private record RowWithTotal(ConnectionResource resource, Long total) {}

    /**
     * How many live connections match the filter, over every page. Without a filter, the tenant's total that the
     * projection keeps ({@code connection_totals}) instead of counting its rows; with one, counted.
     */
    Mono<Long> count(TenantId tenant, ConnectionFilter filter) {
        var query = filter.equals(ConnectionFilter.NONE) ? totalQuery(tenant) : countQuery(tenant, filter);
        return db.sql(query.sql())
                .bindValues(query.values())
                .map(row -> row.get("total", Long.class))
                .one()
                .defaultIfEmpty(0L);
    }

    /** One statement exactly as this repository sends it; the index benchmark explains these very statements. */
    record Query(String sql, Map<String, Object> values) {}

    static Query findQuery(TenantId tenant, ConnectionId id) {
        return new Query(
                "SELECT " + COLUMNS + " FROM connections WHERE id = :id AND tenant_id = :tenant " + "AND NOT deleted",
                Map.of("id", id.value(), "tenant", tenant.value()));
    }

    static Query pageQuery(TenantId tenant, ConnectionFilter filter, PagePosition after, int limit) {
        return pageQuery(tenant, filter, after, limit, "");
    }

    /** {@link #pageQuery} with {@code moreColumns} after the row's columns. */
    private static Query pageQuery(
            TenantId tenant, ConnectionFilter filter, PagePosition after, int limit, String moreColumns) {
        var sql =
                new StringBuilder("SELECT ").append(COLUMNS).append(moreColumns).append(" FROM connections");
        Map<String, Object> values = new HashMap<>();
        where(sql, values, tenant, filter);
        if (after != null) {
            sql.append(" AND (created_at, id) < (:afterCreatedAt, :afterId)");
            values.put("afterCreatedAt", after.createdAt());
            values.put("afterId", after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        values.put("limit", limit);
        return new Query(sql.toString(), values);
    }

    /**
     * The unfiltered first page ({@link #pageQuery}) with the tenant's total ({@link #totalQuery}) on every row: the
     * total is an uncorrelated sub-query, which PostgreSQL runs once (an InitPlan). Both bind the same
     * {@code :tenant}.
     */
    static Query firstPageQuery(TenantId tenant, int limit) {
        return pageQuery(
                tenant,
                ConnectionFilter.NONE,
                null,
                limit,
                ", (" + totalQuery(tenant).sql() + ") AS total");
    }

    /** The total of the unfiltered list: a tenant without a row in {@code connection_totals} has no connection. */
    static Query totalQuery(TenantId tenant) {
        return new Query(
                "SELECT live AS total FROM connection_totals WHERE tenant_id = :tenant",
                Map.of("tenant", tenant.value()));
    }

    static Query countQuery(TenantId tenant, ConnectionFilter filter) {
        var sql = new StringBuilder("SELECT count(*) AS total FROM connections");
        Map<String, Object> values = new HashMap<>();
        where(sql, values, tenant, filter);
        return new Query(sql.toString(), values);
    }

    /**
     * Each branch of the resolution is an equality lookup on a prefix of {@code connections_resolve}; a branch whose
     * identifier was not given is left out, and the most specific branch that found a row wins.
     */
    static Query resolveQuery(TenantId tenant, String vendor, String configName, String workspaceId, String endUserId) {
        Map<String, Object> values = new HashMap<>();
        values.put("tenant", tenant.value());
        values.put("vendor", vendor);
        values.put("configName", configName);
        if (endUserId != null) {
            values.put("endUserId", endUserId);
        }
        if (workspaceId != null) {
            values.put("workspaceId", workspaceId);
        }
        var branches = new ArrayList<String>();
        for (var applicable : Scope.mostSpecificFirst(workspaceId, endUserId)) {
            branches.add(branch(branches.size(), condition(applicable)));
        }
        if (configName == null) {
            values.remove("configName");
        }
        var named = configName == null ? "" : "config_name = :configName AND ";
        return new Query(
                "SELECT * FROM ("
                        + String.join(
                                " UNION ALL ",
                                branches.stream()
                                        .map(branch -> branch.replace(NAMED, named))
                                        .toList())
                        + ") AS candidates ORDER BY specificity, created_at, id",
                values);
    }

    private static final String NAMED = "/*named*/";

    /** Which rows of {@code connections} are of that scope, for those ids. */
    private static String condition(Scope.Applicable applicable) {
        return switch (applicable.scope()) {
            case USER ->
                applicable.workspaceId() == null
                        ? "scope = 'user' AND workspace_id IS NULL AND end_user_id = :endUserId"
                        : "scope = 'user' AND workspace_id = :workspaceId AND end_user_id = :endUserId";
            case WORKSPACE -> "scope = 'workspace' AND workspace_id = :workspaceId";
            case ORGANIZATION -> "scope = 'organization'";
        };
    }

    /**
     * One scope's candidates, oldest first, up to {@link #MAX_CANDIDATES}: with a config_name at most one (names are
     * unique within a scope), without one every live connection of the vendor in that scope.
     */
    private static String branch(int specificity, String condition) {
        return "(SELECT " + COLUMNS + ", " + specificity + " AS specificity FROM connections "
                + "WHERE tenant_id = :tenant AND vendor = :vendor AND " + NAMED + "NOT deleted AND "
                + condition + " ORDER BY created_at, id LIMIT " + MAX_CANDIDATES + ")";
    }

    private static void where(StringBuilder sql, Map<String, Object> values, TenantId tenant, ConnectionFilter filter) {
        sql.append(" WHERE tenant_id = :tenant AND NOT deleted");
        values.put("tenant", tenant.value());
        equal(sql, values, "vendor", filter.vendor());
        equal(
                sql,
                values,
                "status",
                filter.status() == null ? null : filter.status().wireName());
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
        var health = new Health(
                row.get("health_state", String.class),
                row.get("health_checked_at", Instant.class),
                row.get("health_latency_ms", Long.class),
                errorCode == null ? null : new ProbeError(errorCode, row.get("health_error_message", String.class)),
                row.get("health_since", Instant.class));
        return new ConnectionResource(
                new ConnectionId(row.get("id", UUID.class)),
                row.get("vendor", String.class),
                row.get("category", String.class),
                row.get("config_name", String.class),
                row.get("display_name", String.class),
                row.get("base_url", String.class),
                row.get("account_ref", String.class),
                object(row.get("config", Json.class)),
                Scope.parse(row.get("scope", String.class)).orElse(Scope.ORGANIZATION),
                row.get("workspace_id", String.class),
                row.get("end_user_id", String.class),
                object(row.get("metadata", Json.class)),
                Status.valueOf(row.get("status", String.class).toUpperCase(Locale.ROOT)),
                json.readValue(row.get("credential", Json.class).asArray(), CredentialInfo.class),
                health,
                row.get("version", Long.class),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                row.get("created_by", String.class),
                row.get("updated_by", String.class));
    }

    private Map<String, Object> object(Json value) {
        return value == null ? Map.of() : json.readValue(value.asArray(), OBJECT);
    }
}
