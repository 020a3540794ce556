package dev.patchbay.contracts.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.Map;

/**
 * Published by command-service on {@code patchbay.probe-requests.v1} (key: connection id) when a client asks for a
 * live test. A probe worker opens the sealed credential of {@code credentialVersion} itself; the request carries
 * only the non-secret descriptor.
 * <p>
 * A test before store checks a candidate that is not a connection yet: its credential is sealed under
 * {@code purpose} {@code candidate} for that one check, under an id of its own, and destroyed when the check ends;
 * the worker opens it with the same destination check as any other. Never the credential itself, sealed or not.
 *
 * @param purpose the vault row to open: {@code candidate} for a test before store; absent (null, and left out of
 *     the JSON) for a stored connection's {@code credential}
 */
public record ProbeRequested(
        String correlationId,
        ConnectionId connectionId,
        TenantId tenantId,
        String vendor,
        String category,
        int credentialVersion,
        String baseUrl,
        Map<String, Object> config,
        Map<String, Object> metadata,
        Instant requestedAt,
        String requestedBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) String purpose) {

    /** The {@code requestedBy} of a scheduled re-check, which no client waits for. */
    public static final String RECHECK = "patchbay:recheck";

    /** The purpose of a candidate's credential, as the vault names it. */
    public static final String CANDIDATE = "candidate";

    /** The canonical constructor is the JSON creator, not the shorter one below. */
    @JsonCreator
    public ProbeRequested {
        config = config == null ? Map.of() : config;
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** A test of a stored connection's credential. */
    public ProbeRequested(
            String correlationId,
            ConnectionId connectionId,
            TenantId tenantId,
            String vendor,
            String category,
            int credentialVersion,
            String baseUrl,
            Map<String, Object> config,
            Map<String, Object> metadata,
            Instant requestedAt,
            String requestedBy) {
        this(
                correlationId,
                connectionId,
                tenantId,
                vendor,
                category,
                credentialVersion,
                baseUrl,
                config,
                metadata,
                requestedAt,
                requestedBy,
                null);
    }

    /** Whether this is a scheduled re-check rather than a test someone asked for. */
    public boolean recheck() {
        return RECHECK.equals(requestedBy);
    }

    /** Whether this tests a candidate (a connection not stored) rather than a stored connection. */
    public boolean candidate() {
        return CANDIDATE.equals(purpose);
    }
}
