package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.SecretSafeJson;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Pluggy, the open-finance aggregator: an API key pair; connections receive item webhooks. The check is Pluggy's own
 * login: {@code POST {base_url}/auth} with the client id and secret, which answers 200 with an {@code apiKey}.
 */
@Component
final class PluggyConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "pluggy",
            Category.REST,
            "Pluggy",
            List.of(),
            List.of("client_id", "secret"),
            true,
            List.of(),
            List.of("api.pluggy.ai"));

    private final HttpProbe http;
    private final JsonMapper json = SecretSafeJson.mapper();

    PluggyConnector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var url = HttpProbe.join(target.requiredBaseUrl(), "/auth");
        var login = new LinkedHashMap<String, String>();
        login.put("clientId", credential.value("client_id"));
        login.put("clientSecret", credential.value("secret"));
        byte[] body = json.writeValueAsBytes(login);
        login.clear();
        try {
            var answer = http.exchange(
                    HttpMethod.POST,
                    url,
                    headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .set(HttpHeaderNames.ACCEPT, "application/json"),
                    body,
                    true);
            int status = answer.status();
            if (status == 200) {
                return hasApiKey(answer.body())
                        ? Outcome.healthy()
                        : Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
            }
            if (status == 401 || status == 403) {
                return Outcome.failed(Failure.CREDENTIALS_REJECTED, status);
            }
            return Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    private boolean hasApiKey(byte[] body) {
        try {
            var apiKey = json.readTree(body).get("apiKey");
            return apiKey != null && apiKey.isString() && !apiKey.asString().isBlank();
        } catch (JacksonException | IllegalArgumentException notJson) {
            return false;
        }
    }
}
