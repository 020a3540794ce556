package dev.patchbay.command.vault;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Operator endpoints of the vault (role admin, enforced for all of /v1/admin by the platform's security). */
@RestController
class VaultAdminController {

    private final Reseal reseal;

    VaultAdminController(Reseal reseal) {
        this.reseal = reseal;
    }

    /** Re-seals every row under the current key; answers what it did. Safe to call again at any time. */
    @PostMapping(path = "/v1/admin/vault/reseal", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Reseal.Result> reseal() {
        return Mono.fromCallable(reseal::run).subscribeOn(Schedulers.boundedElastic());
    }
}
