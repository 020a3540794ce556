package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.query.platform.ConsistencyGate;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;

/** {@code GET /v1/connections} and {@code GET /v1/connections/{id}}: the caller's tenant's live connections. */
@RestController
@RequestMapping(path = "/v1/connections", produces = MediaType.APPLICATION_JSON_VALUE)
class ConnectionQueryController {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final ConnectionDescriptors descriptors;
    private final PageCursors cursors;
    private final ConsistencyGate consistency;

    ConnectionQueryController(ConnectionDescriptors descriptors, PageCursors cursors, ConsistencyGate consistency) {
        this.descriptors = descriptors;
        this.cursors = cursors;
        this.consistency = consistency;
    }

    @GetMapping("/{id}")
    Mono<ConnectionResource> find(@PathVariable String id, @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = ConsistencyGate.HEADER, required = false) String consistencyToken) {
        // a malformed id, another tenant's connection and a deleted one all answer the same 404
        var connectionId = ConnectionId.parse(id);
        return consistency.awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> connectionId.map(cid -> descriptors.find(caller.tenant(), cid))
                        .orElseGet(Mono::empty)))
                .switchIfEmpty(Mono.error(() -> new ApiException(ProblemCode.NOT_FOUND,
                        "There is no connection with this id in your tenant.")));
    }

    @GetMapping
    Mono<ConnectionPage> list(@RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String vendor,
            @RequestParam(required = false) String status, @RequestParam(required = false) String health,
            @RequestParam(name = "workspace_id", required = false) String workspaceId,
            @RequestParam(name = "end_user_id", required = false) String endUserId,
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = ConsistencyGate.HEADER, required = false) String consistencyToken) {
        int size = limit(limit);
        var filter = ConnectionFilter.of(vendor, status, health, workspaceId, endUserId);
        var after = cursor == null ? null : cursors.decode(caller.tenant(), filter, cursor)
                .orElseThrow(() -> new ApiException(ProblemCode.INVALID_PAGINATION,
                        "The cursor is not one this service issued for this list; start again without it.",
                        List.of(FieldProblem.of("query.cursor", "is malformed, altered, or from another list"))));
        return consistency.awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> Mono.zip(
                        descriptors.page(caller.tenant(), filter, after, size + 1).collectList(),
                        descriptors.count(caller.tenant(), filter))))
                .map(pageAndTotal -> {
                    var rows = pageAndTotal.getT1();
                    var hasMore = rows.size() > size;
                    var data = hasMore ? rows.subList(0, size) : rows;
                    var last = data.isEmpty() ? null : data.get(data.size() - 1);
                    var nextCursor = hasMore ? cursors.encode(caller.tenant(), filter,
                            new PagePosition(last.createdAt(), last.id().value())) : null;
                    return new ConnectionPage(List.copyOf(data), hasMore, nextCursor, pageAndTotal.getT2());
                });
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
        }
        catch (NumberFormatException notANumber) {
            // answered below like any other bad limit
        }
        throw new ApiException(ProblemCode.INVALID_PAGINATION,
                "limit must be a whole number from 1 to " + MAX_LIMIT + ".",
                List.of(new FieldProblem("query.limit", "must be a whole number from 1 to " + MAX_LIMIT,
                        limit.length() > 32 ? limit.substring(0, 32) : limit)));
    }
}
