package dev.patchbay.probe.proxy;

import dev.patchbay.probe.check.Injection;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers cross the proxy, each way, and whether an answer holds the credential.
 *
 * <p>Towards the vendor: never the caller's own credentials ({@code Authorization}, {@code Proxy-Authorization},
 * cookies), never hop-by-hop or framing headers (the proxy frames its own request), never what would tell the vendor
 * about the caller's network ({@code Forwarded}, {@code X-Forwarded-*}, {@code Via}); then the connection's metadata
 * as headers (its {@code header.<Name>} entries, where the caller sent no such header) and last the credential,
 * which overrides anything of the same name.
 *
 * <p>Towards the caller: never the vendor's cookies ({@code Set-Cookie}) nor hop-by-hop headers; the body's framing
 * is the proxy's own.
 */
final class HeaderRules {

    /**
     * The shortest secret value looked for in answers. A shorter one (a one-letter client id) would be found in
     * nearly every answer's date or body by chance, refusing them all while protecting nothing: no secret that
     * short is a secret.
     */
    static final int SHORTEST_SECRET = 8;

    /** The metadata entries that become request headers: {@code "header.X-Customer": "cus_42"}. */
    static final String METADATA_HEADER_PREFIX = "header.";

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "trailers",
            "transfer-encoding",
            "upgrade");

    private static final Set<String> NEVER_TO_VENDOR = Set.of(
            "authorization",
            "proxy-authorization",
            "cookie",
            "cookie2",
            "host",
            "content-length",
            "expect",
            "accept-encoding",
            "forwarded",
            "via",
            "x-real-ip");

    private static final Set<String> NEVER_TO_CALLER =
            Set.of("set-cookie", "set-cookie2", "content-length", "content-encoding", "proxy-authenticate");

    /** An HTTP field name (RFC 9110 token). */
    private static final java.util.regex.Pattern FIELD_NAME =
            java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private HeaderRules() {}

    /** The headers sent to the vendor for a caller's request. */
    static HttpHeaders toVendor(HttpHeaders caller, Map<String, Object> metadata, Injection injection) {
        var dropped = connectionTokens(caller);
        var out = new DefaultHttpHeaders();
        for (var header : caller) {
            var name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name)
                    || NEVER_TO_VENDOR.contains(name)
                    || name.startsWith("x-forwarded-")
                    || dropped.contains(name)) {
                continue;
            }
            out.add(header.getKey(), header.getValue());
        }
        metadata.forEach((key, value) -> {
            if (key.startsWith(METADATA_HEADER_PREFIX) && value instanceof String text) {
                var name = key.substring(METADATA_HEADER_PREFIX.length());
                var lower = name.toLowerCase(Locale.ROOT);
                if (FIELD_NAME.matcher(name).matches()
                        && !HOP_BY_HOP.contains(lower)
                        && !NEVER_TO_VENDOR.contains(lower)
                        && printable(text)
                        && !out.contains(name)) {
                    out.set(name, text);
                }
            }
        });
        injection.headers().forEach(out::set);
        return out;
    }

    /** The vendor's headers as passed to the caller. */
    static HttpHeaders toCaller(HttpHeaders vendor) {
        var dropped = connectionTokens(vendor);
        var out = new DefaultHttpHeaders();
        for (var header : vendor) {
            var name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || NEVER_TO_CALLER.contains(name) || dropped.contains(name)) {
                continue;
            }
            out.add(header.getKey(), header.getValue());
        }
        return out;
    }

    /**
     * Whether the vendor's answer holds any of the secrets (of {@link #SHORTEST_SECRET} characters or more), as they
     * are or in the encodings a server would most likely echo them in (base64, base64url, percent-encoding), in a
     * header value or the body.
     */
    static boolean echoes(HttpHeaders headers, byte[] body, Injection injection) {
        var needles = needles(injection.secrets());
        for (var header : headers) {
            var value = header.getValue().getBytes(StandardCharsets.UTF_8);
            for (var needle : needles) {
                if (contains(value, needle)) {
                    return true;
                }
            }
        }
        for (var needle : needles) {
            if (contains(body, needle)) {
                return true;
            }
        }
        return false;
    }

    private static List<byte[]> needles(List<String> secrets) {
        var seen = new HashSet<String>();
        var needles = new ArrayList<byte[]>();
        for (var secret : secrets) {
            if (secret.length() < SHORTEST_SECRET) {
                continue;
            }
            var bytes = secret.getBytes(StandardCharsets.UTF_8);
            for (var form : List.of(
                    secret,
                    Base64.getEncoder().withoutPadding().encodeToString(bytes),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                    URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
                if (!form.isEmpty() && seen.add(form)) {
                    needles.add(form.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return needles;
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        if (needle.length == 0 || needle.length > haystack.length) {
            return false;
        }
        byte first = needle[0];
        int last = haystack.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The headers a {@code Connection} header names: hop-by-hop too (RFC 9110, section 7.6.1). */
    private static Set<String> connectionTokens(HttpHeaders headers) {
        var tokens = new HashSet<String>();
        for (var value : headers.getAll("connection")) {
            for (var token : value.split(",")) {
                var name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    tokens.add(name);
                }
            }
        }
        return tokens;
    }

    private static boolean printable(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c != 0x7f) && text.length() <= 1024;
    }
}
