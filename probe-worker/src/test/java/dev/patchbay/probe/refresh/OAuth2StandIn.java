package dev.patchbay.probe.refresh;

import dev.patchbay.probe.proxy.VendorStandIn;
import dev.patchbay.probe.proxy.VendorStandIn.Received;
import dev.patchbay.probe.proxy.VendorStandIn.Reply;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for an OAuth2 provider, on 127.0.0.1: an authorization server's token endpoint that speaks RFC
 * 6749's refresh grant (§6) with its client authentication (§2.3.1, Basic with form-encoded id and secret, or the
 * id and secret in the form) and its error answers (§5.2), and, beside it, the provider's API, which takes the
 * access tokens it issued as bearer tokens (RFC 6750) and answers 401 to any other. A real provider cannot be
 * reached from this machine, and Spring Authorization Server was not used (see the ITs' javadoc).
 *
 * <p>Each test sets the provider's behaviour: whether it sends a new refresh token (rotation) or none, whether it
 * answers the next grants with a status of its own (5xx, 429 with {@code Retry-After}), or only after a delay.
 */
public final class OAuth2StandIn implements AutoCloseable {

    public static final String TOKEN_PATH = "/oauth/token";
    public static final String API_PATH = "/api/";
    /** Begins every {@code error_description} the token endpoint writes: no log line or record may hold it. */
    public static final String PROVIDER_WORDS = "provider-words-";

    /** One refresh grant as the token endpoint read it. */
    public record Grant(
            String clientAuthentication,
            String clientId,
            String clientSecret,
            Map<String, String> form,
            String contentType,
            String contentLength,
            String transferEncoding) {}

    /** A forced answer for the next grants: status, body and headers. */
    public record Forced(int status, String body, String... headers) {}

    private final String clientId;
    private final String clientSecret;
    private final VendorStandIn server;
    private final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> accessTokens = new ConcurrentHashMap<>();
    private final List<Grant> grants = new ArrayList<>();
    private final ConcurrentLinkedQueue<Forced> forced = new ConcurrentLinkedQueue<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> answers = new ArrayList<>();
    private final List<String> issuedAccessTokens = new ArrayList<>();
    private final List<String> issuedRefreshTokens = new ArrayList<>();
    private volatile boolean rotateRefreshTokens = true;
    private volatile Long expiresIn = 3600L;
    private volatile Duration delay = Duration.ZERO;

    public OAuth2StandIn(String clientId, String clientSecret) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.server = new VendorStandIn(this::answer);
    }

    /** The origin of both the token endpoint and the API. */
    public String baseUrl() {
        return server.baseUrl();
    }

    public String tokenEndpoint() {
        return server.baseUrl() + TOKEN_PATH;
    }

    /** A refresh token the provider issued (as at the user's consent) and still honours. */
    public String issueRefreshToken() {
        var token = "rt-" + UUID.randomUUID();
        refreshTokens.put(token, true);
        return token;
    }

    /** An access token the provider issued and its API takes. */
    public String issueAccessToken() {
        var token = "at-" + UUID.randomUUID();
        accessTokens.put(token, true);
        return token;
    }

    /** The user revoked the grant: the refresh token is refused from now on ({@code invalid_grant}). */
    public void revoke(String refreshToken) {
        refreshTokens.put(refreshToken, false);
    }

    /** The access token expired at the provider: its API answers 401 to it. */
    public void expire(String accessToken) {
        accessTokens.put(accessToken, false);
    }

    /** Whether a grant sends a new refresh token (and retires the one used), or none (the old one stays good). */
    public OAuth2StandIn rotatingRefreshTokens(boolean rotate) {
        this.rotateRefreshTokens = rotate;
        return this;
    }

    /** The lifetime the token endpoint states ({@code expires_in}), or null for none. */
    public OAuth2StandIn expiresIn(Long seconds) {
        this.expiresIn = seconds;
        return this;
    }

    /** How long each grant's answer is held back. */
    public OAuth2StandIn delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** The next grant is answered so instead. */
    public OAuth2StandIn forceNext(Forced answer) {
        forced.add(answer);
        return this;
    }

    /** Every refresh grant that reached the token endpoint, in order. */
    public synchronized List<Grant> grants() {
        return List.copyOf(grants);
    }

    /** Every body the token endpoint answered, in order (for canary assertions). */
    public synchronized List<String> answers() {
        return List.copyOf(answers);
    }

    /** Every request, to the token endpoint or the API. */
    public List<Received> received() {
        return server.received();
    }

    /** How many grants issued tokens. */
    public int issuedCount() {
        return issued.get();
    }

    /** The access tokens that grants issued, in order. */
    public synchronized List<String> issuedAccessTokens() {
        return List.copyOf(issuedAccessTokens);
    }

    /** The refresh tokens that grants issued, in order (none from a provider that does not rotate them). */
    public synchronized List<String> issuedRefreshTokens() {
        return List.copyOf(issuedRefreshTokens);
    }

    private Reply answer(Received request) throws InterruptedException {
        if (request.uri().startsWith(API_PATH)) {
            var authorization = request.header("Authorization");
            var token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
            return Boolean.TRUE.equals(accessTokens.get(token))
                    ? Reply.of(200, "{\"items\":[1,2,3]}", "Content-Type", "application/json")
                    : Reply.of(
                            401, "{\"error\":\"invalid_token\"}", "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        if (!request.uri().equals(TOKEN_PATH) || !request.method().equals("POST")) {
            return Reply.of(404, "");
        }
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        var form = form(new String(request.body(), StandardCharsets.UTF_8));
        String authentication = "none";
        String id = null;
        String secret = null;
        var authorization = request.header("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            authentication = "client_secret_basic";
            var pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            id = URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            secret = URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
        }
        if (form.containsKey("client_secret")) {
            if (!authentication.equals("none")) {
                return record(request, form, "both", id, secret, error(400, "invalid_request"));
            }
            authentication = "client_secret_post";
            id = form.get("client_id");
            secret = form.get("client_secret");
        }
        var forcedAnswer = forced.poll();
        if (forcedAnswer != null) {
            return record(
                    request,
                    form,
                    authentication,
                    id,
                    secret,
                    Reply.of(forcedAnswer.status(), forcedAnswer.body(), forcedAnswer.headers()));
        }
        if (!clientId.equals(id) || !clientSecret.equals(secret)) {
            return record(request, form, authentication, id, secret, error(401, "invalid_client"));
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            return record(request, form, authentication, id, secret, error(400, "unsupported_grant_type"));
        }
        var refreshToken = form.get("refresh_token");
        if (refreshToken == null || !Boolean.TRUE.equals(refreshTokens.get(refreshToken))) {
            return record(request, form, authentication, id, secret, error(400, "invalid_grant"));
        }
        var body = new LinkedHashMap<String, Object>();
        var accessToken = issueAccessToken();
        body.put("access_token", accessToken);
        body.put("token_type", "bearer");
        if (expiresIn != null) {
            body.put("expires_in", expiresIn);
        }
        String newRefreshToken = null;
        if (rotateRefreshTokens) {
            refreshTokens.put(refreshToken, false);
            newRefreshToken = issueRefreshToken();
            body.put("refresh_token", newRefreshToken);
        }
        issued.incrementAndGet();
        synchronized (this) {
            issuedAccessTokens.add(accessToken);
            if (newRefreshToken != null) {
                issuedRefreshTokens.add(newRefreshToken);
            }
        }
        return record(
                request, form, authentication, id, secret, Reply.of(200, json(body), "Cache-Control", "no-store"));
    }

    private synchronized Reply record(
            Received request, Map<String, String> form, String authentication, String id, String secret, Reply reply) {
        grants.add(new Grant(
                authentication,
                id,
                secret,
                form,
                request.header("Content-Type"),
                request.header("Content-Length"),
                request.header("Transfer-Encoding")));
        answers.add(new String(reply.body(), StandardCharsets.UTF_8));
        return reply;
    }

    private static Reply error(int status, String error) {
        // RFC 6749 §5.2, with a description of the provider's own words: the worker never carries them on.
        var body = "{\"error\":\"" + error + "\",\"error_description\":\"" + PROVIDER_WORDS + error + "\"}";
        return status == 401
                ? Reply.of(status, body, "Content-Type", "application/json", "WWW-Authenticate", "Basic")
                : Reply.of(status, body, "Content-Type", "application/json");
    }

    private static Map<String, String> form(String body) {
        var form = new LinkedHashMap<String, String>();
        if (body.isEmpty()) {
            return form;
        }
        for (var pair : body.split("&")) {
            int equals = pair.indexOf('=');
            var name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            var value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            form.put(name, value);
        }
        return form;
    }

    private static String json(Map<String, Object> body) {
        var out = new StringBuilder("{");
        body.forEach((name, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":");
            out.append(value instanceof String text ? "\"" + text + "\"" : String.valueOf(value));
        });
        return out.append('}').toString();
    }

    @Override
    public void close() {
        server.close();
    }
}
