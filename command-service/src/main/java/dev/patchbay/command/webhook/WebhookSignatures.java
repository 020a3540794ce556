package dev.patchbay.command.webhook;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Standard Webhooks signatures (standard-webhooks/standard-webhooks, spec/standard-webhooks.md): a delivery names
 * itself ({@code webhook-id}), says when it was sent ({@code webhook-timestamp}, unix seconds) and carries one or
 * more {@code v1,<base64>} signatures ({@code webhook-signature}, separated by spaces): HMAC-SHA256 with the
 * connection's signing secret over {@code <id>.<timestamp>.<body>}. Any one valid signature passes, which is how a
 * sender rotates its secret; a timestamp more than five minutes off either way fails, so a captured delivery cannot be
 * replayed later, and within those five minutes its id gives it away (WebhookDeliveries).
 * <p>
 * The key: a secret of the form {@code whsec_<base64>}, as Standard Webhooks senders hand them out, is the bytes its
 * base64 decodes to; any other secret (or a {@code whsec_} one whose rest is not base64) is its UTF-8 bytes.
 * <p>
 * Opening a secret decrypts it (with the aws-kms keyring, a paid KMS call), so it comes last, after every check that
 * costs nothing, and the key it gives is kept for a minute per connection and secret version: a busy or flooded
 * token opens its secret once a minute per instance, not once a delivery. A new secret is a new version and is
 * opened at once. The kept key is never logged and prints as nothing.
 */
@Component
class WebhookSignatures {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";
    /** Standard Webhooks' recommendation, and API.md's. */
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** How long an opened secret's key is kept in memory. */
    static final Duration KEPT_FOR = Duration.ofMinutes(1);

    static final String WHSEC_PREFIX = "whsec_";

    /** Printable ASCII without spaces, as senders' message ids are (msg_2KWPBgLlAfxdpx2AI54pPJ85f4W). */
    private static final Pattern ID_FORMAT = Pattern.compile("^[\\x21-\\x7E]{1,256}$");

    private static final Pattern TIMESTAMP_FORMAT = Pattern.compile("^[0-9]{1,12}$");
    private static final String HOW = "Deliveries to this connection are signed as Standard Webhooks sign them: "
            + "webhook-id, webhook-timestamp (unix seconds, within 5 minutes of now) and webhook-signature "
            + "(v1,<base64 HMAC-SHA256 of id.timestamp.body>).";

    /** The signature headers of a delivery, each well-formed; the timestamp as sent, since it is what was signed. */
    record Signed(String webhookId, String timestamp, List<byte[]> signatures) {

        @Override
        public String toString() {
            return "Signed[" + webhookId + "]";
        }
    }

    /**
     * An opened secret, as an HMAC-SHA256 that was given its key and nothing else yet; each check works on a copy.
     * What it holds is HMAC's keyed state (the key XORed with HMAC's pads: SunJCE wipes the key it was given), so the
     * secret as it was set is not kept in the heap in any form a search for it would find. Whoever reads the heap can
     * still sign with it: that is the price of the cache, for a minute at most.
     */
    static final class SigningKey {

        private final Mac keyed;

        private SigningKey(byte[] key) throws GeneralSecurityException {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(new SecretKeySpec(key, "HmacSHA256"));
        }

        Mac fresh() {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 of this JDK cannot be copied", e);
            }
        }

