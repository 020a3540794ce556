package dev.patchbay.command.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;

import java.time.Instant;

/**
 * The answer to a test. A credential that does not work is a normal answer ({@code healthy: false}), not an error.
 */
record ProbeAnswer(ConnectionId connectionId, String vendor, String configName, boolean healthy, Long latencyMs,
        Instant checkedAt, ProbeError error) {
}
