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
 * @param republishAfter how old a staged renewal that command-service has not recorded may be before a refresher
 *     takes its {@code renewed} result for lost and publishes it again (younger, it answers {@code already_renewed}).
 *     Shorter than command-service's request timeout ({@code patchbay.oauth2.request-timeout}, 2 min), whose
 *     re-sent request finds it, and far shorter than the sweep of staged rows
 */
@ConfigurationProperties("patchbay.refresher")
record RefreshProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("15s") Duration lockWait,
        @DefaultValue("1m") Duration republishAfter) {

    RefreshProperties {
        if (concurrency < 1) {
            throw new IllegalArgumentException("patchbay.refresher.concurrency must be at least 1");
        }
    }
}
