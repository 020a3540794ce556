package dev.patchbay.probe.refresh;

import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.HttpProbe;
import dev.patchbay.probe.check.SecretSafeJson;
import dev.patchbay.vault.Credential;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

/**
 * RFC 6749 §6's refresh grant, sent to a connection's token endpoint through the worker's guarded HTTP
 * ({@link HttpProbe}: the endpoint's host checked by the SSRF guard and resolved once, the request sent to that very
 * address, no redirect followed, the check's time bound, at most 64 KiB of answer read, and a {@code Content-Length}
 * rather than a chunked body).
 *
 * <p>The request: {@code POST} of the form {@code grant_type=refresh_token&refresh_token=…[&scope=…]}; the client
 * authenticates as §2.3.1 says, with HTTP Basic over the form-encoded id and secret ({@code client_secret_basic},
 * the default) or with {@code client_id} and {@code client_secret} in the form ({@code client_secret_post}).
 *
 * <p>The answer (§5.1, §5.2): a 2xx with a {@code Bearer} {@code access_token} is new tokens; §5.2's
 * {@code invalid_grant}, {@code invalid_client} and {@code unauthorized_client} are refusals for good; a timeout,
 * an unreachable or TLS-failing endpoint, a 5xx, a 429 or anything else is a failure that may pass, with the
 * {@code Retry-After} of a 429 or 503. Nothing the endpoint wrote is kept but the error code of a refusal.
 */
@Component
final class TokenEndpoint {

    static final String CLIENT_SECRET_BASIC = "client_secret_basic";
    static final String CLIENT_SECRET_POST = "client_secret_post";

    /** The refusals that no retry can mend: the grant or the client is gone or barred. */
    static final Set<String> REFUSALS = Set.of("invalid_grant", "invalid_client", "unauthorized_client");

