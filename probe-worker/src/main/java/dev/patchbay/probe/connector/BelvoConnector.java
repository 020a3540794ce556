package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Belvo, the open-finance aggregator: an API key pair; connections receive link webhooks. The check is the smallest
 * authenticated read of Belvo's API, {@code GET {base_url}/api/institutions/?page_size=1} with HTTP Basic (secret id
 * and password).
 */
@Component
final class BelvoConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "belvo",
            Category.REST,
            "Belvo",
            List.of(),
            List.of("client_id", "secret"),
            true,
            List.of(),
            List.of("api.belvo.com", "sandbox.belvo.com", "development.belvo.com"));

    private final HttpProbe http;

    BelvoConnector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var url = HttpProbe.join(target.requiredBaseUrl(), "/api/institutions/?page_size=1");
        var basic = "Basic "
                + Base64.getEncoder()
                        .encodeToString((credential.value("client_id") + ":" + credential.value("secret"))
                                .getBytes(StandardCharsets.UTF_8));
        var answer = http.exchange(
                HttpMethod.GET,
                url,
                headers -> headers.set(HttpHeaderNames.AUTHORIZATION, basic)
                        .set(HttpHeaderNames.ACCEPT, "application/json"),
                null,
                false);
        int status = answer.status();
        if (status == 200) {
            return Outcome.healthy();
        }
        if (status == 401 || status == 403) {
            return Outcome.failed(Failure.CREDENTIALS_REJECTED, status);
        }
        return Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
    }
}
