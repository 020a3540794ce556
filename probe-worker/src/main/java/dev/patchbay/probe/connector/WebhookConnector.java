package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * An outgoing webhook endpoint, whose deliveries are signed with {@code signing_secret}. The check only asks
 * whether the endpoint answers: {@code HEAD base_url}; 2xx, 3xx and 405 (it does not take HEAD) are healthy. The
 * signing secret is not sent: a check must not deliver anything.
 */
@Component
final class WebhookConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "webhook",
            Category.REST,
            "Webhook endpoint",
            List.of(),
            List.of("signing_secret"),
            false,
            List.of(),
            List.of());

    private final HttpProbe http;

    WebhookConnector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var answer = http.exchange(HttpMethod.HEAD, target.requiredBaseUrl(), headers -> {}, null, false);
        int status = answer.status();
        if (status >= 200 && status < 400 || status == 405) {
            return Outcome.healthy();
        }
        return Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
    }
}
