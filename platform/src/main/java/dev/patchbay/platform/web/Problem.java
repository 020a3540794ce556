package dev.patchbay.platform.web;

import dev.patchbay.contracts.problem.ProblemCode;

import java.net.URI;
import java.util.List;

/**
 * An error as {@code application/problem+json} (RFC 9457) with exactly the members of the {@code Detail} schema:
 * no others, so that clients validating with {@code additionalProperties: false} accept it.
 */
public record Problem(
        URI type, String title, int status, String detail, String instance, String code, List<FieldProblem> errors) {

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static Problem of(ProblemCode code, String detail, String instance, List<FieldProblem> errors) {
        return new Problem(code.type(), code.title(), code.status(), detail, instance, code.code(), errors);
    }
}
