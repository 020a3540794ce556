package dev.patchbay.platform.consistency;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.connection.TenantId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code Consistency-Token} header's text: a {@link ConsistencyToken} (connection and version) with the time it
 * was issued, signed with HMAC-SHA256 under the shared {@link ConsistencyProperties key} together with the tenant it
 * was issued to. Opaque to clients.
 * <p>
 * Unsigned, any viewer could send a token that never resolves, and each such read would poll the database for the
 * whole wait. Signed, only a write that command-service really answered yields one, for that tenant only; one from
 * the future (beyond {@link #CLOCK_SKEW}) cannot be, and is refused at once, as is any other that fails the check.
 */
public final class ConsistencyTokens {

    /** How far ahead of this clock an issue time may be: the two services' clocks differ a little. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** Longer than any token this class issues: the header is refused unread beyond it. */
    static final int MAX_LENGTH = 256;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String VERSION = "c2";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Clock clock;

    public ConsistencyTokens(byte[] key, Clock clock) {
        if (key.length < ConsistencyProperties.MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "a consistency key has at least " + ConsistencyProperties.MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.clock = clock;
    }

    /** The header's text for that write, issued now to that tenant. */
    public String issue(TenantId tenant, ConsistencyToken token) {
        var payload = VERSION + ":" + token.connectionId() + ":" + token.version() + ":"
                + clock.instant().toEpochMilli();
        var bytes = payload.getBytes(StandardCharsets.US_ASCII);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(sign(tenant, bytes));
    }

    /**
     * The write the header stands for, or empty when it is not one this key issued to that tenant, or was issued
     * in the future.
     */
    public Optional<ConsistencyToken> verify(TenantId tenant, String header) {
        if (header == null || header.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        var parts = header.strip().split("\\.", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            var payload = Base64.getUrlDecoder().decode(parts[0]);
            var signature = Base64.getUrlDecoder().decode(parts[1]);
            if (!MessageDigest.isEqual(sign(tenant, payload), signature)) {
                return Optional.empty();
            }
            var fields = new String(payload, StandardCharsets.US_ASCII).split(":", -1);
            if (fields.length != 4 || !fields[0].equals(VERSION)) {
                return Optional.empty();
            }
            var version = Long.parseLong(fields[2]);
            var issuedAt = Instant.ofEpochMilli(Long.parseLong(fields[3]));
            if (version < 1 || issuedAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
                return Optional.empty();
            }
            return ConnectionId.parse(fields[1]).map(id -> new ConsistencyToken(id, version));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    /** The tenant's length, then the tenant, then the payload: no two (tenant, payload) pairs sign the same bytes. */
    private byte[] sign(TenantId tenant, byte[] payload) {
        var tenantBytes = tenant.value().getBytes(StandardCharsets.UTF_8);
        try {
            var mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(ByteBuffer.allocate(Integer.BYTES)
                    .putInt(tenantBytes.length)
                    .array());
            mac.update(tenantBytes);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
