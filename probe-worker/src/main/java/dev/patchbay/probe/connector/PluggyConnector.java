package dev.patchbay.probe.connector;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.CredentialInjector;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.Injection;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.SecretSafeJson;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pluggy, the open-finance aggregator: an API key pair; connections receive item webhooks. The check is Pluggy's own
 * login: {@code POST {base_url}/auth} with the client id and secret, which answers 200 with an {@code apiKey}. Calls
 * through the proxy carry that key as {@code X-API-KEY}.
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

    /** The header Pluggy reads its API key from. */
    static final String API_KEY_HEADER = "X-API-KEY";

    /** Pluggy's API keys live two hours; one is kept for less, so that none is used near its end. */
    static final Duration API_KEY_KEPT = Duration.ofMinutes(90);

    static final int API_KEYS_KEPT = 10_000;

    private final HttpProbe http;
    private final JsonMapper json = SecretSafeJson.mapper();
    private final Cache<KeptKey, String> apiKeys = Caffeine.newBuilder()
            .maximumSize(API_KEYS_KEPT)
            .expireAfterWrite(API_KEY_KEPT)
            .build();

    PluggyConnector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var answer = login(target, credential);
        int status = answer.status();
        if (status == 200) {
            return apiKey(answer.body()) != null
                    ? Outcome.healthy()
                    : Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
        }
        if (status == 401 || status == 403) {
            return Outcome.failed(Failure.CREDENTIALS_REJECTED, status);
        }
        return Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
    }

    /**
     * Calls through the proxy carry an API key, never the client id and secret: Pluggy's login trades them for a
     * key, which is kept in memory only, below its lifetime ({@link #API_KEY_KEPT}), per connection, credential
     * version and base URL, at most {@link #API_KEYS_KEPT} of them. A 401 renews it once.
     */
    @Override
    public Optional<CredentialInjector> injector() {
        return Optional.of(injector);
    }

    private final CredentialInjector injector = new CredentialInjector() {

        @Override
        public Injection inject(ProbeTarget target, int credentialVersion, Credential credential, boolean renew) {
            var key = new KeptKey(target.connectionId(), credentialVersion, target.requiredBaseUrl());
            if (renew) {
                apiKeys.invalidate(key);
            }
            var apiKey = apiKeys.get(key, unused -> newApiKey(target, credential));
            return new Injection(
                    Map.of(API_KEY_HEADER, apiKey),
                    List.of(apiKey, credential.value("client_id"), credential.value("secret")));
        }

        @Override
        public boolean renewsOnUnauthorized() {
            return true;
        }
    };

    private String newApiKey(ProbeTarget target, Credential credential) {
        var answer = login(target, credential);
        if (answer.status() == 401 || answer.status() == 403) {
            throw new CheckFailed(Failure.CREDENTIALS_REJECTED);
        }
        var apiKey = answer.status() == 200 ? apiKey(answer.body()) : null;
        if (apiKey == null) {
            throw new CheckFailed(Failure.UNEXPECTED_RESPONSE);
        }
        return apiKey;
    }

    /** Pluggy's login: {@code POST {base_url}/auth} with the client id and secret; the answer's body is read. */
    private HttpProbe.Answer login(ProbeTarget target, Credential credential) {
        var url = HttpProbe.join(target.requiredBaseUrl(), "/auth");
        var login = new LinkedHashMap<String, String>();
        login.put("clientId", credential.value("client_id"));
        login.put("clientSecret", credential.value("secret"));
        byte[] body = json.writeValueAsBytes(login);
        login.clear();
        try {
            return http.exchange(
                    HttpMethod.POST,
                    url,
                    headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .set(HttpHeaderNames.ACCEPT, "application/json"),
                    body,
                    true);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /** The {@code apiKey} of a login's answer, or null when it has none. */
    private String apiKey(byte[] body) {
        try {
            var apiKey = json.readTree(body).get("apiKey");
            return apiKey != null && apiKey.isString() && !apiKey.asString().isBlank() ? apiKey.asString() : null;
        } catch (JacksonException | IllegalArgumentException notJson) {
            return null;
        }
    }

    /** Which API key: a new credential version or another base URL never reuses a key. */
    private record KeptKey(ConnectionId connection, int credentialVersion, String baseUrl) {}
}
