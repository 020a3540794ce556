package dev.patchbay.platform.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener standing for a server a credential must never reach (an attacker's, a forged destination): it
 * records every connection and every byte it is sent, so a test can assert that nothing arrived.
 */
public final class RecordingListener implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final StringBuffer received = new StringBuffer();
    private final Thread acceptor;

    public RecordingListener() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (var socket = server.accept()) {
                            connections.incrementAndGet();
                            socket.setSoTimeout(1000);
                            var buffer = new byte[4096];
                            for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                            }
                        } catch (IOException ignored) {
                            // closed, or the peer went away
                        }
                    }
                },
                "recording-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    public String received() {
        return received.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
