package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.problem.ProblemCode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * The proxy's own answers, as problem+json with the members of the API's {@code Detail} schema and nothing more
 * ({@code type, title, status, detail, instance, code}), like every other Patchbay error. A detail never quotes the
 * vendor, the path or a header: it says what the caller can do.
 */
final class ProxyProblems {

    /** Where the proxy's problems point, without the caller's path (it may hold a vendor's identifiers). */
    static final String INSTANCE = "/v1/connections/{id}/proxy";

    /**
     * Every code the proxy answers with, each described in {@code contracts/.../openapi/proxy.openapi.yaml}
     * (ProxyOpenApiTest).
     */
    static final Set<ProblemCode> ANSWERED = EnumSet.of(
            ProblemCode.PROXY_PATH_REFUSED,
            ProblemCode.NOT_PROXIED,
            ProblemCode.UNAUTHENTICATED,
            ProblemCode.FORBIDDEN,
            ProblemCode.NOT_FOUND,
            ProblemCode.METHOD_NOT_ALLOWED,
            ProblemCode.CREDENTIAL_UNAVAILABLE,
            ProblemCode.DESTINATION_MISMATCH,
            ProblemCode.PAYLOAD_TOO_LARGE,
            ProblemCode.PROXY_BUSY,
            ProblemCode.INTERNAL_ERROR,
            ProblemCode.UPSTREAM_UNREACHABLE,
            ProblemCode.BLOCKED_DESTINATION,
            ProblemCode.CREDENTIAL_ECHOED,
            ProblemCode.UPSTREAM_TOO_LARGE,
            ProblemCode.CREDENTIAL_REJECTED,
            ProblemCode.CIRCUIT_OPEN,
            ProblemCode.UNAVAILABLE,
            ProblemCode.UPSTREAM_TIMEOUT,
            ProblemCode.CONNECTION_EXPIRED,
            ProblemCode.AUDIT_UNAVAILABLE);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProxyProblems() {}

    /** An answer of the proxy's own: the status of the code, problem+json. */
    record Problem(ProblemCode code, String detail, Integer retryAfterSeconds) {

        Problem {
            if (!ANSWERED.contains(code)) {
                throw new IllegalArgumentException(code + " is not among the proxy's documented answers");
            }
        }

        Problem(ProblemCode code, String detail) {
            this(code, detail, null);
        }

        byte[] body() {
            var body = new LinkedHashMap<String, Object>();
            body.put("type", code.type().toString());
            body.put("title", code.title());
            body.put("status", code.status());
            body.put("detail", detail);
            body.put("instance", INSTANCE);
            body.put("code", code.code());
            return JSON.writeValueAsBytes(body);
        }

        HttpHeaders headers() {
            var headers = new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
            if (retryAfterSeconds != null) {
                headers.set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds.toString());
            }
            if (code == ProblemCode.UNAUTHENTICATED) {
                headers.set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            }
            return headers;
        }
    }
}
