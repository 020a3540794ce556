package dev.patchbay.contracts.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;

/**
 * Emitted by a probe worker's proxy when a call through a connection ended, whatever its outcome (a refused path, a
 * busy connection and an echoed credential included), so that auditors can replay who used which credential when. It
 * names the call, never its content: no body, no header value, no query string (a query may carry a vendor's
 * identifiers of people), and never a secret.
 *
 * @param callId unique per call
 * @param actor the subject of the caller's token
 * @param path the path below the connection's origin as the caller sent it (refused paths included, cut to 512
 *     characters)
 * @param status the status the caller got; 499 when the caller went away before its answer
 * @param problem the problem code the proxy answered with ({@code PBAY-06xx}, ...), or null when the vendor's answer
 *     was passed on
 * @param requestBytes the request body's bytes sent to the vendor
 * @param responseBytes the response body's bytes passed to the caller
 * @param latencyMs from the call's arrival to its answer
 */
public record ProxyCallCompleted(
        String callId,
        TenantId tenantId,
        String actor,
        ConnectionId connectionId,
        String vendor,
        String method,
        String path,
        int status,
        String problem,
        long requestBytes,
        long responseBytes,
        long latencyMs,
        Instant occurredAt) {}
