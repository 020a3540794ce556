package dev.patchbay.probe.proxy;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.security.Role;
import dev.patchbay.platform.security.TenantTokens;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.ConnectionBreakers;
import dev.patchbay.probe.check.CredentialRenewal;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Injection;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.UpstreamFailed;
import dev.patchbay.probe.check.UpstreamHttp;
import dev.patchbay.probe.proxy.ProxyProblems.Problem;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One call through a connection, start to end. In order, each step before any byte reaches the vendor: the route
 * (else 404), the caller's token and its {@code caller} role (401, 403), the path's rules (400), the method (405),
 * the connection id, the body's size (413), this worker's permits for the tenant and the connection (429), the
 * tenant's live connection (404 for another tenant's, as everywhere), not expired (409), a type that is proxied (400), the hosts the
 * type may reach, the credential of the connection's current version (409 when revoked), the destination binding:
 * the credential opens only if it was sealed for the destination this very descriptor points at, computed by the
 * worker's own connector type as ProbeRunner does (409 otherwise), the circuit breaker (503). Then the credential is
 * opened, injected, the call sent through the guard to the pinned address, and the answer looked through for any of
 * the credential's values (502, and nothing of the answer passed on) before it is passed on. Every call that named
 * a connection is audited ({@link ProxyAudit}).
 */
final class ProxyHandler {

    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

    private final TenantTokens tokens;
    private final ConnectionDirectory directory;
    private final Checks checks;
    private final SealedSecretStore sealed;
    private final Vault vault;
    private final ConnectionBreakers breakers;
    private final UpstreamHttp upstream;
    private final Permits permits;
    private final ProxyAudit audit;
    private final ProxyProperties properties;
    private final Scheduler blocking;
    private final UpstreamHttp.Limits limits;
    private final CredentialRenewal renewal;

    ProxyHandler(
            TenantTokens tokens,
            ConnectionDirectory directory,
            Checks checks,
            SealedSecretStore sealed,
            Vault vault,
            ConnectionBreakers breakers,
            UpstreamHttp upstream,
            ProxyAudit audit,
            ProxyProperties properties,
            Scheduler blocking,
            CredentialRenewal renewal) {
        this.tokens = tokens;
        this.directory = directory;
        this.checks = checks;
        this.sealed = sealed;
        this.vault = vault;
        this.breakers = breakers;
        this.upstream = upstream;
        this.audit = audit;
        this.properties = properties;
        this.blocking = blocking;
        this.renewal = renewal;
        this.permits = new Permits(properties.connectionConcurrency(), properties.tenantConcurrency());
        this.limits = new UpstreamHttp.Limits(properties.firstByteTimeout(), properties.totalTimeout(), (int)
                properties.maxResponseBody().toBytes());
    }

    /** What the caller gets. */
    private record Reply(int status, HttpHeaders headers, byte[] body, ProblemCode problem) {

        static Reply of(Problem problem) {
            return new Reply(problem.code().status(), problem.headers(), problem.body(), problem.code());
        }
    }

