package dev.patchbay.probe.proxy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * The proxy's listener and its bounds. Validated when bound: a worker with a nonsensical bound does not start.
 *
 * @param enabled whether this worker opens the proxy's listener at all (it needs the trusted token keys of
 *     {@code patchbay.security.jwt.*} then)
 * @param address the interface the listener binds to
 * @param port its port (0: any free one)
 * @param maxRequestBody the largest request body taken (then 413)
 * @param maxResponseBody the largest vendor answer passed on (then 502 {@code upstream_too_large})
 * @param firstByteTimeout how long the vendor may take to start answering (then 504)
 * @param totalTimeout how long one call may take, end to end (then 504)
 * @param connectionConcurrency calls through one connection at once (then 429 with {@code Retry-After})
 * @param tenantConcurrency calls of one tenant at once (then 429 with {@code Retry-After})
 * @param threads the threads that run calls' blocking parts (the vault, the database, the guard's lookups)
 * @param auditRetry how often an audit record that could not be delivered is sent again; calls are refused (503
 *     {@code audit_unavailable}, with this as {@code Retry-After}) until every such record is on its topic
 */
@ConfigurationProperties("patchbay.proxy")
public record ProxyProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("127.0.0.1") String address,
        @DefaultValue("8083") int port,
        @DefaultValue("1MB") DataSize maxRequestBody,
        @DefaultValue("8MB") DataSize maxResponseBody,
        @DefaultValue("10s") Duration firstByteTimeout,
        @DefaultValue("30s") Duration totalTimeout,
        @DefaultValue("8") int connectionConcurrency,
        @DefaultValue("32") int tenantConcurrency,
        @DefaultValue("64") int threads,
        @DefaultValue("5s") Duration auditRetry) {

    public ProxyProperties {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("patchbay.proxy.port must be a TCP port, or 0");
        }
        if (maxRequestBody.toBytes() < 1
                || maxRequestBody.toBytes() > Integer.MAX_VALUE
                || maxResponseBody.toBytes() < 1
                || maxResponseBody.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "patchbay.proxy.max-request-body and max-response-body must be " + "positive and below 2 GB");
        }
        if (!positive(firstByteTimeout) || !positive(totalTimeout) || totalTimeout.compareTo(firstByteTimeout) < 0) {
            throw new IllegalArgumentException("patchbay.proxy: first-byte-timeout and total-timeout must be positive,"
                    + " and total-timeout at least first-byte-timeout");
        }
        if (!positive(auditRetry)) {
            throw new IllegalArgumentException("patchbay.proxy.audit-retry must be positive");
        }
        if (connectionConcurrency < 1 || tenantConcurrency < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "patchbay.proxy: connection-concurrency, tenant-concurrency and threads must be positive");
        }
    }

    private static boolean positive(Duration duration) {
        return duration != null && !duration.isZero() && !duration.isNegative();
    }
}
