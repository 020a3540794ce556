package dev.patchbay.platform.web;

import dev.patchbay.contracts.problem.ProblemCode;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

/** Writes a problem straight to a response, for the places outside controllers (filters, security). */
public final class ProblemWriter {

    private final JsonMapper mapper;

    public ProblemWriter(JsonMapper mapper) {
        this.mapper = mapper;
    }

    public Mono<Void> write(ServerWebExchange exchange, ProblemCode code, String detail) {
        return write(
                exchange,
                Problem.of(
                        code,
                        detail,
                        RequestPaths.redacted(exchange.getRequest().getPath().value()),
                        List.of()));
    }

    public Mono<Void> write(ServerWebExchange exchange, Problem problem) {
        var response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(HttpStatus.valueOf(problem.status()));
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = mapper.writeValueAsBytes(problem);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }
}
