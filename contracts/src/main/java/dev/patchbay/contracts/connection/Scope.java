package dev.patchbay.contracts.connection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** Who a connection serves: the whole organization, one workspace, or one end user. */
public enum Scope {
    ORGANIZATION,
    WORKSPACE,
    USER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<Scope> parse(String wireName) {
        return Arrays.stream(values())
                .filter(s -> s.wireName().equals(wireName))
                .findFirst();
    }

    @JsonCreator
    static Scope fromWire(String wireName) {
        return parse(wireName).orElseThrow(() -> new IllegalArgumentException("unknown scope"));
    }
}
