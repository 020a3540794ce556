package dev.patchbay.platform.web;

import dev.patchbay.contracts.problem.ProblemCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.List;
import java.util.UUID;

/**
 * The one place where exceptions become HTTP answers: every error is problem+json with a stable code, Spring's own
 * included. Infrastructure messages are never echoed; anything unexpected is a 500 with a trace id to quote.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler
    Mono<ResponseEntity<Object>> on(ApiException ex, ServerWebExchange exchange) {
        var headers = new HttpHeaders();
        ex.headers().forEach(headers::set);
        return Mono.just(problem(ex.code(), ex.getMessage(), ex.errors(), headers, exchange));
    }

    /**
     * A problem answered as every handler here answers one (problem+json, the redacted path as its instance): for a
     * service's own {@code @RestControllerAdvice} that maps its domain's rejections, ordered before this one.
     */
    public static ResponseEntity<Object> problem(
            ProblemCode code,
            String detail,
            List<FieldProblem> errors,
            HttpHeaders headers,
            ServerWebExchange exchange) {
        return answer(Problem.of(code, detail, path(exchange), errors), headers);
    }

    @ExceptionHandler
    Mono<ResponseEntity<Object>> on(Exception ex, ServerWebExchange exchange) {
        return Mono.just(answer(unexpected(ex, exchange), new HttpHeaders()));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        var out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        return Mono.just(answer(translate(ex, status, exchange), out));
    }

    /** The problem that a framework exception stands for; shared with the fallback handler outside controllers. */
    static Problem translate(Throwable ex, HttpStatusCode status, ServerWebExchange exchange) {
        var path = path(exchange);
        if (ex instanceof ApiException api) {
            return Problem.of(api.code(), api.getMessage(), path, api.errors());
        }
        if (ex instanceof UnsupportedMediaTypeStatusException) {
            return Problem.of(
                    ProblemCode.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.", path, List.of());
        }
        if (ex instanceof MethodNotAllowedException) {
            return Problem.of(
                    ProblemCode.METHOD_NOT_ALLOWED, "This method is not allowed on this resource.", path, List.of());
        }
        if (ex instanceof NotAcceptableStatusException) {
            return Problem.of(
                    ProblemCode.NOT_ACCEPTABLE, "This resource answers in application/json only.", path, List.of());
        }
        if (ex instanceof ServerWebInputException input) {
            return inputProblem(input, path);
        }
        if (status.value() == 404) {
            return Problem.of(ProblemCode.NOT_FOUND, "There is nothing at this path.", path, List.of());
        }
        if (status.is4xxClientError()) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED, "The request cannot be processed as sent.", path, List.of());
        }
        return unexpected(ex, exchange);
    }

    private static Problem inputProblem(ServerWebInputException input, String path) {
        for (Throwable cause = input; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataBufferLimitException) {
                return Problem.of(
                        ProblemCode.PAYLOAD_TOO_LARGE, "The request body is over the size limit.", path, List.of());
            }
            if (cause instanceof JacksonException json) {
                return jsonProblem(json, path);
            }
        }
        if (input instanceof MissingRequestValueException missing) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "A required value is missing.",
                    path,
                    List.of(FieldProblem.of(missing.getLabel() + "." + missing.getName(), "is required")));
        }
        if (input.getMethodParameter() != null
                && input.getCause() == null
                && input.getReason() != null
                && input.getReason().contains("body")) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "A JSON body is required.",
                    path,
                    List.of(FieldProblem.of("body", "is required")));
        }
        if (input.getCause() instanceof DecodingException) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "The body is not valid JSON.",
                    path,
                    List.of(FieldProblem.of("body", "is not valid JSON")));
        }
        var parameter = input.getMethodParameter();
        var name = parameter == null ? "request" : "path." + parameter.getParameterName();
        return Problem.of(
                ProblemCode.VALIDATION_FAILED,
                "A request value is malformed.",
                path,
                List.of(FieldProblem.of(name, "is malformed")));
    }

    private static Problem jsonProblem(JacksonException json, String path) {
        var location = location(json);
        if (json instanceof UnrecognizedPropertyException) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "The body has a field that is not part of the API.",
                    path,
                    List.of(FieldProblem.of(location, "is not a known field")));
        }
        if (json instanceof InvalidFormatException format) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "A field has a value of the wrong form.",
                    path,
                    List.of(new FieldProblem(location, "has the wrong form", format.getValue())));
        }
        if (json instanceof MismatchedInputException) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "A field has a value of the wrong type.",
                    path,
                    List.of(FieldProblem.of(location, "has the wrong type")));
        }
        if (json instanceof StreamReadException) {
            return Problem.of(
                    ProblemCode.VALIDATION_FAILED,
                    "The body is not valid JSON.",
                    path,
                    List.of(FieldProblem.of(location, "is not valid JSON")));
        }
        return Problem.of(
                ProblemCode.VALIDATION_FAILED,
                "The body cannot be read.",
                path,
                List.of(FieldProblem.of(location, "cannot be read")));
    }

    private static String location(JacksonException json) {
        var location = new StringBuilder("body");
        for (var reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                location.append('.').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                location.append('[').append(reference.getIndex()).append(']');
            }
        }
        return location.toString();
    }

    private static Problem unexpected(Throwable ex, ServerWebExchange exchange) {
        var traceId = UUID.randomUUID().toString();
        log.error(
                "Unexpected error on {} {} (trace id {})",
                exchange.getRequest().getMethod(),
                path(exchange),
                traceId,
                ex);
        return Problem.of(
                ProblemCode.INTERNAL_ERROR,
                "Something went wrong on our side; quote trace id " + traceId + " when you report it.",
                path(exchange),
                List.of());
    }

    static String path(ServerWebExchange exchange) {
        return RequestPaths.redacted(exchange.getRequest().getPath().value());
    }

    private static ResponseEntity<Object> answer(Problem problem, HttpHeaders headers) {
        return ResponseEntity.status(problem.status())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
