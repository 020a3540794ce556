package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;

/** The connection commands of API.md. Every answer carries ETag (the version) and a Consistency-Token. */
@RestController
@RequestMapping("/v1/connections")
class ConnectionController {

    static final String CONSISTENCY_TOKEN = "Consistency-Token";

    private final ConnectionCommands commands;

    ConnectionController(ConnectionCommands commands) {
        this.commands = commands;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConnectionResource>> create(@AuthenticationPrincipal Caller caller,
            @RequestBody CreateConnectionRequest request) {
        return commands.create(caller, request).map(created -> ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/v1/connections/" + created.connectionId()))
                .headers(versionHeaders(created.connectionId(), created.version()))
                .body(ConnectionResource.createdBy(created)));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Caller caller, @PathVariable("id") String id) {
        var connectionId = ConnectionId.parse(id).orElseThrow(() -> ApiException.notFound("The connection"));
        return commands.delete(caller, connectionId).map(deleted -> ResponseEntity.noContent()
                .headers(versionHeaders(deleted.connectionId(), deleted.version())).<Void>build());
    }

    static HttpHeaders versionHeaders(ConnectionId id, long version) {
        var headers = new HttpHeaders();
        headers.setETag("\"" + version + "\"");
        headers.set(CONSISTENCY_TOKEN, new ConsistencyToken(id, version).encode());
        return headers;
    }
}
