package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.contracts.connector.ConnectorTypeRegistered;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a connection of one vendor needs: the non-secret config fields it must carry, and the exact names of its
 * secret fields (command-service checks a credential's keys against them); and where its credential goes.
 *
 * @param configOutsideDestination the config fields that do not decide where the credential is sent (a database on
 *     the same server, a path on the same origin). Every other config field and the origin of {@code base_url} are
 *     the connection's destination ({@link dev.patchbay.vault.Destination}), which its credential is sealed for. A
 *     type must say this (a component, not a default), and what it leaves out is bound, never free.
 * @param ownHosts the only hosts a {@code base_url} of this type may name unless an operator names others
 *     ({@code patchbay.connectors.hosts.<vendor>}); empty for any host
 * @param optionalSecretFields secret fields a credential may carry besides the required ones (an OAuth2
 *     {@code refresh_token}); empty for most types
 */
record ConnectorType(
        String vendor,
        Category category,
        String displayName,
        List<String> requiredConfig,
        List<String> secretFields,
        boolean supportsWebhooks,
        List<String> configOutsideDestination,
        List<String> ownHosts,
        List<String> optionalSecretFields) {

    private static final Pattern VENDOR = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    ConnectorType {
        Objects.requireNonNull(category, "category");
        if (vendor == null || !VENDOR.matcher(vendor).matches()) {
            throw new IllegalArgumentException(
                    "a vendor id is lower-case letters, digits, underscores and dashes: " + vendor);
        }
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException(vendor + ": a display name is required");
        }
        requiredConfig = fieldNames(vendor, "required config", requiredConfig);
        secretFields = fieldNames(vendor, "secret fields", secretFields);
        if (secretFields.isEmpty()) {
            throw new IllegalArgumentException(
                    vendor + ": every connection carries a credential, so a type " + "names at least one secret field");
        }
        configOutsideDestination = fieldNames(vendor, "config outside the destination", configOutsideDestination);
        ownHosts = List.copyOf(ownHosts);
        optionalSecretFields = fieldNames(vendor, "optional secret fields", optionalSecretFields);
        if (requiredConfig.stream().anyMatch(secretFields::contains)
                || requiredConfig.stream().anyMatch(optionalSecretFields::contains)) {
            throw new IllegalArgumentException(vendor + ": a field is either config or secret, never both");
        }
        if (optionalSecretFields.stream().anyMatch(secretFields::contains)) {
            throw new IllegalArgumentException(vendor + ": a secret field is either required or optional, never both");
        }
    }

    /** A type whose credential has required secret fields only. */
    ConnectorType(
            String vendor,
            Category category,
            String displayName,
            List<String> requiredConfig,
            List<String> secretFields,
            boolean supportsWebhooks,
            List<String> configOutsideDestination,
            List<String> ownHosts) {
        this(
                vendor,
                category,
                displayName,
                requiredConfig,
                secretFields,
                supportsWebhooks,
                configOutsideDestination,
                ownHosts,
                List.of());
    }

    /** The event that announces this type to the other services, with the hosts this worker allows it. */
    ConnectorTypeRegistered registered(Instant at, List<String> allowedHosts) {
        return new ConnectorTypeRegistered(
                vendor,
                category.wireName(),
                displayName,
                requiredConfig,
                secretFields,
                supportsWebhooks,
                at,
                configOutsideDestination,
                allowedHosts,
                optionalSecretFields);
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
