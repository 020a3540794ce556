package dev.patchbay.command.connection;

import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.platform.web.ProblemDetailsAdvice;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

import java.util.List;

/**
 * The connection commands' rejections as problem+json: where the domain's refusals become HTTP, so that the
 * aggregate and {@link ConnectionCommands} never speak it. It answers for {@link ConnectionController} only (the
 * webhook endpoints word a missing connection their own way) and comes before the platform's
 * {@link ProblemDetailsAdvice}, which answers everything else.
 */
@RestControllerAdvice(assignableTypes = ConnectionController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConnectionProblems {

    @ExceptionHandler({ConnectionNotFound.class, AggregateNotFoundException.class})
    ResponseEntity<Object> notFound(RuntimeException ex, ServerWebExchange exchange) {
        return answer(ProblemCode.NOT_FOUND, "The connection was not found.", List.of(), exchange);
    }

    @ExceptionHandler
    ResponseEntity<Object> on(VersionMismatch stale, ServerWebExchange exchange) {
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.ETAG, "\"" + stale.current() + "\"");
        return ProblemDetailsAdvice.problem(
                ProblemCode.VERSION_MISMATCH,
                "If-Match names another version; the " + "connection is at version " + stale.current() + ".",
                List.of(),
                headers,
                exchange);
    }

    /**
     * Another instance appended the same version first (ConcurrencyException), or the vault and the aggregate
     * disagree on the credential version, which the row lock should make impossible: either way nothing was stored.
     */
    @ExceptionHandler({ConcurrencyException.class, CredentialVersionConflict.class})
    ResponseEntity<Object> concurrent(RuntimeException ex, ServerWebExchange exchange) {
        return answer(
                ProblemCode.CONCURRENT_UPDATE,
                "Another change to this connection was committed at the same "
                        + "moment; nothing was changed. Read it again and retry.",
                List.of(),
                exchange);
    }

    @ExceptionHandler
    ResponseEntity<Object> on(NewCredentialIsRequired ex, ServerWebExchange exchange) {
        var errors = ex.moving().stream()
                .map(field -> FieldProblem.of("body." + field.wireName(), "changes where the credential is sent"))
                .toList();
        return answer(
                ProblemCode.CREDENTIAL_REQUIRED,
                "This change points the connection somewhere else, and its "
                        + "stored credential goes only where it was sealed for: send the complete credential again in the "
                        + "same request.",
                errors,
                exchange);
    }

    @ExceptionHandler
    ResponseEntity<Object> on(FieldIsNotUpdatable ex, ServerWebExchange exchange) {
        return answer(
                ProblemCode.VALIDATION_FAILED,
                "The request is not valid; see errors.",
                List.of(FieldProblem.of("body." + ex.field(), "is not a field that can be updated")),
                exchange);
    }

    private static ResponseEntity<Object> answer(
            ProblemCode code, String detail, List<FieldProblem> errors, ServerWebExchange exchange) {
        return ProblemDetailsAdvice.problem(code, detail, errors, new HttpHeaders(), exchange);
    }
}
