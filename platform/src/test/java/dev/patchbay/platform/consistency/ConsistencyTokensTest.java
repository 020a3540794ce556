package dev.patchbay.platform.consistency;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConsistencyToken;
import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsistencyTokensTest {

    private static final TenantId TENANT = TenantId.of("t-consistency");
    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");

    private final byte[] key = randomKey();
    private final ConsistencyTokens tokens = new ConsistencyTokens(key, Clock.fixed(NOW, ZoneOffset.UTC));
    private final ConsistencyToken write = new ConsistencyToken(new ConnectionId(UUID.randomUUID()), 4);

    @Test
    void aTokenIssuedToATenantVerifiesForThatTenantOnly() {
        var header = tokens.issue(TENANT, write);

        assertThat(tokens.verify(TENANT, header)).contains(write);
        assertThat(tokens.verify(TenantId.of("t-other"), header)).isEmpty();
    }

    @Test
    void theHeaderIsOpaqueAndNamesNeitherTheTenantNorTheKey() {
        var header = tokens.issue(TENANT, write);

        assertThat(header).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+").hasSizeLessThan(ConsistencyTokens.MAX_LENGTH);
        var payload = new String(Base64.getUrlDecoder().decode(header.split("\\.")[0]), StandardCharsets.US_ASCII);
        assertThat(payload).doesNotContain(TENANT.value());
    }

    @Test
    void anotherKeyATamperedPayloadOrAnUnsignedTokenIsRefused() {
        var header = tokens.issue(TENANT, write);
        var parts = header.split("\\.");
        var payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.US_ASCII);
        var tampered = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(payload.replace(":4:", ":5:").getBytes(StandardCharsets.US_ASCII))
                + "." + parts[1];

        assertThat(new ConsistencyTokens(randomKey(), Clock.fixed(NOW, ZoneOffset.UTC)).verify(TENANT, header))
                .isEmpty();
        assertThat(tokens.verify(TENANT, tampered)).isEmpty();
        assertThat(tokens.verify(TENANT, parts[0])).isEmpty();
        assertThat(tokens.verify(TENANT, parts[0] + ".")).isEmpty();
        assertThat(tokens.verify(TENANT, "x".repeat(300))).isEmpty();
        assertThat(tokens.verify(TENANT, "not base64!.@@")).isEmpty();
        assertThat(tokens.verify(TENANT, null)).isEmpty();
    }

    @Test
    void aTokenIssuedInTheFutureIsRefusedBeyondTheClockSkew() {
        var fromTheFuture = new ConsistencyTokens(key, Clock.fixed(NOW.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))
                .issue(TENANT, write);
        var slightlyAhead =
                new ConsistencyTokens(key, Clock.fixed(NOW.plusSeconds(20), ZoneOffset.UTC)).issue(TENANT, write);
        var old = new ConsistencyTokens(key, Clock.fixed(NOW.minus(Duration.ofDays(2)), ZoneOffset.UTC))
                .issue(TENANT, write);

        assertThat(tokens.verify(TENANT, fromTheFuture)).isEmpty();
        assertThat(tokens.verify(TENANT, slightlyAhead)).contains(write);
        assertThat(tokens.verify(TENANT, old)).contains(write);
    }

    @Test
    void theKeyIsRequiredAtLeast32BytesAndNeverPrinted() {
        var encoded = Base64.getEncoder().encodeToString(key);

        assertThat(new ConsistencyProperties(encoded).toString()).doesNotContain(encoded);
        assertThat(new ConsistencyProperties(encoded).keyBytes()).isEqualTo(key);
        assertThatThrownBy(() -> new ConsistencyProperties(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PATCHBAY_CONSISTENCY_KEY");
        var tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> new ConsistencyProperties(tooShort))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining(tooShort);
        assertThatThrownBy(() -> new ConsistencyProperties("not base64 at all!"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("not base64 at all!");
    }

    private static byte[] randomKey() {
        var bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
