package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.CredentialInjector;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.Injection;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** Calls through the proxy carry HTTP Basic with the secret id and password, as the check does. */
    @Override
    public Optional<CredentialInjector> injector() {
        return Optional.of((target, credentialVersion, credential, renew) -> {
            var basic = basic(credential);
            return new Injection(
                    Map.of(HttpHeaderNames.AUTHORIZATION.toString(), basic),
                    List.of(credential.value("client_id"), credential.value("secret"), basic.substring(6)));
        });
    }

    private static String basic(Credential credential) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((credential.value("client_id") + ":" + credential.value("secret"))
                                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var url = HttpProbe.join(target.requiredBaseUrl(), "/api/institutions/?page_size=1");
        var basic = basic(credential);
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
