package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.security.Role;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.query.platform.ConsistencyGate;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The connection reads: list, get, resolve, history and webhook tokens, of the caller's tenant only. Every one of
 * them honours a {@code Consistency-Token}. {@code /v1/connections/resolve} is a literal path, so it wins over the
 * {@code /{id}} pattern.
 */
@RestController
@RequestMapping(path = "/v1/connections", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Connections", description = "Read connections, their history and their webhook tokens")
class ConnectionQueryController {

    /** The body of {@code GET /v1/connections/{id}/history}. */
    @Schema(name = "ConnectionHistory", requiredProperties = "data")
    record HistoryList(List<ConnectionHistory.Entry> data) {}

    /** The body of {@code GET /v1/connections/{id}/webhook-tokens}. */
    @Schema(name = "WebhookTokenList", requiredProperties = "data")
    record TokenList(List<MintedTokens.Token> data) {}

    private static final String CONSISTENCY = "The Consistency-Token header of a command response: the read waits "
            + "until that write is readable (at most patchbay.query.consistency-wait), else 503 with Retry-After";

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private static final int MAX_PARAMETER_LENGTH = 256;

    private final ConnectionDescriptors descriptors;
    private final ConnectionHistory history;
    private final MintedTokens tokens;
    private final PageCursors cursors;
    private final ConsistencyGate consistency;

    ConnectionQueryController(
            ConnectionDescriptors descriptors,
            ConnectionHistory history,
            MintedTokens tokens,
            PageCursors cursors,
            ConsistencyGate consistency) {
        this.descriptors = descriptors;
        this.history = history;
        this.tokens = tokens;
        this.cursors = cursors;
        this.consistency = consistency;
    }

    @Operation(summary = "Read a connection", operationId = "getConnection")
    @ApiResponse(responseCode = "200", description = "The connection, without its credential")
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_FOUND, ProblemCode.NOT_YET_CONSISTENT})
    @GetMapping("/{id}")
    Mono<ConnectionResource> find(
            @PathVariable String id,
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = CONSISTENCY) @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        // a malformed id, another tenant's connection and a deleted one all answer the same 404
        var connectionId = ConnectionId.parse(id);
        return consistency
                .awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> connectionId
                        .map(cid -> descriptors.find(caller.tenant(), cid))
                        .orElseGet(Mono::empty)))
                .switchIfEmpty(Mono.error(ConnectionQueryController::notFound));
    }

    @Operation(
            summary = "Resolve the most specific live connection of a vendor, optionally by config name",
            operationId = "resolveConnection",
            description = "A user-scoped connection for that end user, else a "
                    + "workspace-scoped one for that workspace, else an organization-scoped one. config_name is "
                    + "optional and narrows the search. Without it, the most specific scope that has any connection "
                    + "of the vendor must have exactly one: several there are 409 ambiguous_connection (PBAY-0304), "
                    + "each candidate in errors[] (location query.config_name, its config_name as value, its id in "
                    + "the message), never a guess.")
    @ApiResponse(responseCode = "200", description = "The connection")
    @ProblemResponses({
        ProblemCode.VALIDATION_FAILED,
        ProblemCode.NOT_FOUND,
        ProblemCode.AMBIGUOUS_CONNECTION,
        ProblemCode.NOT_YET_CONSISTENT
    })
    @GetMapping("/resolve")
    Mono<ConnectionResource> resolve(
            @RequestParam(required = false) String vendor,
            @RequestParam(name = "config_name", required = false) String configName,
            @RequestParam(name = "workspace_id", required = false) String workspaceId,
            @RequestParam(name = "end_user_id", required = false) String endUserId,
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = CONSISTENCY) @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        var problems = new ArrayList<FieldProblem>();
        var vendorValue = parameter("query.vendor", vendor, true, problems);
        var configNameValue = parameter("query.config_name", configName, false, problems);
        var workspaceValue = parameter("query.workspace_id", workspaceId, false, problems);
        var endUserValue = parameter("query.end_user_id", endUserId, false, problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return consistency
                .awaitApplied(caller.tenant(), consistencyToken)
                .thenMany(Flux.defer(() -> descriptors.resolve(
                        caller.tenant(), vendorValue, configNameValue, workspaceValue, endUserValue)))
                .collectList()
                .map(found -> {
                    if (found.isEmpty()) {
                        throw new ApiException(
                                ProblemCode.NOT_FOUND,
                                "No live connection of this vendor"
                                        + (configNameValue == null ? "" : " and config name")
                                        + " serves this end user, "
                                        + "workspace or your organization.");
                    }
                    if (found.size() > 1) {
                        // Guessing would hand the caller one of several credentials' connections silently.
                        throw new ApiException(
                                ProblemCode.AMBIGUOUS_CONNECTION,
                                found.size() + " live connections of "
                                        + "this vendor serve this scope equally; name one with config_name.",
                                found.stream()
                                        .map(one -> new FieldProblem(
                                                "query.config_name",
                                                "connection " + one.id() + " is a candidate",
                                                one.configName()))
                                        .toList());
                    }
                    return found.get(0);
                });
    }

    /**
     * Every event of the connection, oldest first. A deleted connection's history is for admins only: to everyone
     * else it is as gone as the connection.
     */
    @Operation(
            summary = "Every event of a connection, oldest first",
            operationId = "getConnectionHistory",
            description = "Secret-free: what changed, with credential fingerprints. A deleted connection's history is "
                    + "for admins only.")
    @ApiResponse(responseCode = "200", description = "The history")
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_FOUND, ProblemCode.NOT_YET_CONSISTENT})
    @GetMapping("/{id}/history")
    Mono<HistoryList> history(
            @PathVariable String id,
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = CONSISTENCY) @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        return ofVisible(
                id,
                caller,
                consistencyToken,
                caller.has(Role.ADMIN),
                cid -> history.of(caller.tenant(), cid).collectList().map(HistoryList::new));
    }

    /** The webhook tokens minted for a live connection, oldest first; never a token value (none is kept here). */
    @Operation(
            summary = "The webhook tokens minted for a live connection",
            operationId = "listWebhookTokens",
            description = "Ids, vendors and dates only: no token value is kept on the read side.")
    @ApiResponse(responseCode = "200", description = "The tokens, oldest first")
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_FOUND, ProblemCode.NOT_YET_CONSISTENT})
    @GetMapping("/{id}/webhook-tokens")
    Mono<TokenList> webhookTokens(
            @PathVariable String id,
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = CONSISTENCY) @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        return ofVisible(
                id,
                caller,
                consistencyToken,
                false,
                cid -> tokens.of(caller.tenant(), cid).collectList().map(TokenList::new));
    }

    /**
     * What {@code read} answers for a connection of the caller's tenant, once the read side has applied the caller's
     * Consistency-Token; 404 for a malformed id, another tenant's or an unknown connection, and a deleted one unless
     * {@code deletedToo}.
     */
    private <T> Mono<T> ofVisible(
            String id,
            Caller caller,
            String consistencyToken,
            boolean deletedToo,
            Function<ConnectionId, Mono<T>> read) {
        var connectionId = ConnectionId.parse(id);
        return consistency
                .awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> connectionId
                        .map(cid -> descriptors
                                .deleted(caller.tenant(), cid)
                                .filter(deleted -> !deleted || deletedToo)
                                .flatMap(visible -> read.apply(cid)))
                        .orElseGet(Mono::empty)))
                .switchIfEmpty(Mono.error(ConnectionQueryController::notFound));
    }

    @Operation(summary = "List the tenant's connections, newest first", operationId = "listConnections")
    @ApiResponse(responseCode = "200", description = "One page")
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.INVALID_PAGINATION, ProblemCode.NOT_YET_CONSISTENT})
    @GetMapping
    Mono<ConnectionPage> list(
            @Parameter(schema = @Schema(type = "integer", minimum = "1", maximum = "100", defaultValue = "20"))
                    @RequestParam(required = false)
                    String limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String vendor,
            @Parameter(
                            description =
                                    "active, revoked, or expired (the credential's expiry passed, or its OAuth2 "
                                            + "grant was refused or its refresh kept failing; a rotation makes it active again)",
                            schema = @Schema(allowableValues = {"active", "revoked", "expired"}))
                    @RequestParam(required = false)
                    String status,
            @RequestParam(required = false) String health,
            @RequestParam(name = "workspace_id", required = false) String workspaceId,
            @RequestParam(name = "end_user_id", required = false) String endUserId,
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = CONSISTENCY) @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        int size = limit(limit);
        var filter = ConnectionFilter.of(vendor, status, health, workspaceId, endUserId);
        var after = cursor == null
                ? null
                : cursors.decode(caller.tenant(), filter, cursor)
                        .orElseThrow(() -> new ApiException(
                                ProblemCode.INVALID_PAGINATION,
                                "The cursor is not one this service issued for this list; start again without it.",
                                List.of(FieldProblem.of(
                                        "query.cursor", "is malformed, altered, or from another list"))));
        // the first page reads the total (kept by the projection, or counted under a filter); later pages carry the
        // first page's total in their cursor instead
        return consistency
                .awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> pageAndTotal(caller, filter, after, size + 1)))
                .map(pageAndTotal -> {
                    var rows = pageAndTotal.rows();
                    var hasMore = rows.size() > size;
                    var data = hasMore ? rows.subList(0, size) : rows;
                    var last = data.isEmpty() ? null : data.get(data.size() - 1);
                    var total = pageAndTotal.total();
                    var nextCursor = hasMore
                            ? cursors.encode(
                                    caller.tenant(),
                                    filter,
                                    new PagePosition(last.createdAt(), last.id().value(), total))
                            : null;
                    return new ConnectionPage(List.copyOf(data), hasMore, nextCursor, total);
                });
    }

    /** The unfiltered first page in one statement; any other page beside its carried or counted total. */
    private Mono<ConnectionDescriptors.PageWithTotal> pageAndTotal(
            Caller caller, ConnectionFilter filter, PagePosition after, int rows) {
        if (after == null && filter.equals(ConnectionFilter.NONE)) {
            return descriptors.firstPage(caller.tenant(), rows);
        }
        return Mono.zip(
                        descriptors.page(caller.tenant(), filter, after, rows).collectList(),
                        after != null && after.total() != null
                                ? Mono.just(after.total())
                                : descriptors.count(caller.tenant(), filter))
                .map(pageAndCount ->
                        new ConnectionDescriptors.PageWithTotal(pageAndCount.getT1(), pageAndCount.getT2()));
    }

    private static ApiException notFound() {
        return new ApiException(ProblemCode.NOT_FOUND, "There is no connection with this id in your tenant.");
    }

    /** A query parameter, empty taken as absent; a missing required one or an overlong one is a problem. */
    private static String parameter(String location, String value, boolean required, List<FieldProblem> problems) {
        if (value == null || value.isEmpty()) {
            if (required) {
                problems.add(FieldProblem.of(location, "is required"));
            }
            return null;
        }
        if (value.length() > MAX_PARAMETER_LENGTH) {
            problems.add(FieldProblem.of(location, "must be at most " + MAX_PARAMETER_LENGTH + " characters"));
        }
        return value;
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            var value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below like any other bad limit
        }
        throw new ApiException(
                ProblemCode.INVALID_PAGINATION,
                "limit must be a whole number from 1 to " + MAX_LIMIT + ".",
                List.of(new FieldProblem(
                        "query.limit",
                        "must be a whole number from 1 to " + MAX_LIMIT,
                        limit.length() > 32 ? limit.substring(0, 32) : limit)));
    }
}
