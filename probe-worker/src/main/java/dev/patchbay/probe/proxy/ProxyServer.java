package dev.patchbay.probe.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.scheduler.Scheduler;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.time.Duration;

/**
 * The proxy's own listener, apart from the worker's port (health and metrics, behind the loopback boundary): the
 * proxy answers tenants' workloads, with their tokens, and its traffic and limits are not the actuator's. A plain
 * Reactor Netty server rather than a second WebFlux application: the proxy takes bytes in and out, and needs none
 * of the API's codecs or filter chains (it checks tokens with the platform's {@code TenantTokens}).
 */
final class ProxyServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyHandler handler;
    private final ProxyProperties properties;
    private final Scheduler blocking;
    private volatile DisposableServer server;

    ProxyServer(ProxyHandler handler, ProxyProperties properties, Scheduler blocking) {
        this.handler = handler;
        this.properties = properties;
        this.blocking = blocking;
    }

    @Override
    public void start() {
        server = HttpServer.create()
                .host(properties.address())
                .port(properties.port())
                .httpRequestDecoder(
                        decoder -> decoder.maxInitialLineLength(8192).maxHeaderSize(16384))
                .handle(handler::handle)
                .bindNow(Duration.ofSeconds(10));
        log.info("The proxy listens on {}:{}", properties.address(), port());
    }

    /** The port it listens on (the configured one, or the one given for 0). */
    int port() {
        var current = server;
        return current == null ? -1 : current.port();
    }

    @Override
    public void stop() {
        var current = server;
        if (current != null) {
            current.disposeNow(Duration.ofSeconds(10));
            server = null;
        }
        blocking.dispose();
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
