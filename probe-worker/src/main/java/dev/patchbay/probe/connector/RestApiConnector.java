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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Any REST API behind a token: {@code GET base_url + health_path} (default {@code /}) with the token as a bearer
 * ({@code auth_scheme: bearer}, the default), in a header of its own ({@code auth_scheme: header},
 * {@code header_name}) or as the password of HTTP Basic ({@code auth_scheme: basic}, {@code username}). 2xx is healthy; 401 and 403 mean the token was refused.
 */
@Component
final class RestApiConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "rest_api",
            Category.REST,
            "REST API",
            List.of(),
            List.of("token"),
            false,
            List.of("health_path"),
            List.of());

    /** An HTTP field name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
    /** Headers that frame or route the request: a config must not take them over. */
    private static final Set<String> FRAMING = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "upgrade",
            "te",
            "trailer",
            "expect",
            "proxy-authorization",
            "keep-alive");

    private final HttpProbe http;

    RestApiConnector(HttpProbe http) {
        this.http = http;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    /** Calls through the proxy carry the token as the check does: the connection's declared scheme. */
    @Override
    public Optional<CredentialInjector> injector() {
        return Optional.of((target, credentialVersion, credential, renew) -> {
            var header = authentication(target, credential);
            var secrets = new ArrayList<String>(List.of(credential.value("token"), header.value()));
            if (header.value().startsWith("Basic ")) {
                secrets.add(header.value().substring(6));
            }
            return new Injection(Map.of(header.name(), header.value()), secrets);
        });
    }

    /** The header that carries the token. */
    private record Authentication(String name, String value) {}

    /**
     * {@code auth_scheme} {@code bearer} (the default): {@code Authorization: Bearer <token>}; {@code header}: the
     * token alone in the header {@code header_name}; {@code basic}: HTTP Basic with the config's {@code username}
     * and the token as password.
     */
    private static Authentication authentication(ProbeTarget target, Credential credential) {
        var scheme = target.text("auth_scheme", "bearer").toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "bearer" ->
                new Authentication(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer " + credential.value("token"));
            case "header" -> {
                var headerName = target.requiredText("header_name");
                if (!HEADER_NAME.matcher(headerName).matches()
                        || FRAMING.contains(headerName.toLowerCase(Locale.ROOT))) {
                    throw new CheckFailed(Failure.UNUSABLE_CONFIG);
                }
                yield new Authentication(headerName, credential.value("token"));
            }
            case "basic" -> {
                var username = target.requiredText("username");
                if (username.indexOf(':') >= 0) {
                    throw new CheckFailed(Failure.UNUSABLE_CONFIG);
                }
                yield new Authentication(
                        HttpHeaderNames.AUTHORIZATION.toString(),
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((username + ":" + credential.value("token"))
                                                .getBytes(StandardCharsets.UTF_8)));
            }
            default -> throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        };
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var header = authentication(target, credential);
        var headerName = header.name();
        var headerValue = header.value();
        var path = target.text("health_path", "/");
        if (!path.startsWith("/") || path.startsWith("//")) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var answer = http.exchange(
                HttpMethod.GET,
                HttpProbe.join(target.requiredBaseUrl(), path),
                headers -> headers.set(headerName, headerValue),
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
