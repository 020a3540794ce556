package dev.patchbay.query.connection;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Operator;
import dev.patchbay.platform.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.UUID;

/**
 * {@code POST /v1/admin/projections/rebuild} (202, the rebuild's id and status) and
 * {@code GET /v1/admin/projections/rebuild/{rebuild_id}} (its progress): operators only, since a rebuild spans every
 * tenant (the platform's operator chain answers any other token 401). See {@link ProjectionRebuild}.
 */
@RestController
@RequestMapping(path = "/v1/admin/projections/rebuild", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Operations", description = "Operator endpoints: an operator token, never a tenant's")
class ProjectionRebuildController {

    private final ProjectionRebuild rebuilds;

    ProjectionRebuildController(ProjectionRebuild rebuilds) {
        this.rebuilds = rebuilds;
    }

    @Operation(
            summary = "Rebuild the read tables from patchbay.connections.v1",
            operationId = "rebuildProjections",
            description = "Replays the topic from its first record into new tables while reads go on, then swaps "
                    + "them in. One rebuild at a time: a second request answers the running one.")
    @ApiResponse(responseCode = "202", description = "Started (or already running): follow Location")
    @PostMapping
    Mono<ResponseEntity<ProjectionRebuild.Progress>> start(@AuthenticationPrincipal Operator operator) {
        requireOperator(operator);
        return rebuilds.start(operator.subject())
                .map(progress -> ResponseEntity.accepted()
                        .location(URI.create("/v1/admin/projections/rebuild/" + progress.rebuildId()))
                        .body(progress));
    }

    @Operation(summary = "A projection rebuild's progress", operationId = "getProjectionRebuild")
    @ApiResponse(responseCode = "200", description = "Its progress")
    @ProblemResponses(ProblemCode.NOT_FOUND)
    @GetMapping("/{rebuildId}")
    Mono<ProjectionRebuild.Progress> progress(
            @PathVariable String rebuildId, @AuthenticationPrincipal Operator operator) {
        requireOperator(operator);
        UUID id;
        try {
            id = UUID.fromString(rebuildId);
        } catch (IllegalArgumentException malformed) {
            return Mono.error(ProjectionRebuildController::notFound);
        }
        return rebuilds.find(id).switchIfEmpty(Mono.error(ProjectionRebuildController::notFound));
    }

    /** The operator chain lets no one else here; should it ever, a tenant's caller is no operator. */
    private static void requireOperator(Operator operator) {
        if (operator == null) {
            throw new ApiException(ProblemCode.FORBIDDEN, "Only an operator may rebuild the read projections.");
        }
    }

    private static ApiException notFound() {
        return new ApiException(ProblemCode.NOT_FOUND, "There is no projection rebuild with this id.");
    }
}
