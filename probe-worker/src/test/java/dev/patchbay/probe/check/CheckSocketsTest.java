package dev.patchbay.probe.check;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckSocketsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void aSocketConnectsToTheCheckedAddressWhateverTheNameResolvesTo() throws Exception {
        try (var server = new ServerSocket(0, 5, LOOPBACK);
                var lease = CheckSockets.lease(
                        new Destination("db.example.com", LOOPBACK, server.getLocalPort()), "db.example.com")) {
            // As the drivers do: an unresolved or resolved address under the URL's host name, then connect.
            try (var socket = new CheckSockets(lease.key()).createSocket()) {
                socket.connect(InetSocketAddress.createUnresolved("db.example.com", server.getLocalPort()), 2000);

                assertThat(socket.getInetAddress()).isEqualTo(LOOPBACK);
                assertThat(lease.connected()).isTrue();
            }
        }
    }

    @Test
    void anotherHostOrPortThanTheCheckedOneIsRefused() throws Exception {
        try (var server = new ServerSocket(0, 5, LOOPBACK);
                var lease = CheckSockets.lease(
                        new Destination("db.example.com", LOOPBACK, server.getLocalPort()), "db.example.com")) {
            var factory = new CheckSockets(lease.key());

            assertThatThrownBy(() -> factory.createSocket()
                            .connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 2000))
                    .isInstanceOf(SocketException.class);
            assertThatThrownBy(() -> factory.createSocket()
                            .connect(
                                    InetSocketAddress.createUnresolved("db.example.com", server.getLocalPort() + 1),
                                    2000))
                    .isInstanceOf(SocketException.class);
            assertThatThrownBy(() -> factory.createSocket("db.example.com", server.getLocalPort()))
                    .isInstanceOf(SocketException.class);
            assertThat(lease.connected()).isFalse();
        }
    }

    @Test
    void noSocketWithoutARunningCheck() throws Exception {
        var lease = CheckSockets.lease(new Destination("h", LOOPBACK, 5432), "h");
        var ended = new CheckSockets(lease.key());
        lease.close();

        assertThatThrownBy(() -> ended.createSocket().connect(InetSocketAddress.createUnresolved("h", 5432)))
                .isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> new CheckSockets(lease.key()).createSocket()).isInstanceOf(SocketException.class);
        assertThatThrownBy(() -> new CheckSockets().createSocket()).isInstanceOf(SocketException.class);
    }

    @Test
    void theDeadlineClosesTheChecksSocketsAndRefusesNewOnes() throws Exception {
        try (var server = new ServerSocket(0, 5, LOOPBACK);
                var lease = CheckSockets.lease(new Destination("db", LOOPBACK, server.getLocalPort()), "db")) {
            var factory = new CheckSockets(lease.key());
            var socket = factory.createSocket();
            socket.connect(InetSocketAddress.createUnresolved("db", server.getLocalPort()), 2000);

            lease.expire();

            assertThat(socket.isClosed()).isTrue();
            assertThat(lease.expired()).isTrue();
            assertThatThrownBy(() -> factory.createSocket()
                            .connect(InetSocketAddress.createUnresolved("db", server.getLocalPort()), 2000))
                    .isInstanceOf(SocketException.class);
        }
    }
}
