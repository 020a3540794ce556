package dev.patchbay.probe.check;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The SSRF guard: a check reaches a tenant-supplied host only if every address that host stands for is public, or
 * lies in a network that {@code patchbay.probe.allowed-networks} names. The host is resolved once, here; the caller
 * then connects to the {@link Destination} this returns and never looks the name up again.
 *
 * <p>Numeric hosts are read as {@code inet_aton} reads them ({@code 2130706433}, {@code 0177.0.0.1},
 * {@code 0x7f.0.0.1}, {@code 127.1} are all 127.0.0.1), IPv6 addresses that embed an IPv4 one (mapped, compatible,
 * NAT64, 6to4) are judged by the embedded address too, and {@code localhost} and metadata names stand for their
 * fixed addresses without a lookup.
 * Cloud metadata, unspecified, multicast and broadcast addresses are refused even inside an allowed network.
 */
@Component
public final class DestinationGuard {

    /** Resolves a host name to all its addresses; the JDK's resolver in production. */
    @FunctionalInterface
    public interface Resolver {

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final List<Range> BLOCKED = List.of(
            range("0.0.0.0/8", "this network"),
            range("10.0.0.0/8", "private"),
            range("100.64.0.0/10", "shared address space (CGNAT)"),
            range("127.0.0.0/8", "loopback"),
            range("169.254.0.0/16", "link-local"),
            range("172.16.0.0/12", "private"),
            range("192.0.0.0/24", "IETF protocol assignments"),
            range("192.0.2.0/24", "documentation"),
            range("192.88.99.0/24", "6to4 relay"),
            range("192.168.0.0/16", "private"),
            range("198.18.0.0/15", "benchmarking"),
            range("198.51.100.0/24", "documentation"),
            range("203.0.113.0/24", "documentation"),
            range("224.0.0.0/4", "multicast"),
            range("240.0.0.0/4", "reserved"),
            range("::/128", "unspecified"),
            range("::1/128", "loopback"),
            range("64:ff9b:1::/48", "local-use NAT64"),
            range("100::/64", "discard-only"),
            range("2001::/32", "Teredo"),
            range("2001:db8::/32", "documentation"),
            range("fc00::/7", "unique-local"),
            range("fe80::/10", "link-local"),
            range("fec0::/10", "site-local"),
            range("ff00::/8", "multicast"));

    /** Never reachable, whatever networks are allowed. */
    private static final List<Range> ALWAYS_BLOCKED = List.of(
            range("169.254.169.254/32", "metadata"),
            range("169.254.170.2/32", "metadata"),
            range("100.100.100.200/32", "metadata"),
            range("fd00:ec2::254/128", "metadata"),
            range("0.0.0.0/32", "unspecified"),
            range("::/128", "unspecified"),
            range("255.255.255.255/32", "broadcast"),
            range("224.0.0.0/4", "multicast"),
            range("ff00::/8", "multicast"));

