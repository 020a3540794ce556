package dev.patchbay.command.probe;

import dev.patchbay.command.platform.CandidateTests;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;
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
import java.util.Map;

/** {@code POST /v1/connections/test} by vendor and name, and its alias by id. No credential goes in or out. */
@RestController
@Tag(name = "Tests", description = "Live tests of a connection's credential, run by a probe worker")
class ProbeController {

    /**
     * The body of a test: by name (vendor and config_name; workspace_id and end_user_id pick a scoped connection, as
     * resolve does), or of a full candidate (vendor, base_url, config and credential, as a create would send them),
     * which is checked and not stored.
     */
    @Schema(
            name = "TestConnectionRequest",
            additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
            description = "By name: vendor and config_name. A candidate: vendor, credential and what a create needs "
                    + "(base_url, config); config_name is then optional, and nothing is stored.")
    record TestRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, examples = "pluggy")
            String vendor,

            @Schema(description = "Required to test a stored connection", examples = "pluggy-main")
            String configName,

            String workspaceId,
            String endUserId,

            @Schema(description = "A candidate's: as on create")
            String baseUrl,

            @Schema(description = "A candidate's: as on create")
            Map<String, Object> config,

            @Schema(description = "A candidate's credential: sealed for this one check, destroyed after it")
            Credential credential,

            @Schema(
                    description = "A candidate's: as on create",
                    allowableValues = {"organization", "workspace", "user"})
            String scope,

            @Schema(description = "A candidate's: as on create")
            Map<String, Object> metadata) {

        @Override
        public String toString() {
            return "TestRequest(" + vendor + ", " + configName + ")";
        }
    }

    private final ProbeRequests probes;
    private final CandidateTests candidates;

    ProbeController(ProbeRequests probes, CandidateTests candidates) {
        this.probes = probes;
        this.candidates = candidates;
    }

    @Operation(
            summary = "Test a connection by vendor and config name, or a candidate before it is stored",
            operationId = "testConnectionByName",
            description = "A credential that does not work is a normal answer: healthy false, with an error code. "
                    + "With a credential the body is a candidate: validated as a create, its credential sealed for "
                    + "this one check and destroyed after it, nothing stored; connection_id is then the id it was "
                    + "checked under, which names no connection.")
    @ApiResponse(responseCode = "200", description = "The probe's result")
    @ApiResponse(
            responseCode = "429",
            description = "rate_limited (PBAY-0401)",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")))
    @ProblemResponses({
        ProblemCode.KEYS_MISMATCH,
        ProblemCode.UNKNOWN_VENDOR,
        ProblemCode.NOT_FOUND,
        ProblemCode.RATE_LIMITED,
        ProblemCode.UNAVAILABLE,
        ProblemCode.PROBE_TIMEOUT
    })
    @PostMapping(
            path = "/v1/connections/test",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProbeAnswer> test(@AuthenticationPrincipal Caller caller, @RequestBody TestRequest request) {
        if (request.credential() != null) {
            return candidates
                    .test(
                            caller,
                            new CandidateTests.Candidate(
                                    request.vendor(),
                                    request.configName(),
                                    request.baseUrl(),
                                    request.config(),
                                    request.credential(),
                                    request.scope(),
                                    request.workspaceId(),
                                    request.endUserId(),
                                    request.metadata()))
                    .map(tested -> new ProbeAnswer(
                            tested.id(),
                            tested.vendor(),
                            request.configName(),
                            tested.result().healthy(),
                            tested.result().latencyMs(),
                            tested.result().checkedAt(),
                            tested.result().error()));
        }
        var errors = new ArrayList<FieldProblem>();
        if (request.vendor() == null || request.vendor().isBlank()) {
            errors.add(FieldProblem.of("body.vendor", "is required"));
        }
        if (request.configName() == null || request.configName().isBlank()) {
            errors.add(FieldProblem.of("body.config_name", "is required"));
        }
        if (request.baseUrl() != null
                || request.config() != null
                || request.scope() != null
                || request.metadata() != null) {
            errors.add(FieldProblem.of(
                    "body.credential",
                    "is required to test a candidate (a connection given "
                            + "whole); to test a stored one, send vendor and config_name only"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        return probes.testByName(
                caller, request.vendor(), request.configName(), request.workspaceId(), request.endUserId());
    }

    @Operation(summary = "Test a connection by id", operationId = "testConnection")
    @ApiResponse(responseCode = "200", description = "The probe's result")
    @ApiResponse(
            responseCode = "429",
            description = "rate_limited (PBAY-0401)",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")))
    @ProblemResponses({
        ProblemCode.NOT_FOUND,
        ProblemCode.RATE_LIMITED,
        ProblemCode.UNAVAILABLE,
        ProblemCode.PROBE_TIMEOUT
    })
    @PostMapping(path = "/v1/connections/{id}/test", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ProbeAnswer> test(@AuthenticationPrincipal Caller caller, @PathVariable("id") String id) {
        return probes.test(caller, ConnectionId.parse(id).orElseThrow(() -> ApiException.notFound("The connection")));
    }
}
