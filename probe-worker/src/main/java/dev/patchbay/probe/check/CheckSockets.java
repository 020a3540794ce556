package dev.patchbay.probe.check;

import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The socket factory of the database checks, handed to PgJDBC ({@code socketFactory}, with the check's key as
 * {@code socketFactoryArg}) and to MariaDB Connector/J ({@code socketFactory}, with the key as the option
 * {@value #LEASE_OPTION}). Every socket it makes belongs to one check's {@link Lease}, so that:
 *
 * <ul>
 * <li>the check's deadline can close exactly that check's sockets: a server that sends a byte every few seconds
 * never lets a per-read socket timeout fire, and would otherwise hold the check's thread for as long as it likes;</li>
 * <li>a socket connects only to the address the guard checked, whatever the driver asks for, so the URL may carry
 * the host's name (which TLS verifies) without the driver looking it up again.</li>
 * </ul>
 *
 * <p>The drivers make the factory themselves, by class name (hence public, with public constructors), and hand it
 * only a string; the key, a random UUID, finds the lease in a map that holds a check's lease only while it runs.
 */
public final class CheckSockets extends ConfigurableSocketFactory {

    /** MariaDB Connector/J's option for the key: it passes options it does not know to the factory. */
    static final String LEASE_OPTION = "patchbayCheck";

    private static final Map<String, Lease> LEASES = new ConcurrentHashMap<>();

    private Lease lease;

    /** For MariaDB Connector/J, which then calls {@link #setConfiguration}. */
    public CheckSockets() {}

    /** For PgJDBC, with {@code socketFactoryArg}. */
    public CheckSockets(String key) {
        this.lease = key == null ? null : LEASES.get(key);
    }

    @Override
    public void setConfiguration(Configuration configuration, String host) {
        var key = configuration.nonMappedOptions().getProperty(LEASE_OPTION);
        this.lease = key == null ? null : LEASES.get(key);
    }

    @Override
    public Socket createSocket() throws SocketException {
        if (lease == null) {
            throw new SocketException("no running check owns this connection");
        }
        return new PinnedSocket(lease);
    }

    @Override
    public Socket createSocket(String host, int port) throws SocketException {
        throw connectedSocketsRefused();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws SocketException {
        throw connectedSocketsRefused();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws SocketException {
        throw connectedSocketsRefused();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws SocketException {
        throw connectedSocketsRefused();
    }

    private static SocketException connectedSocketsRefused() {
        // Both drivers ask for an unconnected socket and connect it; any other way would bypass the pinning.
        return new SocketException("only unconnected sockets");
    }

    /**
     * Starts a check's lease: the sockets the drivers make for {@code key()} connect to {@code destination} only,
     * and only when the driver names it as {@code urlHost}.
     */
    static Lease lease(Destination destination, String urlHost) {
        var lease = new Lease(destination, urlHost);
        LEASES.put(lease.key(), lease);
        return lease;
    }

    /** One check's sockets, from its start to its end or its deadline. */
    static final class Lease implements AutoCloseable {

        private final String key = UUID.randomUUID().toString();
        private final Destination destination;
        private final String urlHost;
        private final List<Socket> sockets = new ArrayList<>();
        private boolean expired;
        private boolean closed;
        private volatile boolean connected;

        private Lease(Destination destination, String urlHost) {
            this.destination = destination;
            // The drivers take an IPv6 literal's brackets off before they connect.
            this.urlHost = urlHost.startsWith("[") && urlHost.endsWith("]")
                    ? urlHost.substring(1, urlHost.length() - 1)
                    : urlHost;
        }

        String key() {
            return key;
        }

        /** The deadline: closes every socket of the check, and refuses new ones. */
        void expire() {
            synchronized (this) {
                expired = true;
            }
            closeAll();
        }

        synchronized boolean expired() {
            return expired;
        }

        /** Whether a socket of the check reached the server: what failed after that was the server's answer. */
        boolean connected() {
            return connected;
        }

        @Override
        public void close() {
            LEASES.remove(key);
            synchronized (this) {
                closed = true;
            }
            closeAll();
        }

        private void closeAll() {
            List<Socket> open;
            synchronized (this) {
                open = List.copyOf(sockets);
                sockets.clear();
            }
            for (var socket : open) {
                try {
                    socket.close();
                } catch (IOException alreadyGone) {
                    // Nothing to do: the socket is closed either way.
                }
            }
        }

        private synchronized void add(Socket socket) throws SocketException {
            if (expired || closed) {
                throw new SocketException("the check has ended");
            }
            sockets.add(socket);
        }

        private InetSocketAddress pinned(SocketAddress requested) throws SocketException {
            if (!(requested instanceof InetSocketAddress address)
                    || address.getPort() != destination.port()
                    || !address.getHostString().equals(urlHost)) {
                throw new SocketException("not the checked destination");
            }
            return new InetSocketAddress(destination.address(), destination.port());
        }
    }

    /** A socket that connects only to its lease's checked address, and that the lease can close. */
    private static final class PinnedSocket extends Socket {

        private final Lease lease;

        PinnedSocket(Lease lease) {
            this.lease = lease;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            var pinned = lease.pinned(endpoint);
            lease.add(this);
            super.connect(pinned, timeout);
            lease.connected = true;
        }
    }
}
