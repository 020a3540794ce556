package dev.patchbay.command.platform;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.platform.security.Caller;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * How the connection feature has a candidate checked live without importing the probe feature: the tenant's rate
 * limit taken, a {@code ProbeRequested} for the candidate published, its result awaited like any test's.
 */
public interface LiveChecks {

    /**
     * Checks a candidate whose credential the caller has sealed in the vault under purpose {@code candidate},
     * version 1 of {@code id}, for the destination of exactly this descriptor. Fails like any test: 429 rate
     * limited, 503 unavailable, 504 probe timeout.
     */
    Mono<ProbeCompleted> checkCandidate(
            Caller caller,
            ConnectionId id,
            String vendor,
            String category,
            String baseUrl,
            Map<String, Object> config,
            Map<String, Object> metadata);
}
