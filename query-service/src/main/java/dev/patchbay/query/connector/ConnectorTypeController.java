package dev.patchbay.query.connector;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.query.platform.ConsistencyGate;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/connector-types}: the types that running probe workers registered. */
@RestController
@Tag(name = "Connector types", description = "The vendors that running probe workers can check")
class ConnectorTypeController {

    private final ConnectorTypes types;
    private final ConsistencyGate consistency;

    ConnectorTypeController(ConnectorTypes types, ConsistencyGate consistency) {
        this.types = types;
        this.consistency = consistency;
    }

    @Operation(
            summary = "The connector types that running probe workers registered",
            operationId = "listConnectorTypes")
    @ApiResponse(responseCode = "200", description = "Every type, by vendor")
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.NOT_YET_CONSISTENT})
    @GetMapping(path = "/v1/connector-types", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ConnectorTypeList> list(
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = "A Consistency-Token: the read waits for that write")
                    @RequestHeader(name = ConsistencyGate.HEADER, required = false)
                    String consistencyToken) {
        return consistency
                .awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> types.all().collectList()))
                .map(ConnectorTypeList::new);
    }
}
