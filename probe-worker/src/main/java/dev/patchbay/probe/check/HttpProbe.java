package dev.patchbay.probe.check;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * HTTP for checks, through the guard: the URL's host is checked and resolved once, and the request goes to exactly
 * that address ({@code remoteAddress}), while the URL's host stays in the Host header and in TLS (SNI and the
 * certificate's expected name). One fresh connection per check, no redirects followed, no proxy, and at most
 * {@value #BODY_LIMIT} bytes of a body kept, for the check's own reading only.
 */
@Component
public final class HttpProbe {

    static final int BODY_LIMIT = 64 * 1024;

    /**
     * What came back: the status, the response headers, and, if asked for, the (bounded) body.
     *
     * @param headers as sent by the peer; for the check's own reading only (a {@code Retry-After}), never passed on
     */
    public record Answer(int status, byte[] body, HttpHeaders headers) {

        public Answer(int status, byte[] body) {
            this(status, body, new DefaultHttpHeaders());
        }
    }

    private final DestinationGuard guard;
    private final ProbeProperties properties;

    public HttpProbe(DestinationGuard guard, ProbeProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    /**
     * Sends one request and returns the answer, whatever its status.
     *
     * @param body the request body, or null
     * @param readBody whether the check reads the body (else it is not read at all)
     * @throws CheckFailed for a URL that cannot be used, a blocked destination, or a transport failure
     */
    public Answer exchange(
            HttpMethod method, String url, Consumer<HttpHeaders> headers, byte[] body, boolean readBody) {
        var uri = parse(url);
        boolean secure = uri.getScheme().equalsIgnoreCase("https");
        int defaultPort = secure ? 443 : 80;
        if (uri.getHost() == null) {
            // java.net.URI reads no host from 2130706433, 127.1 or 0x7f.0.0.1; other clients would. Such a host is
            // judged all the same, so that it is reported blocked when it is, and otherwise not used.
            var raw = rawHostAndPort(uri.getRawAuthority(), defaultPort);
            try {
                guard.check(raw.getHostString(), raw.getPort());
            } catch (DestinationBlocked blocked) {
                throw new CheckFailed(Failure.BLOCKED_DESTINATION);
            }
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
        Destination destination;
        try {
            destination = guard.check(uri.getHost(), port);
        } catch (DestinationBlocked blocked) {
            throw new CheckFailed(Failure.BLOCKED_DESTINATION);
        }
        var address = destination.socketAddress();
        // A relative URI: Reactor Netty then connects to remoteAddress, the checked one. With an absolute URI it
        // would resolve the URL's host itself. The name travels in the Host header and, from the address (which
        // carries it without a lookup), in TLS SNI and the certificate check.
        var pathAndQuery = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        var authority = uri.getRawAuthority();
        var client = HttpClient.newConnection()
                .remoteAddress(() -> address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        properties.connectTimeout().toMillis())
                .responseTimeout(properties.checkTimeout())
                .followRedirect(false)
                .headers(outgoing -> {
                    headers.accept(outgoing);
                    outgoing.set(HttpHeaderNames.HOST, authority);
                    if (body != null) {
                        // The length is known: without it Reactor Netty sends the body chunked, and some vendors'
                        // servers read bodies by Content-Length only (an empty body, or 411 Length Required).
                        outgoing.remove(HttpHeaderNames.TRANSFER_ENCODING);
                        outgoing.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    }
                });
        if (secure) {
            client = client.secure();
        }
        var request = client.request(method).uri(pathAndQuery);
        HttpClient.ResponseReceiver<?> receiver =
                body == null ? request : request.send(ByteBufFlux.fromInbound(Mono.just(body)));
        Mono<Answer> answer = receiver.response((response, content) -> {
                    int status = response.status().code();
                    var received = new DefaultHttpHeaders().set(response.responseHeaders());
                    if (!readBody) {
                        return Mono.just(new Answer(status, null, received));
                    }
                    return content.asByteArray()
                            .collect(
                                    ByteArrayOutputStream::new,
                                    (out, chunk) -> out.write(
                                            chunk, 0, Math.max(0, Math.min(chunk.length, BODY_LIMIT - out.size()))))
                            .map(out -> new Answer(status, out.toByteArray(), received));
                })
                .next();
        try {
            var result = answer.timeout(properties.checkTimeout()).block();
            if (result == null) {
                throw new CheckFailed(Failure.UNEXPECTED_RESPONSE);
            }
            return result;
        } catch (CheckFailed failed) {
            throw failed;
        } catch (RuntimeException e) {
            throw new CheckFailed(Failures.classify(e, Failure.UNEXPECTED_RESPONSE));
        }
    }

    /** An absolute http(s) URL with an authority and no user info; anything else is config the check cannot use. */
    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        var authority = uri.getRawAuthority();
        if (!(scheme.equals("http") || scheme.equals("https"))
                || authority == null
                || authority.indexOf('@') >= 0
                || uri.getRawFragment() != null) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        return uri;
    }

    private static InetSocketAddress rawHostAndPort(String authority, int defaultPort) {
        var host = authority;
        int port = defaultPort;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            var digits = authority.substring(colon + 1);
            if (!digits.matches("[0-9]{1,5}")) {
                throw new CheckFailed(Failure.UNUSABLE_CONFIG);
            }
            host = authority.substring(0, colon);
            port = Integer.parseInt(digits);
        }
        return InetSocketAddress.createUnresolved(host, Math.min(port, 65535));
    }

    /** {@code base} and {@code path} joined with exactly one slash. */
    public static String join(String base, String path) {
        var left = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return left + (path.startsWith("/") ? path : "/" + path);
    }
}
