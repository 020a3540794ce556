package dev.patchbay.query.connection;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.security.Role;
import dev.patchbay.platform.web.ApiException;
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
 * {@code GET /v1/admin/projections/rebuild/{rebuild_id}} (its progress): admins only. See {@link ProjectionRebuild}.
 */
@RestController
@RequestMapping(path = "/v1/admin/projections/rebuild", produces = MediaType.APPLICATION_JSON_VALUE)
class ProjectionRebuildController {

    private final ProjectionRebuild rebuilds;

    ProjectionRebuildController(ProjectionRebuild rebuilds) {
        this.rebuilds = rebuilds;
    }

    @PostMapping
    Mono<ResponseEntity<ProjectionRebuild.Progress>> start(@AuthenticationPrincipal Caller caller) {
        requireAdmin(caller);
        return rebuilds.start(caller.subject())
                .map(progress -> ResponseEntity.accepted()
                        .location(URI.create("/v1/admin/projections/rebuild/" + progress.rebuildId()))
                        .body(progress));
    }

    @GetMapping("/{rebuildId}")
    Mono<ProjectionRebuild.Progress> progress(@PathVariable String rebuildId, @AuthenticationPrincipal Caller caller) {
        requireAdmin(caller);
        UUID id;
        try {
            id = UUID.fromString(rebuildId);
        }
        catch (IllegalArgumentException malformed) {
            return Mono.error(ProjectionRebuildController::notFound);
        }
        return rebuilds.find(id).switchIfEmpty(Mono.error(ProjectionRebuildController::notFound));
    }

    private static void requireAdmin(Caller caller) {
        if (!caller.has(Role.ADMIN)) {
            throw new ApiException(ProblemCode.FORBIDDEN, "Only an admin may rebuild the read projections.");
        }
    }

    private static ApiException notFound() {
        return new ApiException(ProblemCode.NOT_FOUND, "There is no projection rebuild with this id.");
    }
}
