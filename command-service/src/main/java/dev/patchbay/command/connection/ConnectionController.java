package dev.patchbay.command.connection;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.consistency.ConsistencyTokens;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.Credential;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
import org.springframework.web.bind.annotation.RequestParam;
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
@Tag(name = "Connections", description = "Create, update, rotate, revoke and delete connections")
class ConnectionController {

    /** The answer to a revoke; {@code already} only when it was revoked before. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RevokeResponse(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            ConnectionId id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            ConnectionResource.Status status,

            @Schema(description = "true when the connection was revoked already: nothing changed")
            Boolean already) {}

    /** The answer to setting a webhook signing secret: its fingerprint, never the secret. */
    record WebhookSecretResponse(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            ConnectionId id,

            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String fingerprint) {}

    /** The body of {@code PUT /v1/connections/{id}/webhook-secret}, as the OpenAPI document shows it. */
    @Schema(additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record WebhookSecretRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 16, maxLength = 512)
            String secret) {}

    static final String CONSISTENCY_TOKEN = "Consistency-Token";
    private static final Pattern ENTITY_TAG = Pattern.compile("^(?:W/)?\"(\\d{1,18})\"$");

    private final ConnectionCommands commands;
    private final ConsistencyTokens consistencyTokens;

    ConnectionController(ConnectionCommands commands, ConsistencyTokens consistencyTokens) {
        this.commands = commands;
        this.consistencyTokens = consistencyTokens;
    }

    @Operation(
            summary = "Create a connection",
            operationId = "createConnection",
            description = "With test=true "
                    + "the connection is checked live before it is stored (test before store): its credential is sealed for "
                    + "that one check and destroyed after it. A healthy connection is created (201, health from that "
                    + "check); an unhealthy one is 422 candidate_unhealthy (PBAY-0011) with the check's error code "
                    + "(errors[0].value) and message, and nothing is kept: no event, no name, no credential. The check "
                    + "counts against the tenant's test rate limit (429), and may end in 503 or 504 like any test.")
    @ApiResponse(
            responseCode = "201",
            description = "Created: the connection, without its credential",
            headers = @Header(name = "Location", schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "429",
            description = "rate_limited (PBAY-0401), with test=true",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")))
    @VersionHeaders
    @ProblemResponses({
        ProblemCode.KEYS_MISMATCH,
        ProblemCode.INVALID_EXPIRY,
        ProblemCode.UNKNOWN_VENDOR,
        ProblemCode.QUOTA_EXCEEDED,
        ProblemCode.DUPLICATE_CONFIG_NAME,
        ProblemCode.CANDIDATE_UNHEALTHY,
        ProblemCode.RATE_LIMITED,
        ProblemCode.UNAVAILABLE,
        ProblemCode.PROBE_TIMEOUT
    })
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConnectionResource>> create(
            @AuthenticationPrincipal Caller caller,
            @RequestBody CreateConnectionRequest request,
            @Parameter(description = "Check the connection live first, and store it only if it is healthy")
                    @RequestParam(name = "test", required = false, defaultValue = "false")
                    boolean test) {
        return (test ? commands.createTested(caller, request) : commands.create(caller, request))
                .map(outcome -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create(
                                "/v1/connections/" + outcome.connection().id()))
                        .headers(versionHeaders(caller, outcome))
                        .body(outcome.connection()));
    }

    @Operation(
            summary = "Update a connection's fields, or rotate its credential",
            operationId = "updateConnection",
            description = "The credential is sealed for the connection's destination (the origin of base_url and "
                    + "every config field the connector type does not name in config_outside_destination): a change "
                    + "of the destination must bring the complete credential again (a rotation), else 400 "
                    + "credential_required (PBAY-0010).")
    @ApiResponse(responseCode = "200", description = "The connection as it now is")
    @VersionHeaders
    @ProblemResponses({
        ProblemCode.KEYS_MISMATCH,
        ProblemCode.PARTIAL_CREDENTIAL,
        ProblemCode.INVALID_EXPIRY,
        ProblemCode.VENDOR_IMMUTABLE,
        ProblemCode.UNKNOWN_VENDOR,
        ProblemCode.CREDENTIAL_REQUIRED,
        ProblemCode.NOT_FOUND,
        ProblemCode.CONCURRENT_UPDATE,
        ProblemCode.VERSION_MISMATCH
    })
    @PatchMapping(
            path = "/{id}",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ConnectionResource>> update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = UpdateConnectionRequest.class)))
                    @RequestBody
                    Map<String, Object> body,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        var fields = new LinkedHashMap<>(body);
        var credential = credential(fields.remove("credential"), "body.credential");
        return commands.update(caller, connectionId(id), fields, credential, expectedVersion(ifMatch))
                .map(outcome -> ResponseEntity.ok()
                        .headers(versionHeaders(caller, outcome))
                        .body(outcome.connection()));
    }

    @Operation(summary = "Revoke a connection: its sealed credential is destroyed", operationId = "revokeConnection")
    @ApiResponse(responseCode = "200", description = "Revoked (or revoked already)")
    @VersionHeaders
    @ProblemResponses({ProblemCode.NOT_FOUND, ProblemCode.CONCURRENT_UPDATE, ProblemCode.VERSION_MISMATCH})
    @PostMapping(path = "/{id}/revoke", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<RevokeResponse>> revoke(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return commands.revoke(caller, connectionId(id), expectedVersion(ifMatch))
                .map(outcome -> ResponseEntity.ok()
                        .headers(versionHeaders(caller, outcome))
                        .body(new RevokeResponse(
                                outcome.connection().id(),
                                outcome.connection().status(),
                                outcome.changed() ? null : Boolean.TRUE)));
    }

    @Operation(summary = "Set or replace the connection's webhook signing secret", operationId = "setWebhookSecret")
    @ApiResponse(responseCode = "200", description = "Set: the new secret's fingerprint")
    @VersionHeaders
    @ProblemResponses({ProblemCode.NOT_FOUND, ProblemCode.CONCURRENT_UPDATE})
    @PutMapping(
            path = "/{id}/webhook-secret",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<WebhookSecretResponse>> setWebhookSecret(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = WebhookSecretRequest.class)))
                    @RequestBody
                    Map<String, Object> body) {
        var secret = credential(body, "body");
        return commands.setWebhookSecret(caller, connectionId(id), secret)
                .map(answer -> ResponseEntity.ok()
                        .headers(versionHeaders(caller, answer.outcome()))
                        .body(new WebhookSecretResponse(
                                answer.outcome().connection().id(), answer.fingerprint())));
    }

    @Operation(
            summary = "Delete a connection (soft: its events stay for audit; its credential is destroyed)",
            operationId = "deleteConnection")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @VersionHeaders
    @ProblemResponses({ProblemCode.NOT_FOUND, ProblemCode.CONCURRENT_UPDATE, ProblemCode.VERSION_MISMATCH})
    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> delete(
            @AuthenticationPrincipal Caller caller,
            @PathVariable("id") String id,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return commands.delete(caller, connectionId(id), expectedVersion(ifMatch))
                .map(outcome -> ResponseEntity.noContent()
                        .headers(versionHeaders(caller, outcome))
                        .<Void>build());
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
            throw ApiException.invalid(List.of(new FieldProblem(
                    "header.If-Match", "must be an entity tag this API issued, such as \"3\"", ifMatch)));
        }
        return Long.parseLong(matcher.group(1));
    }

    /** The ETag, and the Consistency-Token signed for the caller's tenant (query-service checks both). */
    HttpHeaders versionHeaders(Caller caller, CommandResult outcome) {
        var headers = new HttpHeaders();
        headers.setETag("\"" + outcome.version() + "\"");
        headers.set(
                CONSISTENCY_TOKEN,
                consistencyTokens.issue(
                        caller.tenant(),
                        new ConsistencyToken(outcome.connection().id(), outcome.version())));
        return headers;
    }
}
