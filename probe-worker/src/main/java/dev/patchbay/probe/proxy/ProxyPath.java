package dev.patchbay.probe.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The route {@code /v1/connections/{id}/proxy/{path...}} and the rules that keep {@code {path}} inside the
 * connection's origin. The proxy always connects to the origin's checked address with the origin's own Host header,
 * so no path can move a call elsewhere by itself; these rules refuse anything that would mean another place to the
 * vendor or to a server between (a climb out with {@code ..} or {@code .}, in any encoding; encoded slashes and
 * backslashes; an absolute URL; user info with {@code @}; empty segments; double encoding; control characters), so
 * the path a vendor sees is the path the caller wrote. A refused path never reaches a connection.
 *
 * @param connectionId the id as written (not yet known to be a connection's)
 * @param pathAndQuery the path below the origin and the query, as sent to the vendor: starts with {@code /}
 * @param path the path alone (what the audit records)
 */
record ProxyPath(String connectionId, String pathAndQuery, String path) {

    /** The route's prefix. */
    static final String PREFIX = "/v1/connections/";

    private static final String PROXY = "/proxy";

    /** The characters RFC 3986 allows in a path segment (unreserved, sub-delims, ':', '%' of an escape), minus '@'. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:%]*");

    /** Those of a query: also '/' and '?', and '@'. */
    private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9\\-._~!$&'()*+,;=:%@/?]*");

    /** A first segment that reads as a URL scheme: {@code http:}, {@code https:}, {@code javascript:} ... */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*:.*");

    private static final int MAX_LENGTH = 4096;

    /** Why a path was refused: said to the caller, never naming the path back. */
    static final class Refused extends RuntimeException {

        private final String connectionId;
        private final String path;

        Refused(String reason) {
            this(reason, null, null);
        }

        private Refused(String reason, String connectionId, String path) {
            super(reason, null, false, false);
            this.connectionId = connectionId;
            this.path = path;
        }

        /** The id the refused route named, as written. */
        String connectionId() {
            return connectionId;
        }

        /** The refused path as written (for the audit), at most 512 characters. */
        String path() {
            return path;
        }
    }

    /**
     * The proxy route a request URI names, or empty when it names none (then 404).
     *
     * @throws Refused when it is a proxy route whose path or query breaks a rule
     */
    static Optional<ProxyPath> of(String rawUri) {
        if (rawUri == null || !rawUri.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int fragment = rawUri.indexOf('#');
        int question = rawUri.indexOf('?');
        var rawPath = question < 0 ? rawUri : rawUri.substring(0, question);
        int slash = rawPath.indexOf('/', PREFIX.length());
        if (slash < 0) {
            return Optional.empty();
        }
        var id = rawPath.substring(PREFIX.length(), slash);
        var afterId = rawPath.substring(slash);
        if (id.isEmpty() || !(afterId.equals(PROXY) || afterId.startsWith(PROXY + "/"))) {
            return Optional.empty();
        }
        var path = afterId.substring(PROXY.length());
        if (path.isEmpty()) {
            path = "/";
        }
        try {
            if (fragment >= 0) {
                throw new Refused("a fragment (#) is never sent to a server");
            }
            if (rawUri.length() > MAX_LENGTH) {
                throw new Refused("the path and query are longer than " + MAX_LENGTH + " characters");
            }
            checkPath(path);
            var query = question < 0 ? null : rawUri.substring(question + 1);
            if (query != null) {
                checkQuery(query);
            }
            return Optional.of(new ProxyPath(id, query == null ? path : path + "?" + query, path));
        } catch (Refused refused) {
            var shown = path.length() > 512 ? path.substring(0, 512) : path;
            throw new Refused(refused.getMessage(), id, shown);
        }
    }

    private static void checkPath(String path) {
        if (path.indexOf('\\') >= 0) {
            throw new Refused("a backslash");
        }
        if (path.indexOf('@') >= 0) {
            throw new Refused("an @");
        }
        var segments = path.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            var raw = segments[i];
            if (raw.isEmpty()) {
                if (i == segments.length - 1) {
                    continue; // a trailing slash
                }
                throw new Refused("an empty segment (//)");
            }
            if (!SEGMENT.matcher(raw).matches()) {
                throw new Refused("a character that must be percent-encoded");
            }
            var decoded = decode(raw);
            if (decoded.equals(".") || decoded.equals("..")) {
                throw new Refused("a dot segment (. or ..)");
            }
            if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
                throw new Refused("an encoded slash or backslash");
            }
            if (decoded.indexOf('@') >= 0) {
                throw new Refused("an @");
            }
            if (decoded.indexOf('%') >= 0) {
                throw new Refused("a double percent-encoding");
            }
            if (i == 0 && SCHEME.matcher(decoded).matches()) {
                throw new Refused("an absolute URL");
            }
        }
    }

    private static void checkQuery(String query) {
        if (!QUERY.matcher(query).matches()) {
            throw new Refused("a character in the query that must be percent-encoded");
        }
        decode(query);
    }

    /**
     * Strict percent-decoding: a malformed escape or a control character (CR, LF, NUL, ...) once decoded is refused.
     */
    static String decode(String raw) {
        var out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new Refused("a malformed percent-encoding");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new Refused("a malformed percent-encoding");
                }
                int value = high * 16 + low;
                if (value < 0x20 || value == 0x7f) {
                    throw new Refused("an encoded control character");
                }
                out.write(value);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
