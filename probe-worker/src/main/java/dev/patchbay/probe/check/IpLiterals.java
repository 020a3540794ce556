package dev.patchbay.probe.check;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Reads IP address literals the way the C library's {@code inet_aton} does, so that {@code 2130706433},
 * {@code 0177.0.0.1}, {@code 0x7f.0.0.1} and {@code 127.1} are all seen as the 127.0.0.1 they mean to a resolver or
 * a URL parser elsewhere, and none of them is mistaken for a host name. No method here ever resolves a name.
 */
final class IpLiterals {

    /** One to four parts, each decimal, octal (leading 0) or hex (0x): anything else is a name. */
    private static final Pattern NUMERIC_V4 =
            Pattern.compile("(?:0[xX][0-9a-fA-F]*|[0-9]+)(?:\\.(?:0[xX][0-9a-fA-F]*|[0-9]+)){0,3}");

    private static final Pattern CANONICAL_V4 = Pattern.compile(
            "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private IpLiterals() {}

    /** Whether the host is written as numbers and dots only, in any base: then it is an IPv4 literal or invalid. */
    static boolean looksNumericV4(String host) {
        return NUMERIC_V4.matcher(host).matches();
    }

    /**
     * The four bytes an {@code inet_aton}-style numeric host stands for, or null when it is numeric but not a valid
     * address (a part out of range, a bad octal digit): such a host is refused, never resolved.
     */
    static byte[] numericV4(String host) {
        if (!looksNumericV4(host)) {
            return null;
        }
        var parts = host.split("\\.", -1);
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long value = part(parts[i]);
            if (value == null) {
                return null;
            }
            values[i] = value;
        }
        long address;
        switch (parts.length) {
            case 1:
                address = values[0];
                if (address > 0xffffffffL) {
                    return null;
                }
                break;
            case 2:
                if (values[0] > 0xff || values[1] > 0xffffffL) {
                    return null;
                }
                address = values[0] << 24 | values[1];
                break;
            case 3:
                if (values[0] > 0xff || values[1] > 0xff || values[2] > 0xffffL) {
                    return null;
                }
                address = values[0] << 24 | values[1] << 16 | values[2];
                break;
            default:
                for (long value : values) {
                    if (value > 0xff) {
                        return null;
                    }
                }
                address = values[0] << 24 | values[1] << 16 | values[2] << 8 | values[3];
        }
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long part(String part) {
        try {
            // Plain branches on purpose: a conditional mixing 0L and null unboxes the null (found by fuzzing).
            if (part.startsWith("0x") || part.startsWith("0X")) {
                var hex = part.substring(2);
                if (hex.isEmpty()) {
                    return 0L;
                }
                if (hex.length() > 8) {
                    return null;
                }
                return Long.parseLong(hex, 16);
            }
            if (part.length() > 1 && part.startsWith("0")) {
                if (part.length() > 12) {
                    return null;
                }
                return Long.parseLong(part.substring(1), 8);
            }
            if (part.length() > 10) {
                return null;
            }
            return Long.parseLong(part);
        } catch (NumberFormatException badDigit) {
            return null;
        }
    }

    /** An IPv6 literal (without brackets), parsed without any lookup; null when it is not one. */
    static InetAddress v6(String host) {
        if (host.indexOf(':') < 0 || host.indexOf('%') >= 0 || !host.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            // With a colon in it, the JDK parses a literal and never asks a resolver.
            var address = InetAddress.getByName(host);
            return address;
        } catch (UnknownHostException notALiteral) {
            return null;
        }
    }

    /** The bytes of a canonical IPv4 dotted quad or an IPv6 literal (configuration), else null. */
    static byte[] canonical(String text) {
        if (CANONICAL_V4.matcher(text).matches()) {
            return numericV4(text);
        }
        var v6 = v6(text);
        if (v6 == null) {
            return null;
        }
        var bytes = v6.getAddress();
        if (bytes.length == 4) {
            // The JDK turns ::ffff:a.b.c.d into an IPv4 address; a configured network keeps the form it was given.
            var mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            return mapped;
        }
        return bytes;
    }

    static boolean isV6(InetAddress address) {
        return address instanceof Inet6Address;
    }
}