    /** Names that mean a fixed address whatever a resolver says: loopback (RFC 6761) and cloud metadata. */
    private static final Set<String> LOOPBACK_NAMES =
            Set.of("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

    private static final Set<String> METADATA_NAMES =
            Set.of("metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal");

    private final List<Cidr> allowed;
    private final Resolver resolver;

    @Autowired
    public DestinationGuard(ProbeProperties properties) {
        this(properties.networks(), InetAddress::getAllByName);
    }

    /** A guard with the networks of {@code properties} and a resolver of its own (tests, or a vetted resolver). */
    public static DestinationGuard of(ProbeProperties properties, Resolver resolver) {
        return new DestinationGuard(properties.networks(), resolver);
    }

    DestinationGuard(List<Cidr> allowed, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = resolver;
    }

    /**
     * Checks a host and port before anything connects to them.
     *
     * @throws DestinationBlocked when the host is, or resolves to, an address the worker must not reach
     * @throws CheckFailed ({@link Failure#UNREACHABLE}) when the name does not resolve
     */
    public Destination check(String host, int port) {
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new DestinationBlocked("no valid host and port");
        }
        var name = host.trim();
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.isEmpty() || name.indexOf('%') >= 0 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new DestinationBlocked("malformed host");
        }
        var bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (bare.indexOf(':') >= 0) {
            var address = IpLiterals.v6(bare);
            if (address == null) {
                throw new DestinationBlocked("malformed IPv6 literal");
            }
            return checked(name, address, port);
        }
        if (IpLiterals.looksNumericV4(bare)) {
            byte[] bytes = IpLiterals.numericV4(bare);
            if (bytes == null) {
                throw new DestinationBlocked("ambiguous numeric host");
            }
            return checked(name, v4(bytes), port);
        }
        var lower = bare.toLowerCase(Locale.ROOT);
        if (LOOPBACK_NAMES.contains(lower) || lower.endsWith(".localhost")) {
            return checked(name, v4(new byte[] {127, 0, 0, 1}), port);
        }
        if (METADATA_NAMES.contains(lower)) {
            return checked(name, v4(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}), port);
        }
        if (IpLiterals.looksNumericV4(lower.substring(lower.lastIndexOf('.') + 1))) {
            // No top-level domain is numeric: this is a malformed address, which resolvers read in different ways.
            throw new DestinationBlocked("ambiguous numeric host");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException | SecurityException unresolved) {
            throw new CheckFailed(Failure.UNREACHABLE);
        }
        if (addresses == null || addresses.length == 0) {
            throw new CheckFailed(Failure.UNREACHABLE);
        }
        // Every address the name has must pass, not just the first: a client elsewhere could pick another one.
        for (var address : addresses) {
            verdict(address);
        }
        return new Destination(name, addresses[0], port);
    }

    private Destination checked(String host, InetAddress address, int port) {
        verdict(address);
        return new Destination(host, address, port);
    }

    /** Throws when the address must not be reached. */
    void verdict(InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] embedded = address instanceof Inet6Address ? embeddedV4(bytes) : null;
        refuseAny(ALWAYS_BLOCKED, bytes);
        if (embedded != null) {
            refuseAny(ALWAYS_BLOCKED, embedded);
        }
        if (allowed(bytes) || embedded != null && allowed(embedded)) {
            return;
        }
        refuseAny(BLOCKED, bytes);
        if (embedded != null) {
            refuseAny(BLOCKED, embedded);
        }
    }

    private boolean allowed(byte[] bytes) {
        return allowed.stream().anyMatch(network -> network.contains(bytes));
    }

    private static void refuseAny(List<Range> ranges, byte[] bytes) {
        for (var range : ranges) {
            if (range.network().contains(bytes)) {
                throw new DestinationBlocked(range.reason());
            }
        }
    }

    /**
     * The IPv4 address inside an IPv6 one, where the IPv6 form only wraps it: IPv4-mapped {@code ::ffff:0:0/96},
     * IPv4-compatible {@code ::/96} (other than {@code ::} and {@code ::1}), NAT64 {@code 64:ff9b::/96} and 6to4
     * {@code 2002::/16}. Null otherwise.
     */
    static byte[] embeddedV4(byte[] v6) {
        if (v6.length != 16) {
            return null;
        }
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= v6[i] == 0;
        }
        if (firstTenZero && (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff) {
            return tail(v6, 12);
        }
        if (firstTenZero && v6[10] == 0 && v6[11] == 0) {
            boolean upperZero = v6[12] == 0 && v6[13] == 0 && v6[14] == 0;
            if (upperZero && (v6[15] == 0 || v6[15] == 1)) {
                return null;
            }
            return tail(v6, 12);
        }
        if (v6[0] == 0 && v6[1] == 0x64 && (v6[2] & 0xff) == 0xff && (v6[3] & 0xff) == 0x9b) {
            boolean middleZero = true;
            for (int i = 4; i < 12; i++) {
                middleZero &= v6[i] == 0;
            }
            if (middleZero) {
                return tail(v6, 12);
            }
        }
        if (v6[0] == 0x20 && v6[1] == 0x02) {
            return tail(v6, 2);
        }
        return null;
    }

    private static byte[] tail(byte[] bytes, int from) {
        return new byte[] {bytes[from], bytes[from + 1], bytes[from + 2], bytes[from + 3]};
    }

    private static InetAddress v4(byte[] bytes) {
        try {
            return Inet4Address.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private record Range(Cidr network, String reason) {}

    private static Range range(String cidr, String reason) {
        return new Range(Cidr.parse(cidr), reason);
    }
}
