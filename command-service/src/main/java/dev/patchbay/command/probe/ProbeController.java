package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Tests", description = "Live tests of a connection's credential, run by a probe worker")
class ProbeController {

    /** The body of a test by name; workspace_id and end_user_id pick a scoped connection, as resolve does. */
    @Schema(name = "TestConnectionRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record TestRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, examples = "pluggy") String vendor,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, examples = "pluggy-main") String configName,
            String workspaceId, String endUserId) {
    }

    private final ProbeRequests probes;

    ProbeController(ProbeRequests probes) {
        this.probes = probes;
    }

    @Operation(summary = "Test a connection by vendor and config name", operationId = "testConnectionByName",
            description = "A credential that does not work is a normal answer: healthy false, with an error code.")
    @ApiResponse(responseCode = "200", description = "The probe's result")
    @ApiResponse(responseCode = "429", description = "rate_limited (PBAY-0401)", headers = @Header(
            name = "Retry-After", schema = @Schema(type = "integer")))
    @ProblemResponses({ProblemCode.NOT_FOUND, ProblemCode.RATE_LIMITED, ProblemCode.UNAVAILABLE,
        ProblemCode.PROBE_TIMEOUT})
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

    @Operation(summary = "Test a connection by id", operationId = "testConnection")
    @ApiResponse(responseCode = "200", description = "The probe's result")
    @ApiResponse(responseCode = "429", description = "rate_limited (PBAY-0401)", headers = @Header(
            name = "Retry-After", schema = @Schema(type = "integer")))
    @ProblemResponses({ProblemCode.NOT_FOUND, ProblemCode.RATE_LIMITED, ProblemCode.UNAVAILABLE,
        ProblemCode.PROBE_TIMEOUT})
    @PostMapping(path = "/v1/connections/{id}/test", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProbeAnswer> test(@AuthenticationPrincipal Caller caller, @PathVariable("id") String id) {
        return probes.test(caller, ConnectionId.parse(id).orElseThrow(() -> ApiException.notFound("The connection")));
    }
}
