package dev.patchbay.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A local stand-in for Pluggy's API: {@code POST /auth} with {@code {"clientId", "clientSecret"}} answers 200
 * {@code {"apiKey": "..."}}, as the real one does for a good key pair; anything else is 401 or 404. Listens on
 * 127.0.0.1 only, on a free port.
 */
final class PluggyStandIn implements AutoCloseable {

    private final HttpServer server;
    final LongAdder logins = new LongAdder();
    final LongAdder refused = new LongAdder();

    PluggyStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8, Api.daemon("pluggy")));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!exchange.getRequestURI().getPath().equals("/auth")) {
                answer(exchange, 404, "{\"message\":\"not found\"}");
            }
            else if (!exchange.getRequestMethod().equals("POST") || !body.contains("\"clientId\"")
                    || !body.contains("\"clientSecret\"")) {
                refused.increment();
                answer(exchange, 401, "{\"message\":\"invalid credentials\",\"code\":401}");
            }
            else {
                logins.increment();
                answer(exchange, 200, "{\"apiKey\":\"bench-" + Api.secret() + "\"}");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
