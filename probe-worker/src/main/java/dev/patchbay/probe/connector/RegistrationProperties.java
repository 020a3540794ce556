package dev.patchbay.probe.connector;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the worker registers its connector types at boot.
 *
 * @param sendTimeout how long to wait for the broker to acknowledge all registrations
 * @param initialBackoff the pause after the first failed attempt; it doubles after each further failure
 * @param maxBackoff the longest pause between attempts
 */
@ConfigurationProperties("patchbay.probe.registration")
record RegistrationProperties(
        @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("1s") Duration initialBackoff,
        @DefaultValue("30s") Duration maxBackoff) {

    RegistrationProperties {
        if (!positive(sendTimeout) || !positive(initialBackoff) || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("patchbay.probe.registration: timeouts must be positive and "
                    + "max-backoff at least initial-backoff");
        }
    }

    private static boolean positive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }

    Duration backoffAfter(Duration previous) {
        var doubled = previous.multipliedBy(2);
        return doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }
}
