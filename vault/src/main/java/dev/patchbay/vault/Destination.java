package dev.patchbay.vault;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a credential is sent: the canonical form of everything in a connection's descriptor that decides where bytes
 * go, and its digest, which is part of the credential's encryption context. A credential sealed for one destination
 * does not open for another, so no change of a connection's descriptor, and no forged probe request, can point a
 * stored credential at a new server.
 * <p>
 * The rule is the same for every connector type, and errs on the side of binding: the origin of {@code base_url}
 * (scheme, host and port; not its path) and <em>every</em> config field, except those the type names as not
 * deciding where bytes go (a database name on the same server, an HTTP path on the same origin). A field a type
 * forgets to name is therefore bound, never free. Values are normalised only where the checks treat them as equal:
 * a blank or null field is absent, a number and its digits are one value, bootstrap server lists are sets, a URL's
 * scheme and host are case-insensitive.
 */
public final class Destination {

    private final String canonical;
    private final String digest;

    private Destination(String canonical) {
        this.canonical = canonical;
        this.digest = digestOf(canonical);
    }

    /**
     * @param configOutside the config fields that, for this connector type, do not decide where bytes go
     * @param baseUrl the connection's base URL, or null
     * @param config its non-secret config, or null
     */
    public static Destination of(Collection<String> configOutside, String baseUrl, Map<String, ?> config) {
        var parts = new TreeMap<String, String>();
        if (baseUrl != null && !baseUrl.isBlank()) {
            parts.put("base_url", origin(baseUrl.trim()));
        }
        if (config != null) {
            Set<String> outside = configOutside == null ? Set.of() : Set.copyOf(configOutside);
            config.forEach((name, value) -> {
                if (!outside.contains(name)) {
                    var text = canonicalValue(name, value);
                    if (text != null) {
                        parts.put("config." + name, text);
                    }
                }
            });
        }
        var out = new StringBuilder();
        parts.forEach((name, value) -> out.append(name.length())
                .append(':')
                .append(name)
                .append('=')
                .append(value.length())
                .append(':')
                .append(value)
                .append('\n'));
        return new Destination(out.toString());
    }

    /** The digest that goes into the encryption context and is stored beside the sealed row. */
    public String digest() {
        return digest;
    }

    /** The canonical text the digest is taken of: non-secret, for tests and diagnosis. */
    String canonical() {
        return canonical;
    }

    /** scheme://host:port of a URL, with the default port filled in; the raw text when it is not such a URL. */
    static String origin(String url) {
        try {
            var uri = new URI(url);
            var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            var host = uri.getHost();
            if (host == null || scheme.isEmpty()) {
                return "raw:" + url;
            }
            int port =
                    uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            var userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
            return scheme + "://" + userInfo + host.toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return "raw:" + url;
        }
    }

    private static String canonicalValue(String name, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            var trimmed = text.trim();
            if (trimmed.isEmpty()) {
                return null;
            }
            if (name.equals("bootstrap_servers")) {
                var servers = new TreeSet<String>();
                for (var server : trimmed.split(",")) {
                    if (!server.isBlank()) {
                        servers.add(server.trim().toLowerCase(Locale.ROOT));
                    }
                }
                return "servers:" + String.join(",", servers);
            }
            return trimmed.matches("[0-9]{1,18}") ? "n:" + Long.parseLong(trimmed) : "s:" + trimmed;
        }
        if (value instanceof Number number) {
            try {
                var decimal = new BigDecimal(number.toString()).stripTrailingZeros();
                return "n:"
                        + (decimal.scale() <= 0 ? decimal.toBigIntegerExact().toString() : decimal.toPlainString());
            } catch (NumberFormatException | ArithmeticException e) {
                return "n:" + number;
            }
        }
        if (value instanceof Boolean bool) {
            return "b:" + bool;
        }
        if (value instanceof Map<?, ?> map) {
            var sorted = new TreeMap<String, String>();
            map.forEach((key, inner) -> {
                var text = canonicalValue(String.valueOf(key), inner);
                if (text != null) {
                    sorted.put(String.valueOf(key), text);
                }
            });
            var out = new StringBuilder("{");
            sorted.forEach((key, text) -> out.append(key.length())
                    .append(':')
                    .append(key)
                    .append('=')
                    .append(text.length())
                    .append(':')
                    .append(text)
                    .append(';'));
            return out.append('}').toString();
        }
        if (value instanceof Collection<?> list) {
            var out = new StringBuilder("[");
            for (var item : List.copyOf(list)) {
                var text = canonicalValue("", item);
                text = text == null ? "null" : text;
                out.append(text.length()).append(':').append(text).append(';');
            }
            return out.append(']').toString();
        }
        return "o:" + value;
    }

    private static String digestOf(String canonical) {
        try {
            var sha = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Destination that && canonical.equals(that.canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    /** The digest only: a config value is not secret, but a destination is logged by reference, never spelt out. */
    @Override
    public String toString() {
        return "Destination(" + digest + ")";
    }
}
