package dev.patchbay.platform.web;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * What escapes the controllers (an unknown route, a filter's error) still leaves as problem+json, never as
 * Spring's default error page.
 */
@Order(-2)
final class FallbackProblemHandler implements WebExceptionHandler {

    private final ProblemWriter writer;

    FallbackProblemHandler(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        HttpStatusCode status =
                ex instanceof ResponseStatusException rse ? rse.getStatusCode() : HttpStatus.INTERNAL_SERVER_ERROR;
        return writer.write(exchange, ProblemDetailsAdvice.translate(ex, status, exchange));
    }
}
