package dev.patchbay.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A stand-in for a vendor's REST API (the real ones cannot be reached from here), for the proxy phase: every GET
 * answers 200 with the same JSON item of about 600 bytes, as a vendor's read of one item would. The direct calls and
 * the proxied ones reach this same server in the same run, so what the proxy adds is the difference. 127.0.0.1 only.
 */
final class VendorStandIn implements AutoCloseable {

    private static final byte[] ITEM = ("{\"id\":\"5f0f5c2e-item\",\"connector\":{\"id\":201,\"name\":\"Bench Bank\"},"
            + "\"status\":\"UPDATED\",\"executionStatus\":\"SUCCESS\",\"createdAt\":\"2026-11-24T10:00:00.000Z\","
            + "\"updatedAt\":\"2026-12-07T10:00:00.000Z\",\"lastUpdatedAt\":\"2026-12-07T10:00:00.000Z\","
            + "\"webhookUrl\":null,\"clientUserId\":\"cus_000042\",\"consecutiveFailedLoginAttempts\":0,"
            + "\"statusDetail\":{\"accounts\":{\"isUpdated\":true,\"lastUpdatedAt\":\"2026-12-07T10:00:00.000Z\"},"
            + "\"transactions\":{\"isUpdated\":true,\"lastUpdatedAt\":\"2026-12-07T10:00:00.000Z\"},"
            + "\"investments\":null,\"identity\":null,\"creditCards\":null},\"parameter\":null,\"error\":null,"
            + "\"products\":[\"ACCOUNTS\",\"TRANSACTIONS\"],\"userAction\":null,\"nextAutoSyncAt\":null}")
            .getBytes(StandardCharsets.UTF_8);

    static {
        // The JDK's server writes the headers and the body apart: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold each keep-alive answer for tens of milliseconds.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;

    VendorStandIn(int threads) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(threads, Api.daemon("vendor")));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, ITEM.length);
            exchange.getResponseBody().write(ITEM);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
