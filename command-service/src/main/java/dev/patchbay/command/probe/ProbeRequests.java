package dev.patchbay.command.probe;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.command.platform.DatabaseWork;
import dev.patchbay.command.platform.LiveChecks;
import dev.patchbay.command.platform.LiveTestProperties;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live test: the connection looked up in the write model, the tenant's rate limit taken, a {@code ProbeRequested}
 * published (no credential: the worker opens the sealed one itself), and the matching {@code ProbeCompleted} awaited
 * up to the timeout.
 * <p>
 * Every test that reaches a connection is timed in {@code patchbay.probe} (Prometheus {@code patchbay_probe_seconds}),
 * tagged with the connection's vendor and the outcome only: {@code healthy}, the probe's error code,
 * {@code probe_timeout} or {@code unavailable}. Never a tenant, a connection or anything of the credential.
 */
@Service
class ProbeRequests implements LiveChecks {

    private final ConnectionDirectory connections;
    private final TestRateLimit rateLimit;
    private final ProbeResults results;
    private final KafkaTemplate<String, byte[]> kafka;
    private final LiveTestProperties properties;
    private final Clock clock;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");
    private final MeterRegistry meters;
    private final DatabaseWork database;

    /** The probe error codes of API.md; anything else a worker might send is counted as {@code other}. */
    static final Set<String> OUTCOMES = Set.of(
            "healthy",
            "unhealthy",
            "credentials_rejected",
            "unreachable",
            "timeout",
            "tls_error",
            "blocked_destination",
            "destination_mismatch",
            "circuit_open",
            "unexpected_response",
            "revoked",
            "probe_timeout",
            "unavailable");

    ProbeRequests(
            ConnectionDirectory connections,
            TestRateLimit rateLimit,
            ProbeResults results,
            KafkaTemplate<String, byte[]> kafka,
            LiveTestProperties properties,
            Clock clock,
            MeterRegistry meters,
            DatabaseWork database) {
        this.connections = connections;
        this.rateLimit = rateLimit;
        this.results = results;
        this.kafka = kafka;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.database = database;
    }

    Mono<ProbeAnswer> testByName(
            Caller caller, String vendor, String configName, String workspaceId, String endUserId) {
        return database.run(() -> connections
                        .find(caller.tenant(), vendor, configName, workspaceId, endUserId)
                        .orElseThrow(() ->
                                ApiException.notFound("No live " + vendor + " connection named '" + configName + "'")))
                .flatMap(id -> test(caller, id));
    }

    Mono<ProbeAnswer> test(Caller caller, ConnectionId id) {
        return Mono.defer(() -> {
            var started = Timer.start(meters);
            return database.run(() -> prepare(caller, id, started))
                    .flatMap(prepared -> (prepared.answer() != null
                                    ? Mono.just(prepared.answer())
                                    : awaitResult(prepared.connection(), prepared.correlationId(), prepared.result()))
                            .doOnSuccess(answer ->
                                    record(started, prepared.connection().vendor(), outcome(answer)))
                            .doOnError(
                                    ApiException.class,
                                    refused -> record(
                                            started,
                                            prepared.connection().vendor(),
                                            refused.code().title())));
        });
    }

    private void record(Timer.Sample started, String vendor, String outcome) {
        started.stop(Timer.builder("patchbay.probe")
                .description("Live tests, from request to answer")
                .tag("vendor", vendor == null ? "unknown" : vendor)
                .tag("outcome", OUTCOMES.contains(outcome) ? outcome : "other")
                .register(meters));
    }

    static String outcome(ProbeAnswer answer) {
        if (answer == null) {
            return "other";
        }
        if (answer.error() != null && answer.error().code() != null) {
            return answer.error().code();
        }
        return answer.healthy() ? "healthy" : "unhealthy";
    }

    /**
     * A test ready to be awaited: the future registered before the request was published, which is the one the
     * result completes (asking for it again later would miss a result that arrived in between).
     */
    private record Prepared(
            ConnectionResource connection,
            String correlationId,
            CompletableFuture<ProbeCompleted> result,
            ProbeAnswer answer) {}

    private Prepared prepare(Caller caller, ConnectionId id, Timer.Sample started) throws Exception {
        try (var logContext = LogContext.of(caller.tenant(), id)) {
            return prepareLogged(caller, id, started);
        }
    }

