package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.CheckFailed;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An API behind OAuth2 (RFC 6749): the credential is the client's id and secret, an access token and, optionally, a
 * refresh token; {@code config.token_endpoint} is where the refresher (package {@code refresh}) renews the access
 * token with the refresh grant. The token endpoint is part of the destination the credential is sealed for, like the
 * API's origin: the client secret and refresh token go there and nowhere else.
 *
 * <p>The check: {@code GET base_url + check_path} (default {@code /}) with {@code Authorization: Bearer
 * <access_token>} (RFC 6750); 2xx is healthy, 401 and 403 mean the token was refused. Calls through the proxy carry
 * the same header; a 401 from the API renews the tokens once through the refresher ({@link
 * CredentialInjector#renewsCredentialOnUnauthorized()}).
 */
@Component
final class OAuth2Connector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "oauth2",
            Category.REST,
            "OAuth2 API",
            List.of("token_endpoint"),
            List.of("client_id", "client_secret", "access_token"),
            false,
            List.of("scope", "client_auth", "check_path"),
            List.of(),
            List.of("refresh_token"));

    private final HttpProbe http;

    OAuth2Connector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Optional<CredentialInjector> injector() {
        return Optional.of(INJECTOR);
    }

    private static final CredentialInjector INJECTOR = new CredentialInjector() {

        @Override
        public Injection inject(ProbeTarget target, int credentialVersion, Credential credential, boolean renew) {
            var bearer = "Bearer " + credential.value("access_token");
            var secrets = new ArrayList<String>();
            for (var field : credential.fieldNames()) {
                secrets.add(credential.value(field));
            }
            secrets.add(bearer);
            return new Injection(Map.of(HttpHeaderNames.AUTHORIZATION.toString(), bearer), secrets);
        }

        @Override
        public boolean renewsCredentialOnUnauthorized() {
            return true;
        }
    };

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var path = target.text("check_path", "/");
        if (!path.startsWith("/") || path.startsWith("//")) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var bearer = "Bearer " + credential.value("access_token");
        var answer = http.exchange(
                HttpMethod.GET,
                HttpProbe.join(target.requiredBaseUrl(), path),
                headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer),
                null,
                false);
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return Outcome.healthy();
        }
        if (status == 401 || status == 403) {
            return Outcome.failed(Failure.CREDENTIALS_REJECTED, status);
        }
        return Outcome.failed(Failure.UNEXPECTED_RESPONSE, status);
    }
}
