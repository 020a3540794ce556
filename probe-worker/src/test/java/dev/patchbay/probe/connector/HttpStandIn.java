package dev.patchbay.probe.connector;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 that stands in for a vendor's API (Pluggy, Belvo, a REST API, a webhook
 * endpoint), which cannot be reached from here. Each test gives it the vendor's behaviour as a handler; it records
 * what it received.
 */
final class HttpStandIn implements AutoCloseable {

    /** What one request carried. */
    record Received(String method, String path, Headers headers, String body) {}

    @FunctionalInterface
    interface Behaviour {

        /** Answers one request: status, response headers set on the exchange, body. */
        Reply answer(Received request);
    }

    record Reply(int status, String body, String... headers) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final boolean byContentLengthOnly;

    HttpStandIn(Behaviour behaviour) throws IOException {
        this(behaviour, false);
    }

    /**
     * @param byContentLengthOnly reads a request body by its {@code Content-Length} only, as some vendors' servers
     *     do: a chunked request is answered 411 Length Required, and without the header the body is empty
     */
    HttpStandIn(Behaviour behaviour, boolean byContentLengthOnly) throws IOException {
        this.byContentLengthOnly = byContentLengthOnly;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> handle(exchange, behaviour));
        server.start();
    }

    private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange) {
            if (byContentLengthOnly && exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
                received.add(new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().toString(),
                        exchange.getRequestHeaders(),
                        ""));
                exchange.sendResponseHeaders(411, -1);
                return;
            }
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (byContentLengthOnly && !exchange.getRequestHeaders().containsKey("Content-Length")) {
                body = "";
            }
            var request = new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(),
                    body);
            received.add(request);
            var reply = behaviour.answer(request);
            for (int i = 0; i + 1 < reply.headers().length; i += 2) {
                exchange.getResponseHeaders().add(reply.headers()[i], reply.headers()[i + 1]);
            }
            var bytes = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
            boolean noBody = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : bytes.length);
            if (!noBody) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Received> received() {
        return received;
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
