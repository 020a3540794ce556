package dev.patchbay.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A local stand-in for an OAuth2 provider on 127.0.0.1 (a real one cannot be reached from this machine): its token
 * endpoint ({@code POST /token}) speaks RFC 6749's refresh grant (§6), with client authentication by HTTP Basic
 * (§2.3.1) and the error answers of §5.2; beside it, the provider's API ({@code GET /api/**}) takes as a bearer token
 * (RFC 6750) only an access token the test has marked as accepted, and answers 401 to any other.
 *
 * <p>What the token endpoint answers to each refresh token is the test's to say; every grant it received is kept.
 */
final class OAuth2Provider implements AutoCloseable {

    static final String CLIENT_ID = "patchbay-client";

    /** One refresh grant as the token endpoint read it. */
    record Grant(String grantType, String refreshToken, String clientId, String clientSecret, String body) {}

    private final HttpServer server;
    private final String clientSecret;
    private final List<Grant> grants = new ArrayList<>();
    private final List<String> answers = new ArrayList<>();
    private final Map<String, Function<Grant, Answer>> byRefreshToken = new ConcurrentHashMap<>();
    private final Set<String> acceptedAccessTokens = ConcurrentHashMap.newKeySet();

    /** An answer of the token endpoint: its status and JSON body. */
    record Answer(int status, String json) {

        /** A successful refresh: a new access token, and a new refresh token only if given one. */
        static Answer issued(String accessToken, String refreshToken, int expiresIn) {
            return new Answer(
                    200,
                    "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                            + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}");
        }

        /** A refusal of RFC 6749 §5.2, with the provider's own words in error_description. */
        static Answer refused(String error, String description) {
            return new Answer(400, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
        }
    }

    OAuth2Provider(String clientSecret) throws IOException {
        this.clientSecret = clientSecret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/api/", this::api);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String tokenEndpoint() {
        return baseUrl() + "/token";
    }

    /** What the token endpoint answers to a grant with this refresh token (else invalid_grant). */
    void answer(String refreshToken, Function<Grant, Answer> answer) {
        byRefreshToken.put(refreshToken, answer);
    }

    /** The API takes this access token from now on. */
    void accept(String accessToken) {
        acceptedAccessTokens.add(accessToken);
    }

    synchronized List<Grant> grants() {
        return List.copyOf(grants);
    }

    /** Every answer the token endpoint sent, as sent. */
    synchronized List<String> answers() {
        return List.copyOf(answers);
    }

    private void token(HttpExchange exchange) throws IOException {
        var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var form = new LinkedHashMap<String, String>();
        for (var pair : body.split("&")) {
            var kv = pair.split("=", 2);
            if (kv.length == 2) {
                form.put(decode(kv[0]), decode(kv[1]));
            }
        }
        String id = null;
        String secret = null;
        var authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            var pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8)
                    .split(":", 2);
            id = decode(pair[0]);
            secret = pair.length == 2 ? decode(pair[1]) : null;
        }
        var grant = new Grant(form.get("grant_type"), form.get("refresh_token"), id, secret, body);
        Answer answer;
        if (!"POST".equals(exchange.getRequestMethod()) || !"refresh_token".equals(grant.grantType())) {
            answer = Answer.refused("unsupported_grant_type", "only refresh grants here");
        } else if (!CLIENT_ID.equals(id) || !clientSecret.equals(secret)) {
            answer = new Answer(401, "{\"error\":\"invalid_client\"}");
        } else {
            answer = byRefreshToken
                    .getOrDefault(grant.refreshToken(), g -> Answer.refused("invalid_grant", "unknown refresh token"))
                    .apply(grant);
        }
        synchronized (this) {
            grants.add(grant);
            answers.add(answer.json());
        }
        var bytes = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private void api(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        var authorization = exchange.getRequestHeaders().getFirst("Authorization");
        boolean accepted = authorization != null
                && authorization.startsWith("Bearer ")
                && acceptedAccessTokens.contains(authorization.substring(7));
        var bytes =
                (accepted ? "{\"items\":[1,2,3]}" : "{\"error\":\"invalid_token\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (!accepted) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        exchange.sendResponseHeaders(accepted ? 200 : 401, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
