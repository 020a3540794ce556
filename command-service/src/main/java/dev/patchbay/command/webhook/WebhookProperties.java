package dev.patchbay.command.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;

/**
 * @param publicBaseUrl where vendors reach this service; webhook URLs are built on it
 *     ({@code patchbay.public-base-url})
 */
@ConfigurationProperties("patchbay")
record WebhookProperties(
        @DefaultValue("http://127.0.0.1:8080") URI publicBaseUrl) {

    /** API.md: a delivery's payload is at most 256 KiB. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;
}
