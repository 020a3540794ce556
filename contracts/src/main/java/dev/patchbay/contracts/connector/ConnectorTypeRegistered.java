package dev.patchbay.contracts.connector;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * Emitted by a probe worker at boot for each connector type it can check, on the compacted topic
 * {@code patchbay.connector-types.v1} keyed by vendor. command-service validates vendors against these, and
 * query-service serves them as {@code GET /v1/connector-types}.
 *
 * @param configOutsideDestination the config fields that do not decide where a credential is sent (a database name
 *     on the same server, a path on the same origin). Every other config field, and the origin of {@code base_url},
 *     make the connection's destination, which its credential is sealed for: changing it needs a new credential.
 *     Empty (and left out of the JSON) when every field is part of the destination.
 * @param allowedHosts the only hosts a {@code base_url} of this type may name (an aggregator's own API hosts, or
 *     what an operator allowed instead); empty (and left out) when any host is allowed
 * @param optionalSecretFields secret fields a credential of this type may carry beside {@link #secretFields()}, which
 *     it must carry (an OAuth2 {@code refresh_token}); empty (and left out) when every secret field is required
 */
public record ConnectorTypeRegistered(
        String vendor,
        String category,
        String displayName,
        List<String> requiredConfig,
        List<String> secretFields,
        boolean supportsWebhooks,
        Instant registeredAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> configOutsideDestination,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> allowedHosts,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> optionalSecretFields) {

    /** The canonical constructor is the JSON creator, not the shorter ones below. */
    @JsonCreator
    public ConnectorTypeRegistered {
        requiredConfig = List.copyOf(requiredConfig);
        secretFields = List.copyOf(secretFields);
        configOutsideDestination = configOutsideDestination == null ? List.of() : List.copyOf(configOutsideDestination);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        optionalSecretFields = optionalSecretFields == null ? List.of() : List.copyOf(optionalSecretFields);
    }

    /** A type whose every secret field is required. */
    public ConnectorTypeRegistered(
            String vendor,
            String category,
            String displayName,
            List<String> requiredConfig,
            List<String> secretFields,
            boolean supportsWebhooks,
            Instant registeredAt,
            List<String> configOutsideDestination,
            List<String> allowedHosts) {
        this(
                vendor,
                category,
                displayName,
                requiredConfig,
                secretFields,
                supportsWebhooks,
                registeredAt,
                configOutsideDestination,
                allowedHosts,
                List.of());
    }

    /** A type whose whole config is its destination, at any host. */
    public ConnectorTypeRegistered(
            String vendor,
            String category,
            String displayName,
            List<String> requiredConfig,
            List<String> secretFields,
            boolean supportsWebhooks,
            Instant registeredAt) {
        this(
                vendor,
                category,
                displayName,
                requiredConfig,
                secretFields,
                supportsWebhooks,
                registeredAt,
                List.of(),
                List.of(),
                List.of());
    }
}
