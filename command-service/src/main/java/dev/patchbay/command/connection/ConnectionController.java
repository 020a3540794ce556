package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The connection commands of API.md. Every answer carries ETag (the version) and a Consistency-Token. */
@RestController
@RequestMapping("/v1/connections")
class ConnectionController {

    static final String CONSISTENCY_TOKEN = "Consistency-Token";
    private static final Pattern ENTITY_TAG = Pattern.compile("^(?:W/)?\"(\\d{1,18})\"$");

    private final ConnectionCommands commands;

    ConnectionController(ConnectionCommands commands) {
        this.commands = commands;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConnectionResource>> create(@AuthenticationPrincipal Caller caller,
            @RequestBody CreateConnectionRequest request) {
        return commands.create(caller, request).map(outcome -> ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/v1/connections/" + outcome.connection().id()))
                .headers(versionHeaders(outcome)).body(outcome.connection()));
    }

    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConnectionResource>> update(@AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id, @RequestBody Map<String, Object> body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var fields = new LinkedHashMap<>(body);
        var credential = credential(fields.remove("credential"), "body.credential");
        return commands.update(caller, connectionId(id), fields, credential, expectedVersion(ifMatch))
                .map(outcome -> ResponseEntity.ok().headers(versionHeaders(outcome)).body(outcome.connection()));
    }

    @PostMapping(path = "/{id}/revoke", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, Object>>> revoke(@AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return commands.revoke(caller, connectionId(id), expectedVersion(ifMatch)).map(outcome -> {
            var answer = new LinkedHashMap<String, Object>();
            answer.put("id", outcome.connection().id());
            answer.put("status", outcome.connection().status());
            if (!outcome.changed()) {
                answer.put("already", true);
            }
            return ResponseEntity.ok().headers(versionHeaders(outcome)).body(answer);
        });
    }

    @PutMapping(path = "/{id}/webhook-secret", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<Map<String, Object>>> setWebhookSecret(@AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id, @RequestBody Map<String, Object> body) {
        var secret = credential(body, "body");
        return commands.setWebhookSecret(caller, connectionId(id), secret).map(answer -> ResponseEntity.ok()
                .headers(versionHeaders(answer.outcome()))
                .body(Map.<String, Object>of("id", answer.outcome().connection().id(), "fingerprint",
                        answer.fingerprint())));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(@AuthenticationPrincipal Caller caller, @PathVariable("id") String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return commands.delete(caller, connectionId(id), expectedVersion(ifMatch))
                .map(outcome -> ResponseEntity.noContent().headers(versionHeaders(outcome)).<Void>build());
    }

    private static ConnectionId connectionId(String id) {
        return ConnectionId.parse(id).orElseThrow(() -> ApiException.notFound("The connection"));
    }

    /** A secret sent as a JSON object of strings, at once out of the generic map and into a {@link Credential}. */
    @SuppressWarnings("unchecked")
    private static Credential credential(Object value, String location) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map)) {
            throw ApiException.invalid(List.of(FieldProblem.of(location, "must be an object of strings")));
        }
        return Credential.fromJson((Map<String, Object>) value);
    }

    /** The version an {@code If-Match} requires, or null for none (or {@code *}). */
    static Long expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return null;
        }
        var matcher = ENTITY_TAG.matcher(ifMatch.trim());
        if (!matcher.matches()) {
            throw ApiException.invalid(List.of(new FieldProblem("header.If-Match",
                    "must be an entity tag this API issued, such as \"3\"", ifMatch)));
        }
        return Long.parseLong(matcher.group(1));
    }

    static HttpHeaders versionHeaders(Outcome outcome) {
        var headers = new HttpHeaders();
        headers.setETag("\"" + outcome.version() + "\"");
        headers.set(CONSISTENCY_TOKEN, new ConsistencyToken(outcome.connection().id(), outcome.version()).encode());
        return headers;
    }
}
