package dev.patchbay.probe.check;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How the worker runs live checks. Validated when bound: a malformed network or timeout stops the worker at start.
 *
 * @param allowedNetworks CIDR networks a check may reach although they are private or loopback, e.g.
 *        {@code 127.0.0.0/8} to test databases on the worker's own machine, or {@code 10.20.0.0/16} for a private
 *        deployment. Empty by default: only public addresses. Cloud metadata addresses stay refused regardless.
 * @param connectTimeout how long a check waits for a TCP connection (and a database login) to be set up
 * @param checkTimeout the most one check may take end to end; keep it below command-service's
 *        {@code patchbay.probe.timeout} (15 s), or the requester gives up first. A database check's sockets are
 *        closed when it runs out, whatever the server still sends
 * @param concurrency how many checks one worker runs at once
 * @param staleAfter a request older than this is skipped: nobody waits for it any more
 * @param circuitBreaker the per-connection circuit breaker
 * @param tenantConcurrency how many checks of one tenant a worker takes at once (running or waiting for a thread);
 *        more are answered at once with {@code circuit_open}, so that one tenant's slow systems cannot hold every
 *        thread. Taken as {@code concurrency} when larger
 */
@ConfigurationProperties("patchbay.probe")
public record ProbeProperties(
        List<String> allowedNetworks,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration checkTimeout,
        @DefaultValue("8") int concurrency,
        @DefaultValue("2m") Duration staleAfter,
        @DefaultValue CircuitBreaker circuitBreaker,
        @DefaultValue("4") int tenantConcurrency) {

    public ProbeProperties {
        allowedNetworks = allowedNetworks == null
                ? List.of()
                : allowedNetworks.stream()
                        .map(String::trim)
                        .filter(network -> !network.isEmpty())
                        .toList();
        for (var network : allowedNetworks) {
            try {
                Cidr.parse(network);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("patchbay.probe.allowed-networks: " + e.getMessage());
            }
        }
        if (!positive(connectTimeout) || !positive(checkTimeout) || checkTimeout.compareTo(connectTimeout) < 0) {
            throw new IllegalArgumentException("patchbay.probe: connect-timeout and check-timeout must be positive, "
                    + "and check-timeout at least connect-timeout");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("patchbay.probe.concurrency must be between 1 and 256");
        }
        if (!positive(staleAfter)) {
            throw new IllegalArgumentException("patchbay.probe.stale-after must be positive");
        }
        if (tenantConcurrency < 1 || tenantConcurrency > 256) {
            throw new IllegalArgumentException("patchbay.probe.tenant-concurrency must be between 1 and 256");
        }
        // More than every thread means no limit; a worker configured with fewer threads must still start.
        tenantConcurrency = Math.min(tenantConcurrency, concurrency);
        if (circuitBreaker == null) {
            circuitBreaker = new CircuitBreaker(5, 50, Duration.ofSeconds(30), 10_000);
        }
    }

    /** The defaults, as an unconfigured worker runs. */
    public static ProbeProperties defaults() {
        return new ProbeProperties(
                List.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 8, Duration.ofMinutes(2), null, 4);
    }

    /** The same settings with other allowed networks (tests). */
    public ProbeProperties withAllowedNetworks(String... networks) {
        return new ProbeProperties(
                List.of(networks),
                connectTimeout,
                checkTimeout,
                concurrency,
                staleAfter,
                circuitBreaker,
                tenantConcurrency);
    }

    /** The same settings with other timeouts (tests). */
    public ProbeProperties withTimeouts(Duration connect, Duration check) {
        return new ProbeProperties(
                allowedNetworks, connect, check, concurrency, staleAfter, circuitBreaker, tenantConcurrency);
    }

    List<Cidr> networks() {
        return allowedNetworks.stream().map(Cidr::parse).toList();
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isZero() && !duration.isNegative();
    }

    /**
     * A circuit breaker per connection: over the last {@code windowSize} checks, once {@code failureRateThreshold}
     * percent failed (unreachable, timeout, TLS error, unexpected response), checks of that connection are answered
     * {@code circuit_open} without connecting, for {@code openFor}; then one trial check decides.
     *
     * @param maxConnections how many connections' breakers are kept; the least recently checked go first
     */
    public record CircuitBreaker(
            @DefaultValue("5") int windowSize,
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("30s") Duration openFor,
            @DefaultValue("10000") int maxConnections) {

        public CircuitBreaker {
            if (windowSize < 1
                    || failureRateThreshold <= 0
                    || failureRateThreshold > 100
                    || !positive(openFor)
                    || maxConnections < 1) {
                throw new IllegalArgumentException("patchbay.probe.circuit-breaker: window-size and max-connections "
                        + "must be positive, failure-rate-threshold in (0, 100], open-for positive");
            }
        }
    }
}
