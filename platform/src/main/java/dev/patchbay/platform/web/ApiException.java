package dev.patchbay.platform.web;

import dev.patchbay.contracts.problem.ProblemCode;

import java.util.List;
import java.util.Map;

/**
 * A refusal the caller can act on, answered as problem+json with its code. The detail is written for humans and
 * must never contain a secret: it is sent as is.
 */
public class ApiException extends RuntimeException {

    private final ProblemCode code;
    private final List<FieldProblem> errors;
    private final Map<String, String> headers;

    public ApiException(ProblemCode code, String detail) {
        this(code, detail, List.of(), Map.of());
    }

    public ApiException(ProblemCode code, String detail, List<FieldProblem> errors) {
        this(code, detail, errors, Map.of());
    }

    public ApiException(ProblemCode code, String detail, List<FieldProblem> errors, Map<String, String> headers) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ProblemCode code() {
        return code;
    }

    public List<FieldProblem> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ProblemCode.NOT_FOUND, what + " was not found.");
    }

    public static ApiException invalid(List<FieldProblem> errors) {
        return new ApiException(ProblemCode.VALIDATION_FAILED, "The request is not valid; see errors.", errors);
    }
}
