package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.ConnectorTypeRegistered;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a connection of one vendor needs: the non-secret config fields it must carry, and the exact names of its
 * secret fields (command-service checks a credential's keys against them).
 */
record ConnectorType(String vendor, Category category, String displayName, List<String> requiredConfig,
        List<String> secretFields, boolean supportsWebhooks) {

    private static final Pattern VENDOR = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    ConnectorType {
        Objects.requireNonNull(category, "category");
        if (vendor == null || !VENDOR.matcher(vendor).matches()) {
            throw new IllegalArgumentException("a vendor id is lower-case letters, digits, underscores and dashes: " + vendor);
        }
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException(vendor + ": a display name is required");
        }
        requiredConfig = fieldNames(vendor, "required config", requiredConfig);
        secretFields = fieldNames(vendor, "secret fields", secretFields);
        if (secretFields.isEmpty()) {
            throw new IllegalArgumentException(vendor + ": every connection carries a credential, so a type "
                    + "names at least one secret field");
        }
        if (requiredConfig.stream().anyMatch(secretFields::contains)) {
            throw new IllegalArgumentException(vendor + ": a field is either config or secret, never both");
        }
    }

    /** The event that announces this type to the other services. */
    ConnectorTypeRegistered registered(Instant at) {
        return new ConnectorTypeRegistered(vendor, category.wireName(), displayName, requiredConfig, secretFields,
                supportsWebhooks, at);
    }

    private static List<String> fieldNames(String vendor, String what, List<String> names) {
        var copy = List.copyOf(names);
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException(vendor + ": duplicate " + what + " in " + copy);
        }
        copy.stream().filter(name -> !FIELD.matcher(name).matches()).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException(vendor + ": " + what + " are snake_case names, not " + name);
        });
        return copy;
    }
}
