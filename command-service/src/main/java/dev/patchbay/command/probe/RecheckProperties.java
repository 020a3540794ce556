package dev.patchbay.command.probe;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Scheduled re-checks of every live connection.
 *
 * @param enabled whether this instance leases and publishes re-checks at all
 * @param period how often each connection is checked; each next time is the period, jittered by ±10 %
 * @param rate re-checks this instance publishes per second at most, whatever the tenants: a bound of its own, apart
 *     from the tenants' manual-test rate limit, which scheduled checks never take from
 * @param seedInterval how often new live connections are given a first time (at random within the period) and
 *     gone ones dropped
 */
@Validated
@ConfigurationProperties("patchbay.recheck")
record RecheckProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("6h") Duration period,
        @DefaultValue("5") int rate,
        @DefaultValue("1m") Duration seedInterval) {

    RecheckProperties {
        if (period.toSeconds() < 60) {
            throw new IllegalArgumentException("patchbay.recheck.period must be at least 1m");
        }
        if (rate < 1) {
            throw new IllegalArgumentException("patchbay.recheck.rate must be at least 1");
        }
    }
}