    /** The longest wait a {@code Retry-After} is taken for: beyond it, the endpoint's wish is capped. */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);

    private final HttpProbe http;
    private final JsonMapper json = SecretSafeJson.mapper();

    TokenEndpoint(HttpProbe http) {
        this.http = http;
    }

    /**
     * Sends the refresh grant.
     *
     * @param clientAuth {@link #CLIENT_SECRET_BASIC} (also when null) or {@link #CLIENT_SECRET_POST}
     * @param scope the scope to ask for, or null for the one granted before
     * @param credential the connection's credential: {@code client_id}, {@code client_secret}, {@code refresh_token}
     * @throws CheckFailed ({@link Failure#UNUSABLE_CONFIG}) for a {@code client_auth} this client does not speak
     */
    TokenAnswer refresh(String tokenEndpoint, String clientAuth, String scope, Credential credential) {
        var auth = clientAuth == null || clientAuth.isBlank() ? CLIENT_SECRET_BASIC : clientAuth.trim();
        if (!auth.equals(CLIENT_SECRET_BASIC) && !auth.equals(CLIENT_SECRET_POST)) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var form = new StringBuilder("grant_type=refresh_token&refresh_token=")
                .append(formEncoded(credential.value("refresh_token")));
        if (scope != null && !scope.isBlank()) {
            form.append("&scope=").append(formEncoded(scope.trim()));
        }
        String basic = null;
        if (auth.equals(CLIENT_SECRET_POST)) {
            form.append("&client_id=")
                    .append(formEncoded(credential.value("client_id")))
                    .append("&client_secret=")
                    .append(formEncoded(credential.value("client_secret")));
        } else {
            basic = "Basic "
                    + Base64.getEncoder()
                            .encodeToString((formEncoded(credential.value("client_id")) + ":"
                                            + formEncoded(credential.value("client_secret")))
                                    .getBytes(StandardCharsets.UTF_8));
        }
        byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
        form.setLength(0);
        var authorization = basic;
        HttpProbe.Answer answer;
        try {
            answer = http.exchange(
                    HttpMethod.POST,
                    tokenEndpoint,
                    headers -> {
                        headers.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                                .set(HttpHeaderNames.ACCEPT, "application/json");
                        if (authorization != null) {
                            headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
                        }
                    },
                    body,
                    true);
        } catch (CheckFailed failed) {
            return transportFailure(failed.outcome().failure());
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        return read(answer.status(), answer.headers(), answer.body(), Instant.now());
    }

    /** The answer told apart (RFC 6749 §5.1 and §5.2); {@code now} dates a {@code Retry-After} in seconds. */
    TokenAnswer read(int status, HttpHeaders headers, byte[] body, Instant now) {
        JsonNode document = parse(body);
        if (status >= 200 && status < 300) {
            return issued(document);
        }
        if (status == 429) {
            return new TokenAnswer.Failed("rate_limited", retryAfter(headers, now));
        }
        if (status >= 500) {
            return new TokenAnswer.Failed("server_error", status == 503 ? retryAfter(headers, now) : null);
        }
        var error = document == null ? null : text(document, "error");
        if ((status == 400 || status == 401) && error != null && REFUSALS.contains(error)) {
            return new TokenAnswer.Refused(error);
        }
        if ("temporarily_unavailable".equals(error) || "server_error".equals(error)) {
            return new TokenAnswer.Failed("server_error", retryAfter(headers, now));
        }
        return new TokenAnswer.Failed("unexpected_response", null);
    }

    private TokenAnswer issued(JsonNode document) {
        if (document == null || !document.isObject()) {
            return new TokenAnswer.Failed("unexpected_response", null);
        }
        var accessToken = text(document, "access_token");
        var tokenType = text(document, "token_type");
        if (accessToken == null || tokenType == null || !tokenType.equalsIgnoreCase("bearer")) {
            return new TokenAnswer.Failed("unexpected_response", null);
        }
        Long expiresIn = null;
        var lifetime = document.get("expires_in");
        if (lifetime != null && !lifetime.isNull()) {
            if (lifetime.isIntegralNumber() && lifetime.asLong() > 0) {
                expiresIn = lifetime.asLong();
            } else if (lifetime.isString() && lifetime.asString().matches("[0-9]{1,10}")) {
                // Some endpoints send the number as a string; RFC 6749 §5.1 means a number.
                expiresIn = Long.parseLong(lifetime.asString());
            }
            if (expiresIn == null || expiresIn <= 0) {
                return new TokenAnswer.Failed("unexpected_response", null);
            }
        }
        return new TokenAnswer.Issued(accessToken, text(document, "refresh_token"), expiresIn);
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JacksonException | IllegalArgumentException notJson) {
            return null;
        }
    }

    /** A non-blank string member, or null. */
    private static String text(JsonNode document, String member) {
        var value = document.get(member);
        return value != null && value.isString() && !value.asString().isBlank() ? value.asString() : null;
    }

    private static TokenAnswer transportFailure(Failure failure) {
        var code = switch (failure) {
            case TIMEOUT -> "timeout";
            case TLS_ERROR -> "tls_error";
            // A blocked address or a malformed endpoint URL: nothing left the worker. The endpoint is part
            // of the credential's destination, so only a rotation (a new credential) can change it.
            case UNREACHABLE, BLOCKED_DESTINATION -> "unreachable";
            default -> "unexpected_response";
        };
        return new TokenAnswer.Failed(code, null);
    }

    /**
     * RFC 9110 §10.2.3: delay-seconds or an HTTP-date; null when absent, malformed or past; capped at
     * {@link #LONGEST_RETRY_AFTER}.
     */
    static Instant retryAfter(HttpHeaders headers, Instant now) {
        var value = headers == null ? null : headers.get(HttpHeaderNames.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        var trimmed = value.trim();
        Instant at;
        if (trimmed.matches("[0-9]{1,9}")) {
            at = now.plusSeconds(Long.parseLong(trimmed));
        } else {
            try {
                at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        if (!at.isAfter(now)) {
            return null;
        }
        var latest = now.plus(LONGEST_RETRY_AFTER);
        return at.isAfter(latest) ? latest : at;
    }

    /** application/x-www-form-urlencoded, as RFC 6749 Appendix B and §2.3.1 use it. */
    static String formEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
