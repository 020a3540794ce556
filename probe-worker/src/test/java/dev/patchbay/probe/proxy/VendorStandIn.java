package dev.patchbay.probe.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local HTTP server on 127.0.0.1 standing in for a vendor's API (Pluggy, Belvo, a REST API), which cannot be
 * reached from here. Each test gives it the vendor's behaviour; it records every request it received, so a test can
 * tell that a refused call reached no vendor at all.
 */
public final class VendorStandIn implements AutoCloseable {

    /** What one request carried. */
    public record Received(String method, String uri, Headers headers, byte[] body) {

        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** The vendor's behaviour: answers one request. */
    @FunctionalInterface
    public interface Behaviour {
        Reply answer(Received request) throws Exception;
    }

    /** An answer: status, body, and header name/value pairs. */
    public record Reply(int status, byte[] body, String... headers) {

        public static Reply of(int status, String body, String... headers) {
            return new Reply(status, body.getBytes(StandardCharsets.UTF_8), headers);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public VendorStandIn(Behaviour behaviour) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> handle(exchange, behaviour));
        server.start();
    }

    private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange) {
            var request = new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null
                                    ? ""
                                    : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders(),
                    exchange.getRequestBody().readAllBytes());
            received.add(request);
            Reply reply;
            try {
                reply = behaviour.answer(request);
            } catch (Exception e) {
                reply = Reply.of(500, "stand-in failed");
            }
            for (int i = 0; i + 1 < reply.headers().length; i += 2) {
                exchange.getResponseHeaders().add(reply.headers()[i], reply.headers()[i + 1]);
            }
            boolean noBody =
                    reply.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
            if (!noBody) {
                exchange.getResponseBody().write(reply.body());
            }
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
