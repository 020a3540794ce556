package dev.patchbay.probe.check;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * HTTP for calls through the proxy, with the same guarantees as a check's ({@link HttpProbe}): only the origin of the
 * connection's base URL, its host checked by the guard and resolved once, the request sent to exactly that address
 * (the name stays in the Host header, TLS SNI and the certificate check), no redirect followed, no proxy. The answer
 * is read whole, up to a limit, so that the proxy can look for the credential in it before anything reaches the
 * caller; a compressed answer is decompressed first, so that no encoding hides it. Blocking: call it off the event
 * loop.
 *
 * <p>Connections are kept alive and reused, each pool serving one origin at one checked address only: Reactor Netty
 * tells pooled connections apart by address, not by host name, so a shared pool could send a call for one host down
 * a TLS connection set up (and its certificate checked) for another host on the same address. A new address from
 * the guard means a new pool; pools unused for a while are closed, and at most {@link #ORIGINS} are kept.
 */
@Component
public final class UpstreamHttp {

    /**
     * @param firstByte how long the vendor may take to start its answer once the request is sent
     * @param total how long the whole call may take, connection included
     * @param maxResponseBytes the largest body passed on
     */
    public record Limits(Duration firstByte, Duration total, int maxResponseBytes) {}

    /** The vendor's answer: status, headers as sent (minus framing), and the whole body. */
    public record Answer(int status, HttpHeaders headers, byte[] body) {}

    static final int ORIGINS = 1_000;

    /** One origin at one checked address: what a pool serves. */
    private record Origin(boolean secure, String authority, InetSocketAddress address) {}

    private record Pooled(HttpClient client, ConnectionProvider connections) {}

    private final DestinationGuard guard;
    private final ProbeProperties properties;
    private final Cache<Origin, Pooled> pools = Caffeine.newBuilder()
            .maximumSize(ORIGINS)
            .expireAfterAccess(Duration.ofMinutes(2))
            .<Origin, Pooled>removalListener((origin, pooled, cause) -> {
                if (pooled != null) {
                    pooled.connections().disposeLater().subscribe();
                }
            })
            .build();

    public UpstreamHttp(DestinationGuard guard, ProbeProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    @PreDestroy
    void close() {
        pools.invalidateAll();
    }

    private Pooled pool(Origin origin, Limits limits) {
        var connections = ConnectionProvider.builder("proxy")
                .maxConnections(64)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        var client = HttpClient.create(connections)
                .remoteAddress(origin::address)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        properties.connectTimeout().toMillis())
                .responseTimeout(limits.firstByte())
                .followRedirect(false)
                .compress(true);
        if (origin.secure()) {
            client = client.secure();
        }
        return new Pooled(client, connections);
    }

    /**
     * Sends one request to the origin of {@code baseUrl}.
     *
     * @param pathAndQuery starts with {@code /}; checked by the caller ({@code ProxyPath}), appended as it is
     * @param headers the headers to send, already filtered and with the credential's
     * @param body the request body, or null
     * @throws UpstreamFailed for a blocked or unusable destination, a transport failure, a timeout or an answer over
     *     the limit
     */
    public Answer send(
            String baseUrl, HttpMethod method, String pathAndQuery, HttpHeaders headers, byte[] body, Limits limits) {
        if (!pathAndQuery.startsWith("/") || pathAndQuery.startsWith("//")) {
            throw new UpstreamFailed(UpstreamFailed.Reason.UNUSABLE);
        }
        java.net.URI origin;
        try {
            origin = HttpProbe.parse(baseUrl);
        } catch (CheckFailed unusable) {
            throw new UpstreamFailed(UpstreamFailed.Reason.UNUSABLE);
        }
        if (origin.getHost() == null) {
            throw new UpstreamFailed(UpstreamFailed.Reason.UNUSABLE);
        }
        boolean secure = origin.getScheme().equalsIgnoreCase("https");
        int port = origin.getPort() > 0 ? origin.getPort() : secure ? 443 : 80;
        Destination destination;
        try {
            destination = guard.check(origin.getHost(), port);
        } catch (DestinationBlocked blocked) {
            throw new UpstreamFailed(UpstreamFailed.Reason.BLOCKED);
        }
        var authority = origin.getRawAuthority();
        var key = new Origin(secure, authority, destination.socketAddress());
        // Reactor Netty keeps each request's headers and body in the client's configuration, and a pool keeps the
        // configuration of the request that created it for as long as it lives (to open its next connections). So
        // the call's headers and body are held here and let go when the call ends: a pool must not keep a
        // credential (say "Bearer <token>") reachable after the call it was injected for.
        var call = new OneCall(body);
        var client = pools.get(key, unused -> pool(key, limits)).client().headers(outgoing -> {
            call.headers = outgoing;
            outgoing.set(headers);
            outgoing.set(HttpHeaderNames.HOST, authority);
            outgoing.remove(HttpHeaderNames.TRANSFER_ENCODING);
            if (body != null) {
                outgoing.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            } else {
                outgoing.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
        });
        var request = client.request(method).uri(pathAndQuery);
        HttpClient.ResponseReceiver<?> receiver =
                body == null ? request : request.send(ByteBufFlux.fromInbound(Mono.fromSupplier(call::body)));
        int limit = limits.maxResponseBytes();
        Mono<Answer> answer = receiver.response((response, content) -> {
                    // the request has been sent: its headers (the credential's among them) are not needed again
                    response.requestHeaders().clear();
                    var declared = response.responseHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH);
                    if (declared != null && declared > limit) {
                        return Mono.error(new UpstreamFailed(UpstreamFailed.Reason.TOO_LARGE));
                    }
                    var kept = new DefaultHttpHeaders().set(response.responseHeaders());
                    return content.reduce(new ByteArrayOutputStream(), (out, chunk) -> append(out, chunk, limit))
                            .defaultIfEmpty(new ByteArrayOutputStream())
                            .map(out -> new Answer(response.status().code(), kept, out.toByteArray()));
                })
                .next();
        try {
            var result = answer.timeout(limits.total()).block();
            if (result == null) {
                throw new UpstreamFailed(UpstreamFailed.Reason.UNREACHABLE);
            }
            return result;
        } catch (UpstreamFailed failed) {
            throw failed;
        } catch (RuntimeException e) {
            var root = rootOf(e);
            if (root instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt();
                throw new UpstreamFailed(UpstreamFailed.Reason.CANCELLED, root);
            }
            throw new UpstreamFailed(reasonOf(e), root);
        } finally {
            call.end();
        }
    }

    /** What one call hands to Reactor Netty's configuration, let go when the call ends. */
    private static final class OneCall {

        private volatile byte[] body;
        private volatile HttpHeaders headers;

        OneCall(byte[] body) {
            this.body = body;
        }

        byte[] body() {
            var kept = body;
            return kept == null ? new byte[0] : kept;
        }

        void end() {
            body = null;
            var sent = headers;
            headers = null;
            if (sent != null) {
                sent.clear();
            }
        }
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf chunk, int limit) {
        int readable = chunk.readableBytes();
        if (out.size() + readable > limit) {
            throw new UpstreamFailed(UpstreamFailed.Reason.TOO_LARGE);
        }
        var bytes = new byte[readable];
        chunk.readBytes(bytes);
        out.writeBytes(bytes);
        return out;
    }

    private static Throwable rootOf(Throwable e) {
        var root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static UpstreamFailed.Reason reasonOf(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UpstreamFailed failed) {
                return failed.reason();
            }
            if (cause instanceof TimeoutException) {
                return UpstreamFailed.Reason.TIMEOUT;
            }
        }
        return Failures.classify(e, Failure.UNREACHABLE) == Failure.TIMEOUT
                ? UpstreamFailed.Reason.TIMEOUT
                : UpstreamFailed.Reason.UNREACHABLE;
    }
}
