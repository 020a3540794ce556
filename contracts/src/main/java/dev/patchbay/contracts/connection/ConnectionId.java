package dev.patchbay.contracts.connection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** The identity of one connection, for ever: never reused, not even after a delete. */
public record ConnectionId(UUID value) {

    public ConnectionId {
        Objects.requireNonNull(value, "value");
    }

    @JsonCreator
    public static ConnectionId of(String value) {
        return new ConnectionId(UUID.fromString(value));
    }

    /** A connection id from untrusted input, or empty when it is not a UUID. */
    public static Optional<ConnectionId> parse(String value) {
        try {
            return value == null || value.length() != 36 ? Optional.empty() : Optional.of(of(value));
        } catch (IllegalArgumentException notAUuid) {
            return Optional.empty();
        }
    }

    @JsonValue
    @Override
    public String toString() {
        return value.toString();
    }
}
