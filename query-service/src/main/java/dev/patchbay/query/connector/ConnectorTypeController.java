package dev.patchbay.query.connector;

import dev.patchbay.platform.security.Caller;
import dev.patchbay.query.platform.ConsistencyGate;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/connector-types}: the types that running probe workers registered. */
@RestController
class ConnectorTypeController {

    private final ConnectorTypes types;
    private final ConsistencyGate consistency;

    ConnectorTypeController(ConnectorTypes types, ConsistencyGate consistency) {
        this.types = types;
        this.consistency = consistency;
    }

    @GetMapping(path = "/v1/connector-types", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ConnectorTypeList> list(@AuthenticationPrincipal Caller caller,
            @RequestHeader(name = ConsistencyGate.HEADER, required = false) String consistencyToken) {
        return consistency.awaitApplied(caller.tenant(), consistencyToken)
                .then(Mono.defer(() -> types.all().collectList()))
                .map(ConnectorTypeList::new);
    }
}
