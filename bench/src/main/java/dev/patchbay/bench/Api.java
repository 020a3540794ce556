package dev.patchbay.bench;

import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of the driver: Reactor Netty's client on HTTP/1.1 with pooled keep-alive connections, loopback
 * addresses only. The phases call it from plain threads that wait for each answer ({@link #get}, {@link #post});
 * the read phases, which must go fastest, have their load sent by wrk instead ({@link Wrk}). Not the JDK's
 * HttpClient: at concurrency 32 it cost about 0.6 ms of CPU per request here, against about 0.14 ms for this.
 */
final class Api {

    /** What a call answered: its status and body; status -1 when it failed without an answer. */
    record Answer(int status, String body) {
    }

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient client;
    final String command;
    final String query;
    private final Duration timeout;

    Api(String command, String query, Duration timeout) {
        requireLoopback(command);
        requireLoopback(query);
        this.command = command;
        this.query = query;
        this.timeout = timeout;
        var pool = ConnectionProvider.builder("bench").maxConnections(512).pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(20)).build();
        this.client = HttpClient.create(pool).responseTimeout(timeout).keepAlive(true).compress(false);
    }

    static void requireLoopback(String url) {
        var host = URI.create(url).getHost();
        if (host == null || !(host.startsWith("127.") || host.equals("localhost") || host.equals("[::1]"))) {
            throw new IllegalArgumentException("only loopback targets are benchmarked, not " + url);
        }
    }

    Answer post(String url, String token, String json) {
        return await(send(HttpMethod.POST, url, token, json));
    }

    Answer patch(String url, String token, String json) {
        return await(send(HttpMethod.PATCH, url, token, json));
    }

    Answer get(String url, String token) {
        return await(send(HttpMethod.GET, url, token, null));
    }

    private Answer await(Mono<Answer> answer) {
        try {
            return answer.block(timeout.plusSeconds(5));
        }
        catch (RuntimeException e) {
            return new Answer(-1, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Mono<Answer> send(HttpMethod method, String url, String token, String json) {
        // headers set on the request itself: client.headers(...) would copy the client's configuration every time
        return client.request(method).uri(url).send((request, out) -> {
            request.header("Authorization", "Bearer " + token).header("Accept", "application/json");
            if (json == null) {
                return out;
            }
            var bytes = json.getBytes(StandardCharsets.UTF_8);
            request.header("Content-Type", "application/json").header("Content-Length",
                    Integer.toString(bytes.length));
            return out.sendByteArray(Mono.just(bytes));
        }).responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .map(text -> new Answer(response.status().code(), text)))
                .onErrorResume(e -> Mono.just(new Answer(-1, e.getClass().getSimpleName() + ": " + e.getMessage())));
    }

    /** POST /v1/connections of a postgresql connection, the shape of a real create (about 300 bytes). */
    Answer createDatabaseConnection(String token, String configName) {
        return post(command + "/v1/connections", token, "{\"vendor\":\"postgresql\",\"config_name\":\"" + configName
                + "\",\"display_name\":\"Warehouse " + configName + "\",\"config\":{\"host\":\"127.0.0.1\","
                + "\"port\":5432,\"database\":\"warehouse\",\"tls_mode\":\"disable\"},"
                + "\"metadata\":{\"team\":\"bench\",\"cost_center\":\"42\"},"
                + "\"credential\":{\"username\":\"bench_reader\",\"password\":\"" + secret() + "\"}}");
    }

    /** POST /v1/connections of a pluggy connection whose base URL is the stand-in vendor. */
    Answer createPluggyConnection(String token, String configName, String baseUrl) {
        return post(command + "/v1/connections", token, "{\"vendor\":\"pluggy\",\"config_name\":\"" + configName
                + "\",\"display_name\":\"Pluggy " + configName + "\",\"base_url\":\"" + baseUrl + "\","
                + "\"account_ref\":\"item-" + configName + "\",\"credential\":{\"client_id\":\"client-" + configName
                + "\",\"secret\":\"" + secret() + "\"}}");
    }

    /** POST /v1/connections of a rest_api connection (bearer token) whose base URL is the stand-in vendor. */
    Answer createRestConnection(String token, String configName, String baseUrl) {
        return post(command + "/v1/connections", token, "{\"vendor\":\"rest_api\",\"config_name\":\"" + configName
                + "\",\"base_url\":\"" + baseUrl + "\",\"credential\":{\"token\":\"" + secret() + "\"}}");
    }

    static String secret() {
        var bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String id(String body) {
        Matcher m = ID.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    static String field(String body, String name) {
        var m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}\\]]+)")
                .matcher(body);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1).trim();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        var counter = new java.util.concurrent.atomic.AtomicInteger();
        return runnable -> {
            var thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
