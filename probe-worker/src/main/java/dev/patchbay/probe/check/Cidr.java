package dev.patchbay.probe.check;

import java.net.InetAddress;
import java.util.Arrays;

/** A network, {@code 10.0.0.0/8} or {@code fd00::/8}: an address family, a prefix of bits, and nothing to resolve. */
record Cidr(byte[] network, int prefixLength) {

    Cidr {
        network = network.clone();
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
    }

    /**
     * Parses {@code address/prefix} (or a lone address, a network of one). The address must be a canonical IPv4
     * dotted quad or an IPv6 literal: a configuration never makes the worker resolve a name.
     */
    static Cidr parse(String text) {
        var trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        var address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = IpLiterals.canonical(address);
        if (bytes == null) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a network: write a.b.c.d/n or an IPv6 " + "literal/n");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            var digits = trimmed.substring(slash + 1);
            if (!digits.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            prefix = Integer.parseInt(digits);
        }
        if (prefix > bytes.length * 8) {
            throw new IllegalArgumentException("'" + text + "' has a prefix longer than its address");
        }
        return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && that.prefixLength == prefixLength && Arrays.equals(that.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (java.net.UnknownHostException impossible) {
            return "?/" + prefixLength;
        }
    }
}
