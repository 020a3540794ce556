package dev.patchbay.probe.connector;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speaks just enough of the PostgreSQL protocol to show what a client sends: it refuses TLS ({@code N} to an
 * SSLRequest), as a server without TLS or anyone on the path can, or, given a TLS context, accepts it with a
 * certificate of its own; then it asks for the password in clear text (AuthenticationCleartextPassword) and keeps
 * every byte the client sent, up to the password message.
 */
final class CleartextPasswordServer implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;

    private final ServerSocket server;
    private final SSLContext tls;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();

    CleartextPasswordServer() throws IOException {
        this(null);
    }

    /** @param tls the TLS to answer an SSLRequest with, or null to refuse it */
    CleartextPasswordServer(SSLContext tls) throws IOException {
        this.tls = tls;
        server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        var thread = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try (var socket = server.accept()) {
                            connections.incrementAndGet();
                            serve(socket);
                        } catch (IOException endOfOne) {
                            // The client went away, or the server was closed; the next accept tells which.
                        }
                    }
                },
                "cleartext-password-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        var in = new DataInputStream(socket.getInputStream());
        var out = socket.getOutputStream();
        while (true) {
            int length = in.readInt();
            int code = in.readInt();
            var rest = in.readNBytes(Math.max(0, length - 8));
            keep(length, code, rest);
            if (code == SSL_REQUEST && tls != null) {
                out.write('S');
                out.flush();
                var secured = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
                secured.setUseClientMode(false);
                handshakes.incrementAndGet();
                secured.startHandshake();
                in = new DataInputStream(secured.getInputStream());
                out = secured.getOutputStream();
                continue;
            }
            if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                out.write('N');
                out.flush();
                continue;
            }
            break;
        }
        out.write(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 3});
        out.flush();
        int type = in.read();
        int length = in.readInt();
        var body = in.readNBytes(Math.max(0, length - 4));
        synchronized (received) {
            received.write(type);
            received.write(body);
        }
    }

    private void keep(int length, int code, byte[] rest) {
        synchronized (received) {
            received.writeBytes(new byte[] {
                (byte) (length >>> 24),
                (byte) (length >>> 16),
                (byte) (length >>> 8),
                (byte) length,
                (byte) (code >>> 24),
                (byte) (code >>> 16),
                (byte) (code >>> 8),
                (byte) code
            });
            received.writeBytes(rest);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** TLS handshakes begun: the client asked for TLS and got it offered. */
    int handshakes() {
        return handshakes.get();
    }

    /** Everything received so far, as Latin-1 text (a password in clear text shows as itself). */
    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
