package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;

/**
 * The answer to a test. A credential that does not work is a normal answer ({@code healthy: false}), not an error.
 */
@Schema(
        name = "TestResult",
        requiredProperties = {"connection_id", "vendor", "config_name", "healthy", "latency_ms", "checked_at", "error"})
record ProbeAnswer(
        ConnectionId connectionId,
        String vendor,
        String configName,
        boolean healthy,

        @Schema(
                types = {"integer", "null"},
                format = "int64")
        Long latencyMs,

        Instant checkedAt,

        @Schema(
                description = "null when healthy; else a stable code (credentials_rejected, unreachable, timeout, "
                        + "tls_error, blocked_destination, destination_mismatch, circuit_open, unexpected_response, revoked) "
                        + "and a message")
        ProbeError error) {}
