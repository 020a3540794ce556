package dev.patchbay.platform.openapi;

import dev.patchbay.contracts.problem.ProblemCode;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The refusals an operation can answer, besides the ones every operation can (401 and 403 where a token is needed;
 * 400, 413 and 415 where a body is read; and the {@code default} response). Each becomes a response of the OpenAPI
 * document with {@code application/problem+json} and the {@code Detail} schema.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ProblemResponses {

    ProblemCode[] value();
}
