package dev.patchbay.command.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Webhook deliveries as the receiver takes them.
 *
 * @param rateLimit how many deliveries one webhook token may make per {@code ratePeriod} on one instance; more are
 *     answered 429 before their signing secret is opened
 * @param ratePeriod the period of {@code rateLimit}
 */
@ConfigurationProperties("patchbay.webhooks")
record WebhookDeliveryProperties(
        @DefaultValue("600") int rateLimit,
        @DefaultValue("60s") Duration ratePeriod) {

    WebhookDeliveryProperties {
        if (rateLimit < 1 || ratePeriod.isNegative() || ratePeriod.isZero()) {
            throw new IllegalArgumentException("patchbay.webhooks.rate-limit must be at least 1 and "
                    + "patchbay.webhooks.rate-period longer than 0");
        }
    }
}