        @Override
        public String toString() {
            return "SigningKey";
        }
    }

    private record SecretVersion(ConnectionId connectionId, int version) {}

    private final Vault vault;
    private final Counter opens;
    /** Expired keys are dropped by a timer, not at the next use, which may never come. */
    private final Cache<SecretVersion, SigningKey> kept = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(KEPT_FOR)
            .scheduler(Scheduler.systemScheduler())
            .build();

    WebhookSignatures(Vault vault, MeterRegistry meters) {
        this.vault = vault;
        this.opens = Counter.builder("patchbay.webhook.secret.opens")
                .description("Webhook signing secrets opened from the vault (with aws-kms, each a KMS call)")
                .register(meters);
    }

    /**
     * The webhook id of a delivery to a connection without a signing secret: nothing is checked but its form, and it
     * is only used to tell a repeated delivery.
     */
    static Optional<String> unsignedId(HttpHeaders headers) {
        var id = headers.getFirst(ID);
        if (id == null) {
            return Optional.empty();
        }
        if (!ID_FORMAT.matcher(id).matches()) {
            throw ApiException.invalid(List.of(
                    FieldProblem.of("header." + ID, "must be 1 to 256 printable ASCII characters without spaces")));
        }
        return Optional.of(id);
    }

    /**
     * The checks that cost nothing: the three headers are there and well-formed, and the timestamp is within the
     * tolerance of {@code now}. A failure is 401, whose detail never repeats what was sent.
     */
    static Signed requireSigned(HttpHeaders headers, Instant now) {
        var id = headers.getFirst(ID);
        var timestamp = headers.getFirst(TIMESTAMP);
        var signature = headers.getFirst(SIGNATURE);
        if (id == null || timestamp == null || signature == null) {
            throw unauthenticated("A header is missing. " + HOW);
        }
        if (!ID_FORMAT.matcher(id).matches()
                || !TIMESTAMP_FORMAT.matcher(timestamp).matches()) {
            throw unauthenticated("webhook-id or webhook-timestamp is malformed. " + HOW);
        }
        var sentAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        if (Duration.between(sentAt, now).abs().compareTo(TOLERANCE) > 0) {
            throw unauthenticated("webhook-timestamp is more than 5 minutes from now: a delivery is signed when it is "
                    + "sent, and a stale one is refused as a possible replay. " + HOW);
        }
        var signatures = new ArrayList<byte[]>();
        for (var entry : signature.trim().split(" +")) {
            // other schemes (v1a, asymmetric) are not taken here; a sender may list them beside v1
            if (entry.startsWith("v1,")) {
                try {
                    signatures.add(Base64.getDecoder().decode(entry.substring(3)));
                } catch (IllegalArgumentException notBase64) {
                    // an unreadable signature is one that does not match
                }
            }
        }
        if (signatures.isEmpty()) {
            throw unauthenticated("webhook-signature holds no v1 signature. " + HOW);
        }
        return new Signed(id, timestamp, List.copyOf(signatures));
    }

    /** Passes when any of the delivery's signatures is the HMAC of its id, timestamp and body; else 401. */
    void verify(Signed signed, byte[] body, WebhookTokens.SealedSecret secret, ConnectionId connectionId) {
        var key = kept.get(new SecretVersion(connectionId, secret.version()), version -> open(secret, connectionId));
        var mac = key.fresh();
        mac.update(signed.webhookId().getBytes(StandardCharsets.UTF_8));
        mac.update((byte) '.');
        mac.update(signed.timestamp().getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) '.');
        byte[] expected = mac.doFinal(body);
        boolean valid = false;
        for (var given : signed.signatures()) {
            // every one is compared, in constant time, so the answer's timing says nothing about which was close
            valid |= MessageDigest.isEqual(expected, given);
        }
        if (!valid) {
            throw unauthenticated("No signature in webhook-signature matches. " + HOW);
        }
    }

    private SigningKey open(WebhookTokens.SealedSecret secret, ConnectionId connectionId) {
        var context =
                new SealingContext(secret.tenant(), connectionId, secret.version(), SealingContext.WEBHOOK_SECRET);
        opens.increment();
        byte[] key = null;
        try (var opened = vault.open(secret.ciphertext(), context)) {
            key = keyBytes(opened.value("secret"));
            return new SigningKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    static byte[] keyBytes(String secret) {
        if (secret.startsWith(WHSEC_PREFIX)) {
            try {
                var decoded = Base64.getDecoder().decode(secret.substring(WHSEC_PREFIX.length()));
                if (decoded.length > 0) {
                    return decoded;
                }
            } catch (IllegalArgumentException notBase64) {
                // then it is a secret that happens to start so, and keys by its bytes as any other
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static ApiException unauthenticated(String detail) {
        return new ApiException(ProblemCode.UNAUTHENTICATED, detail);
    }
}
