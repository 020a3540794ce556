package dev.patchbay.contracts.connection;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * What a command response hands the client so that a later read can wait for that write: the connection and the
 * version the write produced. Opaque to clients; a forged token can only make its own reader wait.
 */
public record ConsistencyToken(ConnectionId connectionId, long version) {

    private static final String PREFIX = "v1:";

    public String encode() {
        var raw = PREFIX + connectionId + ":" + version;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** The token, or empty when the text is not one this service issued in form. */
    public static Optional<ConsistencyToken> decode(String encoded) {
        if (encoded == null || encoded.length() > 128) {
            return Optional.empty();
        }
        try {
            var raw = new String(Base64.getUrlDecoder().decode(encoded.trim()), StandardCharsets.US_ASCII);
            if (!raw.startsWith(PREFIX)) {
                return Optional.empty();
            }
            var parts = raw.substring(PREFIX.length()).split(":");
            if (parts.length != 2) {
                return Optional.empty();
            }
            var version = Long.parseLong(parts[1]);
            return version < 1 ? Optional.empty()
                    : ConnectionId.parse(parts[0]).map(id -> new ConsistencyToken(id, version));
        }
        catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