    private Prepared prepareLogged(Caller caller, ConnectionId id, Timer.Sample started) throws Exception {
        var connection =
                connections.describe(caller.tenant(), id).orElseThrow(() -> ApiException.notFound("The connection"));
        takeOneTest(caller);
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (connection.status() == ConnectionResource.Status.REVOKED) {
            return new Prepared(
                    connection,
                    null,
                    null,
                    new ProbeAnswer(
                            connection.id(),
                            connection.vendor(),
                            connection.configName(),
                            false,
                            null,
                            now,
                            new ProbeError(
                                    "revoked",
                                    "The connection is revoked: it has no credential to test. Rotate it to use it again.")));
        }
        var correlationId = UUID.randomUUID().toString();
        var request = new ProbeRequested(
                correlationId,
                connection.id(),
                caller.tenant(),
                connection.vendor(),
                connection.category(),
                connection.credential().version(),
                connection.baseUrl(),
                connection.config(),
                connection.metadata(),
                now,
                caller.subject());
        try {
            return new Prepared(connection, correlationId, publish(caller, request), null);
        } catch (ApiException unavailable) {
            record(started, connection.vendor(), "unavailable");
            throw unavailable;
        }
    }

    /** Takes one test from the tenant's rate limit, or refuses with 429 and when to come back. */
    private void takeOneTest(Caller caller) {
        rateLimit.tryTake(caller.tenant()).ifPresent(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            throw new ApiException(
                    ProblemCode.RATE_LIMITED,
                    "This tenant ran " + properties.rateLimit()
                            + " tests in the last " + properties.ratePeriod().toSeconds() + " s; try again in "
                            + seconds
                            + " s.",
                    List.of(),
                    Map.of("Retry-After", Long.toString(seconds)));
        });
    }

    /** Publishes the request, its result expected first; 503 when the broker does not take it. */
    private CompletableFuture<ProbeCompleted> publish(Caller caller, ProbeRequested request) throws Exception {
        var correlationId = request.correlationId();
        var key = request.connectionId().toString();
        var result = results.expect(correlationId);
        try {
            kafka.send(codec.record(
                            Topics.PROBE_REQUESTS,
                            key,
                            request,
                            new EventCodec.Envelope(
                                    correlationId,
                                    request.requestedAt(),
                                    key,
                                    caller.tenant().value(),
                                    null)))
                    .get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException unavailable) {
            results.forget(correlationId);
            throw new ApiException(
                    ProblemCode.UNAVAILABLE,
                    "The probe workers cannot be reached right now; try " + "again shortly.",
                    List.of(),
                    Map.of("Retry-After", "5"));
        }
        return result;
    }

    /**
     * A test before store: the candidate's credential is in the vault already (purpose {@code candidate}, sealed
     * for this very descriptor's destination); the request names that row, never the credential.
     */
    @Override
    public Mono<ProbeCompleted> checkCandidate(
            Caller caller,
            ConnectionId id,
            String vendor,
            String category,
            String baseUrl,
            Map<String, Object> config,
            Map<String, Object> metadata) {
        return Mono.defer(() -> {
            var started = Timer.start(meters);
            return database.run(() -> {
                        try (var logContext = LogContext.of(caller.tenant(), id)) {
                            takeOneTest(caller);
                            var request = new ProbeRequested(
                                    UUID.randomUUID().toString(),
                                    id,
                                    caller.tenant(),
                                    vendor,
                                    category,
                                    1,
                                    baseUrl,
                                    config,
                                    metadata,
                                    clock.instant().truncatedTo(ChronoUnit.MILLIS),
                                    caller.subject(),
                                    ProbeRequested.CANDIDATE);
                            return Map.entry(request.correlationId(), publish(caller, request));
                        }
                    })
                    .flatMap(pending -> awaitCompleted(pending.getKey(), pending.getValue()))
                    .doOnSuccess(result -> record(
                            started,
                            vendor,
                            result == null
                                    ? "other"
                                    : result.error() != null && result.error().code() != null
                                            ? result.error().code()
                                            : result.healthy() ? "healthy" : "unhealthy"))
                    .doOnError(
                            ApiException.class,
                            refused -> record(started, vendor, refused.code().title()));
        });
    }

    private Mono<ProbeAnswer> awaitResult(
            ConnectionResource connection, String correlationId, CompletableFuture<ProbeCompleted> pending) {
        return awaitCompleted(correlationId, pending)
                .map(result -> new ProbeAnswer(
                        connection.id(),
                        connection.vendor(),
                        connection.configName(),
                        result.healthy(),
                        result.latencyMs(),
                        result.checkedAt(),
                        result.error()));
    }

    private Mono<ProbeCompleted> awaitCompleted(String correlationId, CompletableFuture<ProbeCompleted> pending) {
        Duration timeout = properties.timeout();
        return Mono.fromFuture(pending)
                .timeout(timeout)
                .onErrorMap(
                        TimeoutException.class,
                        late -> new ApiException(
                                ProblemCode.PROBE_TIMEOUT,
                                "No probe worker answered within " + timeout.toSeconds() + " s."))
                .doFinally(signal -> results.forget(correlationId));
    }
}
