package dev.patchbay.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 that accepts, writes the first bytes of a long message and then one more byte every
 * {@code interval}, forever: each read of the client returns in time, so no per-read socket timeout ever fires. A
 * stand-in for a hostile or broken database server, which no real server here can be made into. It counts the
 * connections it accepted and those the client has closed.
 */
public final class Tarpit implements AutoCloseable {

    /** A PostgreSQL ErrorResponse of 4 KiB announced after the startup message, then dribbled. */
    public static final byte[] POSTGRESQL = {'E', 0, 0, 0x10, 4};

    /** A MySQL protocol packet header announcing a 4 KiB handshake packet, then dribbled. */
    public static final byte[] MYSQL = {0, 0x10, 0, 0};

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    public Tarpit(byte[] greeting, Duration interval) throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"));
        var acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            var socket = server.accept();
                            accepted.incrementAndGet();
                            synchronized (sockets) {
                                sockets.add(socket);
                            }
                            daemon(() -> drainUntilClosed(socket), "tarpit-read")
                                    .start();
                            daemon(() -> dribble(socket, greeting, interval), "tarpit-write")
                                    .start();
                        } catch (IOException closed) {
                            return;
                        }
                    }
                },
                "tarpit");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    /** Connections that are still open: accepted, and not yet closed by the client. */
    public int open() {
        return accepted.get() - closedByClient.get();
    }

    private void drainUntilClosed(Socket socket) {
        try (var in = socket.getInputStream()) {
            var buffer = new byte[1024];
            while (in.read(buffer) >= 0) {
                // What the client says does not matter; only when it goes.
            }
        } catch (IOException gone) {
            // Reset or closed: the client has gone either way.
        }
        closedByClient.incrementAndGet();
    }

    private static void dribble(Socket socket, byte[] greeting, Duration interval) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(greeting);
            out.flush();
            while (!socket.isClosed()) {
                Thread.sleep(interval.toMillis());
                out.write('x');
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // The client closed the connection, or the tarpit was closed.
        }
    }

    private static Thread daemon(Runnable task, String name) {
        var thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (var socket : sockets) {
                socket.close();
            }
        }
    }
}
