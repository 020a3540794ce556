package dev.patchbay.probe.refresh;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the worker renews OAuth2 tokens.
 *
 * @param concurrency how many refresh requests one worker runs at once; more wait in a small queue, and beyond it
 *     are dropped (command-service asks again after its request timeout)
 * @param lockWait how long a refresher waits for another one (in this worker or another) to finish with the same
 *     connection; it then looks whether that one renewed it. Longer than a token endpoint call
 *     ({@code patchbay.probe.check-timeout}) so that the wait normally ends with the other's result
 */
@ConfigurationProperties("patchbay.refresher")
record RefreshProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("15s") Duration lockWait) {

    RefreshProperties {
        if (concurrency < 1) {
            throw new IllegalArgumentException("patchbay.refresher.concurrency must be at least 1");
        }
    }
}
