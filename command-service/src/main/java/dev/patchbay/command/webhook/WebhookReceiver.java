package dev.patchbay.command.webhook;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.command.platform.DatabaseWork;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.contracts.webhook.WebhookReceived;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.platform.openapi.ProblemResponses;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Receives vendors' webhook deliveries. No JWT: the token in the path is the credential, looked up by its hash.
 * A delivery is acknowledged (202) only after Kafka has it; if the broker is unavailable the vendor gets a 503 and
 * retries, so nothing is half-accepted.
 * <p>
 * The order of the checks is their cost: the token and the connection (404), then, where the connection has a
 * signing secret, the signature headers' form and timestamp (401), then the token's rate limit (429), and only then
 * the secret is opened and the signature checked (401). A delivery that names itself ({@code webhook-id}) is
 * recorded with its delivery id in the transaction that publishes it, so a copy is answered with the same delivery id
 * and published no second time. Deliveries to a connection without a secret are taken unsigned, as before; their
 * {@code webhook-id}, if they send one, still makes a copy the same delivery (it is unauthenticated there, but so is
 * everything such a delivery says).
 */
@RestController
@Tag(name = "Webhooks")
class WebhookReceiver {

    /** The answer to an accepted delivery. */
    record DeliveryAccepted(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, examples = "whd_0193f6a2-7c1e-7d7a")
            String deliveryId) {}

    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final String NOTHING_HERE = "There is no webhook endpoint at this address.";

    private final WebhookTokens tokens;
    private final WebhookSignatures signatures;
    private final WebhookRateLimit rateLimit;
    private final WebhookDeliveries deliveries;
    private final WebhookDeliveryProperties properties;
    private final ConnectionDirectory connections;
    private final KafkaTemplate<String, byte[]> kafka;
    private final JsonMapper json;
    private final Clock clock;
    private final DatabaseWork database;
    private final TransactionTemplate transactions;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    WebhookReceiver(
            WebhookTokens tokens,
            WebhookSignatures signatures,
            WebhookRateLimit rateLimit,
            WebhookDeliveries deliveries,
            WebhookDeliveryProperties properties,
            ConnectionDirectory connections,
            KafkaTemplate<String, byte[]> kafka,
            JsonMapper json,
            Clock clock,
            DatabaseWork database,
            TransactionTemplate transactions) {
        this.tokens = tokens;
        this.signatures = signatures;
        this.rateLimit = rateLimit;
        this.deliveries = deliveries;
        this.properties = properties;
        this.connections = connections;
        this.kafka = kafka;
        this.json = json;
        this.clock = clock;
        this.database = database;
        this.transactions = transactions;
    }

    @Operation(
            summary = "Receive a vendor's webhook delivery",
            operationId = "receiveWebhook",
            description = "No bearer token: the webhook token in the path is the credential. Accepted deliveries are "
                    + "published on patchbay.webhooks.v1 before the 202. Where the connection has a webhook signing "
                    + "secret, deliveries are signed as Standard Webhooks sign them: webhook-id, webhook-timestamp "
                    + "(unix seconds, at most 5 minutes from now either way) and webhook-signature, a space-separated "
                    + "list of v1,<base64 HMAC-SHA256 over id.timestamp.body>, any one of which must match (a secret "
                    + "whsec_<base64> keys the HMAC with the bytes it decodes to, any other secret with its UTF-8 "
                    + "bytes); else 401. A delivery whose webhook-id this connection received in the last 15 minutes "
                    + "is the same delivery: 202 with the same delivery_id, and not published again. A token makes at "
                    + "most patchbay.webhooks.rate-limit deliveries per patchbay.webhooks.rate-period (600 a minute) "
                    + "on an instance; more are 429 with Retry-After.",
            parameters = {
                @Parameter(
                        in = ParameterIn.HEADER,
                        name = WebhookSignatures.ID,
                        required = false,
                        description = "The delivery's own id, the same on each of its retries (msg_...); "
                                + "required, and signed, where the connection has a signing secret",
                        schema = @Schema(type = "string", pattern = "^[\\x21-\\x7E]{1,256}$")),
                @Parameter(
                        in = ParameterIn.HEADER,
                        name = WebhookSignatures.TIMESTAMP,
                        required = false,
                        description = "When the delivery was signed, in unix seconds; required where the connection "
                                + "has a signing secret",
                        schema = @Schema(type = "string", pattern = "^[0-9]{1,12}$")),
                @Parameter(
                        in = ParameterIn.HEADER,
                        name = WebhookSignatures.SIGNATURE,
                        required = false,
                        description = "Space-separated v1,<base64> signatures; required where the connection has a "
                                + "signing secret",
                        schema = @Schema(type = "string", examples = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="))
            },
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            description = "The vendor's JSON payload, at most 256 KiB, published unchanged",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                                            schema = @Schema(types = {"object", "array"}))))
    @ApiResponse(
            responseCode = "202",
            description =
                    "Accepted and published, or a repeated webhook-id: the same " + "delivery_id as the first time")
    @ApiResponse(
            responseCode = "429",
            description = "rate_limited (PBAY-0401)",
            headers = @Header(name = "Retry-After", schema = @Schema(type = "integer")))
    @SecurityRequirements
    @ProblemResponses({
        ProblemCode.VALIDATION_FAILED,
        ProblemCode.UNAUTHENTICATED,
        ProblemCode.NOT_FOUND,
        ProblemCode.PAYLOAD_TOO_LARGE,
        ProblemCode.UNSUPPORTED_MEDIA_TYPE,
        ProblemCode.RATE_LIMITED,
        ProblemCode.UNAVAILABLE
    })
    @PostMapping(path = "/v1/webhooks/{vendor}/{token}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<DeliveryAccepted>> receive(
            @PathVariable("vendor") String vendor,
            @Parameter(description = "The raw webhook token of the minted webhook_url") @PathVariable("token")
                    String token,
            ServerHttpRequest request) {
        var contentType = request.getHeaders().getContentType();
        if (contentType == null
                || !(contentType.isCompatibleWith(MediaType.APPLICATION_JSON)
                        || contentType.getSubtype().endsWith("+json"))) {
            throw new ApiException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Deliveries are JSON.");
        }
        if (request.getHeaders().getContentLength() > WebhookProperties.MAX_PAYLOAD_BYTES) {
            throw tooLarge();
        }
        var headers = request.getHeaders();
        return DataBufferUtils.join(request.getBody(), WebhookProperties.MAX_PAYLOAD_BYTES)
                .map(buffer -> {
                    var bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .flatMap(body -> database.run(() -> accept(vendor, token, headers, body)));
    }

    private ResponseEntity<DeliveryAccepted> accept(String vendor, String token, HttpHeaders headers, byte[] body) {
        var binding = tokens.findActive(vendor, token).orElseThrow(WebhookReceiver::nothingHere);
        try (var logContext = LogContext.of(binding.tenant(), binding.connectionId())) {
            return accept(vendor, binding, headers, body);
        }
    }

    private ResponseEntity<DeliveryAccepted> accept(
            String vendor, WebhookTokens.Binding binding, HttpHeaders headers, byte[] body) {
        var connection = connections
                .describe(binding.tenant(), binding.connectionId())
                // API.md: 404 for a revoked (or deleted) connection; an expired one still hears from its vendor
                .filter(c -> c.status() != ConnectionResource.Status.REVOKED)
                .orElseThrow(WebhookReceiver::nothingHere);
        var secret = tokens.signingSecret(binding.connectionId());
        WebhookSignatures.Signed signed = null;
        Optional<String> webhookId;
        if (secret.isPresent()) {
            signed = WebhookSignatures.requireSigned(headers, clock.instant());
            webhookId = Optional.of(signed.webhookId());
        } else {
            webhookId = WebhookSignatures.unsignedId(headers);
        }
        rateLimit.tryTake(binding.tokenId()).ifPresent(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiException(
                    ProblemCode.RATE_LIMITED,
                    "This webhook token made " + properties.rateLimit()
                            + " deliveries in the last "
                            + properties.ratePeriod().toSeconds() + " s; retry in " + seconds
                            + " s.",
                    List.of(),
                    Map.of("Retry-After", Long.toString(seconds)));
        });
        if (signed != null) {
            signatures.verify(signed, body, secret.get(), binding.connectionId());
        }
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (JacksonException notJson) {
            throw ApiException.invalid(List.of(FieldProblem.of("body", "is not valid JSON")));
        }
        if (payload == null || !(payload.isObject() || payload.isArray())) {
            throw ApiException.invalid(List.of(FieldProblem.of("body", "must be a JSON object or array")));
        }
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var deliveryId = "whd_" + UUID.randomUUID();
        var received = new WebhookReceived(
                deliveryId, binding.tenant(), binding.connectionId(), vendor, connection.accountRef(), now, payload);
        if (webhookId.isEmpty()) {
            publish(vendor, received);
            return accepted(deliveryId);
        }
        // The record of the webhook id and the publication commit together: a copy that arrives meanwhile waits on the
        // record's key, then answers its delivery id; a failed publication leaves no record behind.
        var earlier = transactions.execute(status -> {
            var seen = deliveries.claim(binding.connectionId(), webhookId.get(), deliveryId, now);
            if (seen.isEmpty()) {
                publish(vendor, received);
            }
            return seen;
        });
        return accepted(earlier.orElse(deliveryId));
    }

    private void publish(String vendor, WebhookReceived received) {
        var key = received.connectionId().toString();
        try {
            kafka.send(codec.record(
                            Topics.WEBHOOKS,
                            key,
                            received,
                            new EventCodec.Envelope(
                                    received.deliveryId(),
                                    received.receivedAt(),
                                    key,
                                    received.tenantId().value(),
                                    null)))
                    .get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (Exception brokerUnavailable) {
            log.warn(
                    "A {} delivery for connection {} could not be published; the vendor was told to retry",
                    vendor,
                    key);
            throw unavailable();
        }
    }

    private static ResponseEntity<DeliveryAccepted> accepted(String deliveryId) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new DeliveryAccepted(deliveryId));
    }

    private static ApiException nothingHere() {
        return new ApiException(ProblemCode.NOT_FOUND, NOTHING_HERE);
    }

    private static ApiException tooLarge() {
        return new ApiException(
                ProblemCode.PAYLOAD_TOO_LARGE,
                "A delivery's payload is at most " + WebhookProperties.MAX_PAYLOAD_BYTES / 1024 + " KiB.");
    }

    private static ApiException unavailable() {
        return new ApiException(
                ProblemCode.UNAVAILABLE,
                "The delivery could not be accepted right now; retry it.",
                List.of(),
                Map.of("Retry-After", "5"));
    }
}
