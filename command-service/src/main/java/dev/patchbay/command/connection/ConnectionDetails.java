package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionResource;

import java.util.Map;

/**
 * The part of a connection that a PATCH may change; every other field is fixed at creation. Config and metadata are
 * never null: none is an empty map, as on the wire.
 */
record ConnectionDetails(
        String displayName,
        String baseUrl,
        String accountRef,
        Map<String, Object> config,
        Map<String, Object> metadata) {

    ConnectionDetails {
        config = config == null ? Map.of() : config;
        metadata = metadata == null ? Map.of() : metadata;
    }

    static ConnectionDetails of(ConnectionResource connection) {
        return new ConnectionDetails(
                connection.displayName(),
                connection.baseUrl(),
                connection.accountRef(),
                connection.config(),
                connection.metadata());
    }
}