    /** What is known of a call for its audit record. */
    private static final class Call {
        final long started = System.nanoTime();
        Caller caller;
        ConnectionId connection;
        String vendor;
        String method;
        String path;
        long requestBytes;
        final java.util.concurrent.atomic.AtomicBoolean audited = new java.util.concurrent.atomic.AtomicBoolean();
    }

    Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        var call = new Call();
        call.method = request.method().name();
        ProxyPath route;
        ProxyPath.Refused refused = null;
        try {
            route = ProxyPath.of(request.uri()).orElse(null);
        } catch (ProxyPath.Refused refusal) {
            route = null;
            refused = refusal;
        }
        if (route == null && refused == null) {
            return send(
                    response,
                    call,
                    Reply.of(new Problem(
                            ProblemCode.NOT_FOUND, "This listener serves /v1/connections/{id}/proxy/**" + " only.")),
                    false);
        }
        var found = route;
        var refusal = refused;
        return tokens.caller(bearer(request.requestHeaders()))
                .map(caller -> {
                    call.caller = caller;
                    return caller;
                })
                .flatMap(caller -> {
                    if (!caller.has(Role.CALLER)) {
                        return Mono.just(Reply.of(new Problem(
                                ProblemCode.FORBIDDEN, "Calls through a connection need the caller role.")));
                    }
                    call.path = found != null ? found.path() : refusal.path();
                    var id = connectionId(found != null ? found.connectionId() : refusal.connectionId());
                    call.connection = id;
                    if (refusal != null) {
                        return Mono.just(Reply.of(new Problem(
                                ProblemCode.PROXY_PATH_REFUSED,
                                "The path must stay inside the connection's origin; it holds " + refusal.getMessage()
                                        + ".")));
                    }
                    if (request.method().equals(HttpMethod.TRACE)
                            || request.method().equals(HttpMethod.CONNECT)) {
                        return Mono.just(Reply.of(
                                new Problem(ProblemCode.METHOD_NOT_ALLOWED, "TRACE and CONNECT are not passed on.")));
                    }
                    if (id == null) {
                        return Mono.just(Reply.of(notFound()));
                    }
                    if (!audit.delivering()) {
                        // fail closed: a call now would have no audit record; nothing is opened or sent
                        call.connection = null;
                        return Mono.just(Reply.of(new Problem(
                                ProblemCode.AUDIT_UNAVAILABLE,
                                "Calls are not audited for now (the audit topic cannot be reached), so none is made; "
                                        + "retry later.",
                                (int) Math.max(1, properties.auditRetry().toSeconds()))));
                    }
                    return body(request).flatMap(body -> {
                        call.requestBytes = body == null ? 0 : body.length;
                        var permit = permits.acquire(caller.tenant(), id);
                        if (permit.isEmpty()) {
                            return Mono.just(Reply.of(new Problem(
                                    ProblemCode.PROXY_BUSY,
                                    "Too many calls through this connection or of this tenant at once; retry later.",
                                    1)));
                        }
                        return Mono.fromCallable(() -> forward(call, caller, id, found, request, body))
                                .subscribeOn(blocking)
                                .doFinally(signal -> permit.get().close());
                    });
                })
                .switchIfEmpty(Mono.fromSupplier(() -> Reply.of(new Problem(
                        ProblemCode.UNAUTHENTICATED,
                        "A valid bearer token from a trusted issuer, naming your tenant, is required."))))
                .onErrorResume(
                        TooLarge.class,
                        tooLarge -> Mono.just(Reply.of(new Problem(
                                ProblemCode.PAYLOAD_TOO_LARGE,
                                "The request body is larger than "
                                        + properties.maxRequestBody().toBytes() + " bytes."))))
                .onErrorResume(unexpected -> {
                    log.error(
                            "A proxy call ended with {}", unexpected.getClass().getName());
                    return Mono.just(
                            Reply.of(new Problem(ProblemCode.INTERNAL_ERROR, "Something failed on our side.")));
                })
                .flatMap(reply -> Mono.from(send(response, call, reply, true)))
                .doOnCancel(() -> audit(call, CALLER_WENT_AWAY, null, 0));
    }

    /** The status an audit record gives a call whose caller went away before its answer (as nginx logs it). */
    static final int CALLER_WENT_AWAY = 499;

    /** The blocking part: directory, vault, breaker, vendor. */
    private Reply forward(
            Call call, Caller caller, ConnectionId id, ProxyPath route, HttpServerRequest request, byte[] body) {
        var connection = directory.find(caller.tenant(), id);
        if (connection.isEmpty()) {
            return Reply.of(notFound());
        }
        var live = connection.get();
        call.vendor = live.vendor();
        var check = checks.forVendor(live.vendor());
        if (check.isEmpty()) {
            return Reply.of(new Problem(
                    ProblemCode.UNAVAILABLE, "No worker here can reach connections of this type; retry later.", 5));
        }
        var injector = check.get().injector();
        if (injector.isEmpty()) {
            return Reply.of(new Problem(
                    ProblemCode.NOT_PROXIED,
                    "Connections of type " + live.vendor() + " are not proxied: only HTTP connector types are "
                            + "(pluggy, belvo, rest_api, oauth2), never databases or brokers."));
        }
        if (live.expired()) {
            return Reply.of(new Problem(
                    ProblemCode.CONNECTION_EXPIRED,
                    "This connection is expired: its credential passed its expiry, or its OAuth2 grant was refused; "
                            + "rotate it with a fresh credential to use it again."));
        }
        var target = new ProbeTarget(id, live.vendor(), live.baseUrl(), live.config());
        if (!check.get().allows(target)) {
            return Reply.of(new Problem(
                    ProblemCode.BLOCKED_DESTINATION, "This connection points at a host its type may not reach."));
        }
        var row = sealed.findSendable(id, caller.tenant(), live.credentialVersion(), SealingContext.CREDENTIAL);
        if (row.isEmpty()) {
            return Reply.of(new Problem(
                    ProblemCode.CREDENTIAL_UNAVAILABLE,
                    "This connection has no usable credential (revoked, or rotated just now); rotate it or retry."));
        }
        var destination = check.get().destination(target).digest();
        if (!destination.equals(row.get().destination())) {
            log.warn(
                    "Proxy call {} {} through connection {}: the connection points elsewhere than its credential "
                            + "was sealed for; nothing was opened or sent",
                    call.method,
                    call.path,
                    id);
            return Reply.of(new Problem(
                    ProblemCode.DESTINATION_MISMATCH,
                    "This connection's credential was sealed for another destination; rotate it to use it here."));
        }
        CircuitBreaker breaker = breakers.of(id);
        if (!breaker.tryAcquirePermission()) {
            return Reply.of(new Problem(
                    ProblemCode.CIRCUIT_OPEN,
                    "This connection's system failed repeatedly; calls resume after a pause.",
                    (int) Math.max(
                            1,
                            breaker.getCircuitBreakerConfig()
                                            .getWaitIntervalFunctionInOpenState()
                                            .apply(1)
                                    / 1000)));
        }
        var context = new SealingContext(
                caller.tenant(),
                id,
                live.credentialVersion(),
                SealingContext.CREDENTIAL,
                row.get().bound() ? destination : null);
        long started = System.nanoTime();
        try (var credential = vault.open(row.get().ciphertext(), context)) {
            var method = HttpMethod.valueOf(request.method().name().toUpperCase(Locale.ROOT));
            var injection = injector.get().inject(target, live.credentialVersion(), credential, false);
            var answer = upstream.send(
                    live.baseUrl(),
                    method,
                    route.pathAndQuery(),
                    HeaderRules.toVendor(request.requestHeaders(), live.metadata(), injection),
                    body == NO_BODY ? null : body,
                    limits);
            if (answer.status() == 401 && injector.get().renewsOnUnauthorized()) {
                injection = injector.get().inject(target, live.credentialVersion(), credential, true);
                answer = upstream.send(
                        live.baseUrl(),
                        method,
                        route.pathAndQuery(),
                        HeaderRules.toVendor(request.requestHeaders(), live.metadata(), injection),
                        body == NO_BODY ? null : body,
                        limits);
            } else if (answer.status() == 401 && injector.get().renewsCredentialOnUnauthorized()) {
                // One renewal through the worker's refresher (under the connection's lock, so one renewed by
                // another refresher meanwhile is used), and one more try with it; never a second renewal.
                try (var renewed = renewal == null
                        ? null
                        : renewal.renew(caller.tenant(), target, live.credentialVersion())
                                .orElse(null)) {
                    if (renewed != null) {
                        var next = injector.get().inject(target, renewed.version(), renewed.credential(), false);
                        var secrets = new java.util.ArrayList<>(injection.secrets());
                        secrets.addAll(next.secrets());
                        injection = new Injection(next.headers(), secrets);
                        answer = upstream.send(
                                live.baseUrl(),
                                method,
                                route.pathAndQuery(),
                                HeaderRules.toVendor(request.requestHeaders(), live.metadata(), injection),
                                body == NO_BODY ? null : body,
                                limits);
                    }
                }
            }
            long elapsed = System.nanoTime() - started;
            if (answer.status() >= 500) {
                log.info(
                        "Proxy call {} {} through connection {} ({}): the vendor answered {}",
                        call.method,
                        call.path,
                        id,
                        live.vendor(),
                        answer.status());
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, new CheckFailed(Failure.UNEXPECTED_RESPONSE));
            } else {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            }
            if (HeaderRules.echoes(answer.headers(), answer.body(), injection)) {
                log.warn(
                        "Proxy call {} {} through connection {} ({}): the vendor's answer holds the credential; "
                                + "it was not passed on",
                        call.method,
                        call.path,
                        id,
                        live.vendor());
                return Reply.of(new Problem(
                        ProblemCode.CREDENTIAL_ECHOED,
                        "The vendor's answer held this connection's credential, so it was not passed on."));
            }
            var headers = HeaderRules.toCaller(answer.headers());
            return new Reply(answer.status(), headers, answer.body(), null);
        } catch (UpstreamFailed failed) {
            long elapsed = System.nanoTime() - started;
            if (failed.reason() == UpstreamFailed.Reason.CANCELLED) {
                // the caller went away (its connection closed): nobody waits, and the vendor did nothing wrong
                breaker.releasePermission();
                return Reply.of(new Problem(ProblemCode.UPSTREAM_UNREACHABLE, "The call was given up."));
            }
            log.warn(
                    "Proxy call {} {} through connection {} ({}): {} after {} ms{}",
                    call.method,
                    call.path,
                    id,
                    live.vendor(),
                    failed.reason(),
                    TimeUnit.NANOSECONDS.toMillis(elapsed),
                    failed.causeType() == null ? "" : " (" + failed.causeType() + ")");
            return Reply.of(upstreamProblem(failed.reason(), breaker, elapsed));
        } catch (CheckFailed failed) {
            long elapsed = System.nanoTime() - started;
            var failure = failed.outcome().failure();
            if (failure == Failure.CREDENTIALS_REJECTED) {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                return Reply.of(new Problem(
                        ProblemCode.CREDENTIAL_REJECTED, "The vendor refused this connection's credential."));
            }
            if (failure == Failure.BLOCKED_DESTINATION) {
                breaker.releasePermission();
                return Reply.of(new Problem(
                        ProblemCode.BLOCKED_DESTINATION, "This connection points at an address the worker refuses."));
            }
            var reason = failure == Failure.TIMEOUT ? UpstreamFailed.Reason.TIMEOUT : UpstreamFailed.Reason.UNREACHABLE;
            return Reply.of(upstreamProblem(reason, breaker, elapsed));
        } catch (SealedCredentialUnreadable unreadable) {
            breaker.releasePermission();
            log.error("Proxy call through connection {}: {}", id, unreadable.getMessage());
            return Reply.of(new Problem(ProblemCode.INTERNAL_ERROR, "Something failed on our side."));
        }
    }

    private static Problem upstreamProblem(UpstreamFailed.Reason reason, CircuitBreaker breaker, long elapsed) {
        switch (reason) {
            case BLOCKED -> {
                breaker.releasePermission();
                return new Problem(
                        ProblemCode.BLOCKED_DESTINATION, "This connection points at an address the worker refuses.");
            }
            case UNUSABLE -> {
                breaker.releasePermission();
                return new Problem(ProblemCode.UPSTREAM_UNREACHABLE, "This connection's base URL cannot be used.");
            }
            case TOO_LARGE -> {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                return new Problem(
                        ProblemCode.UPSTREAM_TOO_LARGE, "The vendor's answer is larger than the proxy passes on.");
            }
            case TIMEOUT -> {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, new CheckFailed(Failure.TIMEOUT));
                return new Problem(ProblemCode.UPSTREAM_TIMEOUT, "The vendor did not answer in time.");
            }
            default -> {
                breaker.onError(elapsed, TimeUnit.NANOSECONDS, new CheckFailed(Failure.UNREACHABLE));
                return new Problem(ProblemCode.UPSTREAM_UNREACHABLE, "The vendor could not be reached.");
            }
        }
    }

    private static Problem notFound() {
        return new Problem(ProblemCode.NOT_FOUND, "No such connection.");
    }

    private Mono<Void> send(HttpServerResponse response, Call call, Reply reply, boolean audited) {
        var headers = reply.headers();
        headers.set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        return response.status(reply.status())
                .headers(headers)
                .sendByteArray(Mono.just(reply.body()))
                .then()
                .doOnSuccess(sent -> {
                    if (audited) {
                        audit(call, reply.status(), reply.problem(), reply.problem() == null ? reply.body().length : 0);
                    }
                })
                .doOnError(failed -> {
                    if (audited) {
                        audit(call, CALLER_WENT_AWAY, reply.problem(), 0);
                    }
                });
    }

    private void audit(Call call, int status, ProblemCode problem, long responseBytes) {
        if (call.caller == null || call.connection == null || !call.audited.compareAndSet(false, true)) {
            return;
        }
        audit.record(
                new ProxyCallCompleted(
                        UUID.randomUUID().toString(),
                        call.caller.tenant(),
                        call.caller.subject(),
                        call.connection,
                        call.vendor,
                        call.method,
                        call.path,
                        status,
                        problem == null ? null : problem.code(),
                        call.requestBytes,
                        responseBytes,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.started),
                        Instant.now().truncatedTo(ChronoUnit.MILLIS)),
                System.nanoTime() - call.started);
    }

    /** The request body, whole, or {@link #NO_BODY} when the request has none. */
    private Mono<byte[]> body(HttpServerRequest request) {
        long max = properties.maxRequestBody().toBytes();
        var declared = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && declared > max) {
            return Mono.error(new TooLarge());
        }
        return request.receive()
                .reduce(new ByteArrayOutputStream(), (out, chunk) -> append(out, chunk, max))
                .map(ByteArrayOutputStream::toByteArray)
                .defaultIfEmpty(NO_BODY)
                .map(bytes -> bytes.length == 0 && !hasBody(request) ? NO_BODY : bytes);
    }

    private static final byte[] NO_BODY = new byte[0];

    private static boolean hasBody(HttpServerRequest request) {
        return request.requestHeaders().contains(HttpHeaderNames.CONTENT_LENGTH)
                || request.requestHeaders().contains(HttpHeaderNames.TRANSFER_ENCODING);
    }

    private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf chunk, long max) {
        int readable = chunk.readableBytes();
        if (out.size() + (long) readable > max) {
            throw new TooLarge();
        }
        var bytes = new byte[readable];
        chunk.readBytes(bytes);
        out.writeBytes(bytes);
        return out;
    }

    /** A request body over the limit. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("request body over the limit", null, false, false);
        }
    }

    private static String bearer(HttpHeaders headers) {
        var authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.length() < 8) {
            return null;
        }
        return authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
    }

    private static ConnectionId connectionId(String text) {
        try {
            var uuid = UUID.fromString(text);
            return uuid.toString().equals(text.toLowerCase(Locale.ROOT)) ? new ConnectionId(uuid) : null;
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }
}
