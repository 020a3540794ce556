package dev.patchbay.command.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Live tests as command-service runs them (requests a probe worker answers, their timeout and rate limit).
 *
 * <p>The prefix {@code patchbay.probe} is shared with probe-worker's {@code ProbeProperties} (how the worker runs
 * the checks): deployments already set these keys under it, and the two services' property names do not overlap,
 * so one key never means two things.
 *
 * @param allowInsecureHttp accept {@code http} base URLs (local stand-ins for vendors); never in production
 * @param timeout how long a test request waits for a probe worker's result before answering 504
 * @param rateLimit how many tests a tenant may run per {@code ratePeriod}, across all instances
 */
@ConfigurationProperties("patchbay.probe")
public record LiveTestProperties(
        @DefaultValue("false") boolean allowInsecureHttp,
        @DefaultValue("15s") Duration timeout,
        @DefaultValue("100") int rateLimit,
        @DefaultValue("60s") Duration ratePeriod) {}
