package dev.patchbay.platform.web;

import dev.patchbay.contracts.problem.ProblemCode;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body whose declared length is over the limit before reading a byte of it. A body without a declared
 * length is capped by the codecs' in-memory limit instead, with the same 413.
 */
final class BodySizeLimit implements WebFilter, Ordered {

    private final long maxBytes;
    private final ProblemWriter problems;

    BodySizeLimit(long maxBytes, ProblemWriter problems) {
        this.maxBytes = maxBytes;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBytes) {
            return problems.write(
                    exchange,
                    ProblemCode.PAYLOAD_TOO_LARGE,
                    "The request body is " + length + " bytes; at most " + maxBytes + " are accepted.");
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
