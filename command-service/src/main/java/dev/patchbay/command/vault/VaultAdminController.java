package dev.patchbay.command.vault;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Operator endpoints of the vault: an operator token only, never a tenant's (the platform's operator chain guards all
 * of /v1/admin), since a reseal spans every tenant.
 */
@RestController
@Tag(name = "Operations", description = "Operator endpoints: an operator token, never a tenant's")
class VaultAdminController {

    private final Reseal reseal;

    VaultAdminController(Reseal reseal) {
        this.reseal = reseal;
    }

    /** Re-seals every row under the current key; answers what it did. Safe to call again at any time. */
    @Operation(
            summary = "Re-seal every vault row under the current key",
            operationId = "resealVault",
            description = "After a key rotation (a new PATCHBAY_VAULT_KEY, the old key under previous keys): moves "
                    + "every row to the current key while the service keeps serving. Safe to call again.")
    @ProblemResponses(ProblemCode.FORBIDDEN)
    @PostMapping(path = "/v1/admin/vault/reseal", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Reseal.Result> reseal() {
        return Mono.fromCallable(reseal::run).subscribeOn(Schedulers.boundedElastic());
    }
}
