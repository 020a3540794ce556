package dev.patchbay.probe.check;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * An address the guard has checked, with the host name it was reached under. Every connection of a check goes to
 * {@link #address()}: a second lookup of the name could answer differently (DNS rebinding).
 *
 * @param host the host as the connection names it (for Host headers, TLS SNI and certificate checks)
 * @param address the checked address, the only one to connect to
 */
public record Destination(String host, InetAddress address, int port) {

    /**
     * The checked address as a socket address that also carries the host name, without any lookup: a TLS client
     * takes SNI and the certificate's expected name from it, and connects to the checked bytes.
     */
    public InetSocketAddress socketAddress() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(host, address.getAddress()), port);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("an address of " + address.getAddress().length + " bytes");
        }
    }

    /** The checked address as a URL host: {@code 203.0.113.7} or {@code [2001:db8::7]}. */
    public String ipLiteral() {
        var text = address.getHostAddress();
        int zone = text.indexOf('%');
        if (zone >= 0) {
            text = text.substring(0, zone);
        }
        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }
}
