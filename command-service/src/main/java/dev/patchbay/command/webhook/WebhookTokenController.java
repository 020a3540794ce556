package dev.patchbay.command.webhook;

import dev.patchbay.command.platform.CommittedEventStore;
import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.command.platform.ConnectionNotVisible;
import dev.patchbay.command.platform.ConnectorTypes;
import dev.patchbay.command.platform.DatabaseWork;
import dev.patchbay.contracts.connection.MintWebhookToken;
import dev.patchbay.contracts.connection.RevokeWebhookToken;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Minting and revoking webhook tokens ({@code MintRequest}/{@code MintResponse} of the existing mint API, which
 * clients already speak, under both paths). The raw token is in the 201 answer and nowhere else, ever.
 */
@RestController
@Tag(name = "Webhooks", description = "Webhook tokens, and the receiver that vendors deliver to")
class WebhookTokenController {

    /** The seed API's MintRequest: both fields required, nothing else accepted. */
    @Schema(name = "MintRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record MintRequest(
            @Schema(
                    description = "Aggregator vendor the token is minted for: pluggy (Pluggy) or belvo (Belvo)",
                    allowableValues = {"pluggy", "belvo"},
                    examples = "pluggy",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String vendor,

            @Schema(
                    description = "Config name of the existing aggregator connection the token binds to",
                    examples = "pluggy-main",
                    minLength = 1,
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String connectionConfigName) {}

    /** The seed API's MintResponse. */
    @Schema(name = "MintResponse", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record MintResponse(
            @Schema(
                    description =
                            "Raw bearer token, surfaced exactly once; only its SHA-256 hash is stored " + "server-side",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String token,

            @Schema(
                    description = "Fully-formed provider-facing receiver URL embedding the raw token in its path "
                            + "segment; configure this in the vendor dashboard",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String webhookUrl,

            @Schema(
                    description = "Aggregator vendor the token is bound to",
                    allowableValues = {"pluggy", "belvo"},
                    examples = "pluggy",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            String vendor) {}

    private final ConnectionDirectory connections;
    private final ConnectorTypes types;
    private final WebhookTokens tokens;
    private final CommandGateway gateway;
    private final TransactionTemplate transactions;
    private final CommittedEventStore eventStore;
    private final WebhookProperties properties;
    private final Clock clock;
    private final DatabaseWork database;

    WebhookTokenController(
            ConnectionDirectory connections,
            ConnectorTypes types,
            WebhookTokens tokens,
            CommandGateway gateway,
            TransactionTemplate transactions,
            CommittedEventStore eventStore,
            WebhookProperties properties,
            Clock clock,
            DatabaseWork database) {
        this.connections = connections;
        this.types = types;
        this.tokens = tokens;
        this.gateway = gateway;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.properties = properties;
        this.clock = clock;
        this.database = database;
    }

    @Operation(
            summary = "Mint an aggregator webhook token",
            operationId = "mintAggregatorWebhookToken",
            description = "Mints a webhook token bound to an existing aggregator connection and returns the raw token "
                    + "plus its provider-facing webhook URL ONCE. Only the token's SHA-256 hash is stored.")
    @ApiResponse(responseCode = "201", description = "Created")
    @ProblemResponses({ProblemCode.UNKNOWN_VENDOR, ProblemCode.WEBHOOKS_UNSUPPORTED, ProblemCode.NOT_FOUND})
    @PostMapping(
            path = {"/v1/webhooks/tokens", "/v1/discovery/webhooks/tokens"},
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<MintResponse>> mint(@AuthenticationPrincipal Caller caller, @RequestBody MintRequest request) {
        var errors = new ArrayList<FieldProblem>();
        if (request.vendor() == null || request.vendor().isBlank()) {
            errors.add(FieldProblem.of("body.vendor", "is required"));
        }
        if (request.connectionConfigName() == null
                || request.connectionConfigName().isEmpty()) {
            errors.add(FieldProblem.of("body.connection_config_name", "is required"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(errors);
        }
        var type = types.find(request.vendor())
                .orElseThrow(() -> new ApiException(
                        ProblemCode.UNKNOWN_VENDOR,
                        "No connector type '" + request.vendor() + "' is registered.",
                        List.of(new FieldProblem(
                                "body.vendor", "is not a registered connector type", request.vendor()))));
        if (!type.supportsWebhooks()) {
            throw new ApiException(
                    ProblemCode.WEBHOOKS_UNSUPPORTED,
                    type.displayName() + " connections take no " + "webhooks.",
                    List.of(new FieldProblem("body.vendor", "takes no webhooks", request.vendor())));
        }
        return database.run(() -> {
            var id = connections
                    .find(caller.tenant(), request.vendor(), request.connectionConfigName(), null, null)
                    .orElseThrow(() -> ApiException.notFound("No live " + request.vendor() + " connection named '"
                            + request.connectionConfigName() + "'"));
            var raw = WebhookTokens.newRawToken();
            var tokenId = WebhookTokens.newTokenId();
            var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            try {
                transactions.executeWithoutResult(status -> {
                    tokens.store(tokenId, raw, caller.tenant(), id, request.vendor(), now, caller.subject());
                    gateway.sendAndWait(new MintWebhookToken(
                            id, caller.tenant(), caller.subject(), now, tokenId, request.vendor()));
                });
            } catch (AggregateNotFoundException | ConnectionNotVisible gone) {
                throw ApiException.notFound(
                        "No live " + request.vendor() + " connection named '" + request.connectionConfigName() + "'");
            }
            eventStore.committed();
            var url = properties.publicBaseUrl().toString().replaceAll("/+$", "") + "/v1/webhooks/" + request.vendor()
                    + "/" + raw;
            return ResponseEntity.status(HttpStatus.CREATED).body(new MintResponse(raw, url, request.vendor()));
        });
    }

    @Operation(
            summary = "Revoke a webhook token: deliveries with it are refused from then on",
            operationId = "revokeWebhookToken")
    @ApiResponse(responseCode = "204", description = "Revoked")
    @ProblemResponses(ProblemCode.NOT_FOUND)
    @DeleteMapping("/v1/webhooks/tokens/{tokenId}")
    Mono<ResponseEntity<Void>> revoke(@AuthenticationPrincipal Caller caller, @PathVariable("tokenId") String tokenId) {
        return database.run(() -> {
            var binding =
                    tokens.find(caller.tenant(), tokenId).orElseThrow(() -> ApiException.notFound("The webhook token"));
            var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            try {
                transactions.executeWithoutResult(status -> {
                    tokens.revoke(tokenId, now);
                    gateway.sendAndWait(new RevokeWebhookToken(
                            binding.connectionId(), caller.tenant(), caller.subject(), now, tokenId));
                });
            } catch (AggregateNotFoundException | ConnectionNotVisible gone) {
                throw ApiException.notFound("The webhook token");
            }
            eventStore.committed();
            return ResponseEntity.noContent().<Void>build();
        });
    }
}
