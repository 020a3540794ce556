package dev.patchbay.platform.observability;

import dev.patchbay.platform.web.RequestPaths;
import io.micrometer.context.ContextSnapshotFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * One line per request on logger {@code dev.patchbay.access}: method, path (a webhook token redacted), status and
 * duration, written when the response is committed, so that it has the final status whoever set it (a controller, the
 * security chain or an error handler), and with the request's trace id in the MDC. On with
 * {@code patchbay.access-log.enabled=true}.
 */
final class AccessLog implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger("dev.patchbay.access");
    private static final ContextSnapshotFactory SNAPSHOTS =
            ContextSnapshotFactory.builder().build();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long started = System.nanoTime();
        var response = exchange.getResponse();
        response.beforeCommit(() -> Mono.deferContextual(context -> {
            try (var scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
                var status = response.getStatusCode();
                log.info(
                        "{} {} {} {}ms",
                        exchange.getRequest().getMethod(),
                        RequestPaths.redacted(exchange.getRequest().getPath().value()),
                        status == null ? 200 : status.value(),
                        (System.nanoTime() - started) / 1_000_000);
            }
            return Mono.empty();
        }));
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
