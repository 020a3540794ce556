package dev.patchbay.command.refresh;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Credential expiry and OAuth2 refresh (issue 21 §3).
 *
 * @param enabled whether this instance leases due expiries and refreshes at all (every instance may: the lease is a
 *     row lock the others skip)
 * @param refreshMargin how long before an OAuth2 access token's {@code expires_at} its refresh is requested
 * @param requestTimeout how long a refresh request is waited for before it is sent again (a refresher answers a
 *     repeat {@code already_renewed}, so a repeat is safe)
 * @param giveUpAfter how long refreshes may fail transiently (or go unanswered past the token's expiry) before the
 *     connection is made expired ({@code refresh_failing})
 * @param backoff the wait after a first transient failure; it doubles with each further one
 * @param backoffCap the longest wait between transient failures, unless the provider's {@code Retry-After} asks more
 * @param stagedTtl how long a refresher's staged credential is kept without its result being recorded before the
 *     sweep destroys it
 * @param interval how often this instance looks for due expiries and refreshes
 * @param batch how many due rows one look leases at most
 * @param resultsGroup the consumer group of refresh results, shared by every instance so each result is recorded once
 */
@Validated
@ConfigurationProperties("patchbay.oauth2")
record OAuth2Properties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("15m") Duration refreshMargin,
        @DefaultValue("2m") Duration requestTimeout,
        @DefaultValue("1h") Duration giveUpAfter,
        @DefaultValue("30s") Duration backoff,
        @DefaultValue("10m") Duration backoffCap,
        @DefaultValue("1h") Duration stagedTtl,
        @DefaultValue("1s") Duration interval,
        @DefaultValue("100") int batch,
        @DefaultValue("patchbay-command-refresh") String resultsGroup) {

    OAuth2Properties {
        for (var positive : new Duration[] {requestTimeout, giveUpAfter, backoff, backoffCap, stagedTtl, interval}) {
            if (positive == null || positive.isNegative() || positive.isZero()) {
                throw new IllegalArgumentException("patchbay.oauth2 durations must be positive");
            }
        }
        if (refreshMargin == null || refreshMargin.isNegative()) {
            throw new IllegalArgumentException("patchbay.oauth2.refresh-margin must not be negative");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("patchbay.oauth2.batch must be at least 1");
        }
    }

    /** The wait after the {@code failures}th transient failure in a row (1 for the first). */
    Duration backoffAfter(int failures) {
        var wait = backoff;
        for (int i = 1; i < failures && wait.compareTo(backoffCap) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(backoffCap) > 0 ? backoffCap : wait;
    }
}
