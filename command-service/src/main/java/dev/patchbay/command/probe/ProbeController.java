package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.ArrayList;

/** {@code POST /v1/connections/test} by vendor and name, and its alias by id. No credential goes in or out. */
@RestController
class ProbeController {

    /** The body of a test by name; workspace_id and end_user_id pick a scoped connection, as resolve does. */
    record TestRequest(String vendor, String configName, String workspaceId, String endUserId) {
    }

    private final ProbeRequests probes;

    ProbeController(ProbeRequests probes) {
        this.probes = probes;
    }

    @PostMapping(path = "/v1/connections/test", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProbeAnswer> test(@AuthenticationPrincipal Caller caller, @RequestBody TestRequest request) {
        var errors = new ArrayList<FieldProblem>();
        if (request.vendor() == null || request.vendor().isBlank()) {
            errors.add(FieldProblem.of("body.vendor", "is required"));
        }
        if (request.configName() == null || request.configName().isBlank()) {
            errors.add(FieldProblem.of("body.config_name", "is required"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return probes.testByName(caller, request.vendor(), request.configName(), request.workspaceId(),
                request.endUserId());
    }

    @PostMapping(path = "/v1/connections/{id}/test", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProbeAnswer> test(@AuthenticationPrincipal Caller caller, @PathVariable("id") String id) {
        return probes.test(caller, ConnectionId.parse(id).orElseThrow(() -> ApiException.notFound("The connection")));
    }
}
