package dev.patchbay.contracts.connection;

import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;

import java.time.Instant;

/**
 * Emitted by command-service when a probe result (a manual test or a scheduled re-check) changes a connection's
 * health: {@code state} ({@code healthy} or {@code unhealthy}) or, while unhealthy, the error code (a connection that
 * was unreachable and now has its credential refused). A result like the last one is no event. {@code occurredAt} is
 * when the check that changed it ran: the new state holds since then. The error is the probe's secret-free code and
 * message, null when healthy; {@code actor} is {@code patchbay:probe}.
 */
public record ConnectionHealthChanged(
        ConnectionId connectionId,
        TenantId tenantId,
        long version,
        Instant occurredAt,
        String actor,
        String state,
        String previousState,
        ProbeError error,
        String previousErrorCode)
        implements ConnectionEvent {

    /** The actor of every health change: no token causes one. */
    public static final String ACTOR = "patchbay:probe";
}
