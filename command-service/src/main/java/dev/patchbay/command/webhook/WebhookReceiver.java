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
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Receives vendors' webhook deliveries. No JWT: the token in the path is the credential, looked up by its hash.
 * A delivery is acknowledged (202) only after Kafka has it; if the broker is unavailable the vendor gets a 503 and
 * retries, so nothing is half-accepted.
 */
@RestController
@Tag(name = "Webhooks")
class WebhookReceiver {

    /** The answer to an accepted delivery. */
    record DeliveryAccepted(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, examples = "whd_0193f6a2-7c1e-7d7a")
            String deliveryId) {
    }

    /** The signature header: {@code sha256=<hex HMAC-SHA256 of the raw body with the connection's secret>}. */
    static final String SIGNATURE_HEADER = "X-Patchbay-Signature";
    private static final Logger log = LoggerFactory.getLogger(WebhookReceiver.class);
    private static final String NOTHING_HERE = "There is no webhook endpoint at this address.";

    private final WebhookTokens tokens;
    private final ConnectionDirectory connections;
    private final Vault vault;
    private final KafkaTemplate<String, byte[]> kafka;
    private final JsonMapper json;
    private final Clock clock;
    private final DatabaseWork database;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");

    WebhookReceiver(WebhookTokens tokens, ConnectionDirectory connections, Vault vault,
            KafkaTemplate<String, byte[]> kafka, JsonMapper json, Clock clock, DatabaseWork database) {
        this.tokens = tokens;
        this.connections = connections;
        this.vault = vault;
        this.kafka = kafka;
        this.json = json;
        this.clock = clock;
        this.database = database;
    }

    @Operation(summary = "Receive a vendor's webhook delivery", operationId = "receiveWebhook",
            description = "No bearer token: the webhook token in the path is the credential. Accepted deliveries are "
                    + "published on patchbay.webhooks.v1 before the 202. Where the connection has a webhook signing "
                    + "secret, the X-Patchbay-Signature header must hold sha256=<hex HMAC-SHA256 of the body>.",
            parameters = @Parameter(in = ParameterIn.HEADER, name = SIGNATURE_HEADER, required = false,
                    schema = @Schema(type = "string", pattern = "^(sha256=)?[0-9a-f]{64}$")),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "The vendor's JSON payload, at most 256 KiB, published unchanged",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(types = {"object", "array"}))))
    @ApiResponse(responseCode = "202", description = "Accepted and published")
    @SecurityRequirements
    @ProblemResponses({ProblemCode.VALIDATION_FAILED, ProblemCode.UNAUTHENTICATED, ProblemCode.NOT_FOUND,
        ProblemCode.PAYLOAD_TOO_LARGE, ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.UNAVAILABLE})
    @PostMapping(path = "/v1/webhooks/{vendor}/{token}", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<DeliveryAccepted>> receive(@PathVariable("vendor") String vendor,
            @Parameter(description = "The raw webhook token of the minted webhook_url") @PathVariable("token")
            String token, ServerHttpRequest request) {
        var contentType = request.getHeaders().getContentType();
        if (contentType == null || !(contentType.isCompatibleWith(MediaType.APPLICATION_JSON)
                || contentType.getSubtype().endsWith("+json"))) {
            throw new ApiException(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Deliveries are JSON.");
        }
        if (request.getHeaders().getContentLength() > WebhookProperties.MAX_PAYLOAD_BYTES) {
            throw tooLarge();
        }
        var signature = request.getHeaders().getFirst(SIGNATURE_HEADER);
        return DataBufferUtils.join(request.getBody(), WebhookProperties.MAX_PAYLOAD_BYTES)
                .map(buffer -> {
                    var bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge())
                .flatMap(body -> database.run(() -> accept(vendor, token, signature, body)));
    }

    private ResponseEntity<DeliveryAccepted> accept(String vendor, String token, String signature, byte[] body) {
        var binding = tokens.findActive(vendor, token).orElseThrow(WebhookReceiver::nothingHere);
        try (var logContext = LogContext.of(binding.tenant(), binding.connectionId())) {
            return accept(vendor, binding, signature, body);
        }
    }

    private ResponseEntity<DeliveryAccepted> accept(String vendor, WebhookTokens.Binding binding, String signature,
            byte[] body) {
        var connection = connections.describe(binding.tenant(), binding.connectionId())
                .filter(c -> c.status() == ConnectionResource.Status.ACTIVE)
                .orElseThrow(WebhookReceiver::nothingHere);
        tokens.signingSecret(binding.connectionId()).ifPresent(secret -> verify(secret, binding, signature, body));
        JsonNode payload;
        try {
            payload = json.readTree(body);
        }
        catch (JacksonException notJson) {
            throw ApiException.invalid(List.of(FieldProblem.of("body", "is not valid JSON")));
        }
        if (payload == null || !(payload.isObject() || payload.isArray())) {
            throw ApiException.invalid(List.of(FieldProblem.of("body", "must be a JSON object or array")));
        }
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var deliveryId = "whd_" + UUID.randomUUID();
        var received = new WebhookReceived(deliveryId, binding.tenant(), binding.connectionId(), vendor,
                connection.accountRef(), now, payload);
        var key = binding.connectionId().toString();
        try {
            kafka.send(codec.record(Topics.WEBHOOKS, key, received, new EventCodec.Envelope(deliveryId, now, key,
                    binding.tenant().value(), null))).get(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        }
        catch (Exception brokerUnavailable) {
            log.warn("A {} delivery for connection {} could not be published; the vendor was told to retry",
                    vendor, key);
            throw unavailable();
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new DeliveryAccepted(deliveryId));
    }

    private void verify(WebhookTokens.SealedSecret secret, WebhookTokens.Binding binding, String signature,
            byte[] body) {
        var context = new SealingContext(secret.tenant(), binding.connectionId(), secret.version(),
                SealingContext.WEBHOOK_SECRET);
        byte[] expected;
        try (var opened = vault.open(secret.ciphertext(), context)) {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(opened.value("secret").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            expected = mac.doFinal(body);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
        byte[] given = parseSignature(signature);
        if (given == null || !MessageDigest.isEqual(expected, given)) {
            throw new ApiException(ProblemCode.UNAUTHENTICATED, "This endpoint requires a valid " + SIGNATURE_HEADER
                    + " header: sha256=<hex HMAC-SHA256 of the body>.");
        }
    }

    private static byte[] parseSignature(String header) {
        if (header == null) {
            return null;
        }
        var hex = header.trim().startsWith("sha256=") ? header.trim().substring(7) : header.trim();
        try {
            return hex.length() == 64 ? HexFormat.of().parseHex(hex) : null;
        }
        catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    private static ApiException nothingHere() {
        return new ApiException(ProblemCode.NOT_FOUND, NOTHING_HERE);
    }

    private static ApiException tooLarge() {
        return new ApiException(ProblemCode.PAYLOAD_TOO_LARGE, "A delivery's payload is at most "
                + WebhookProperties.MAX_PAYLOAD_BYTES / 1024 + " KiB.");
    }

    private static ApiException unavailable() {
        return new ApiException(ProblemCode.UNAVAILABLE, "The delivery could not be accepted right now; retry it.",
                List.of(), Map.of("Retry-After", "5"));
    }
}
