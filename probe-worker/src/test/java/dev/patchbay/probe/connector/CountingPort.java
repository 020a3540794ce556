package dev.patchbay.probe.connector;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port on 127.0.0.1 that accepts connections, counts them, and never says a word: it proves that a check did
 * not connect (a count of zero), or stands in for a system that accepts and then does not answer (a timeout).
 */
final class CountingPort implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new ArrayList<>();

    CountingPort() throws IOException {
        this(null);
    }

    /** @param greeting what to write to each connection at once, then close it (null: stay silent) */
    CountingPort(byte[] greeting) throws IOException {
        this(greeting, "127.0.0.1");
    }

    /** A silent port on another loopback address, such as 127.0.0.2 (Linux answers on all of 127.0.0.0/8). */
    static CountingPort on(String address) throws IOException {
        return new CountingPort(null, address);
    }

    private CountingPort(byte[] greeting, String address) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName(address));
        var thread = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            var socket = server.accept();
                            accepted.incrementAndGet();
                            if (greeting != null) {
                                try (socket) {
                                    socket.getOutputStream().write(greeting);
                                }
                                continue;
                            }
                            synchronized (open) {
                                open.add(socket);
                            }
                        } catch (IOException closed) {
                            return;
                        }
                    }
                },
                "counting-port");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code address:port}, as a bootstrap server or an advertised listener names it. */
    String hostAndPort() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (var socket : open) {
                socket.close();
            }
        }
    }

    /** A port on 127.0.0.1 that nothing listens on (bound, then released). */
    static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
