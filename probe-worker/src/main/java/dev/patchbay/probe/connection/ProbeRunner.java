package dev.patchbay.probe.connection;

import dev.patchbay.contracts.probe.ProbeCompleted;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.ConnectionBreakers;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One probe request, start to end: the vendor's allowed hosts; the sealed credential of exactly the requested
 * version and tenant, opened only if it was sealed for the destination this request would send it to (computed
 * here, from the request's own descriptor, by the worker's own connector type: a forged request that points
 * elsewhere opens nothing); the connection's circuit breaker, the vendor's check with the opened credential (closed, so wiped, as soon as the
 * check returns), and the result. Empty when there is nothing to say about the connection: the request is stale,
 * no check exists for its vendor, or the worker itself cannot open the credential; those go to the log only.
 */
@Component
final class ProbeRunner {

    private static final Logger log = LoggerFactory.getLogger(ProbeRunner.class);

    private final Checks checks;
    private final SealedCredentials sealed;
    private final Vault vault;
    private final ConnectionBreakers breakers;
    private final ProbeProperties properties;

    ProbeRunner(
            Checks checks,
            SealedCredentials sealed,
            Vault vault,
            ConnectionBreakers breakers,
            ProbeProperties properties) {
        this.checks = checks;
        this.sealed = sealed;
        this.vault = vault;
        this.breakers = breakers;
        this.properties = properties;
    }

    Optional<ProbeCompleted> run(ProbeRequested request) {
        if (request.requestedAt() != null
                && request.requestedAt().plus(properties.staleAfter()).isBefore(Instant.now())) {
            log.info(
                    "Skipped probe {} of connection {}: requested at {}, nobody waits for it any more",
                    request.correlationId(),
                    request.connectionId(),
                    request.requestedAt());
            return Optional.empty();
        }
        var check = checks.forVendor(request.vendor());
        if (check.isEmpty()) {
            log.warn(
                    "Skipped probe {} of connection {}: this worker has no check for vendor '{}'",
                    request.correlationId(),
                    request.connectionId(),
                    request.vendor());
            return Optional.empty();
        }
        var target = new ProbeTarget(request.connectionId(), request.vendor(), request.baseUrl(), request.config());
        if (!check.get().allows(target)) {
            return Optional.of(result(request, Outcome.failed(Failure.BLOCKED_DESTINATION), 0));
        }
        // A candidate (a test before store) is a row of its own purpose, sealed for this one check; it opens
        // under exactly the same destination check as a stored connection's credential.
        var purpose = request.candidate() ? SealingContext.CANDIDATE : SealingContext.CREDENTIAL;
        var row = sealed.find(request.connectionId(), request.tenantId(), request.credentialVersion(), purpose);
        if (row.isEmpty()) {
            return Optional.of(result(request, Outcome.failed(Failure.REVOKED), 0));
        }
        // Where this very descriptor would send the credential. The row says where it was sealed for; the seal
        // itself holds the same digest, so a row whose column was altered still does not open.
        var destination = check.get().destination(target).digest();
        if (!destination.equals(row.get().destination())) {
            log.warn(
                    "Probe {} of connection {}: the request points the credential at another destination than it "
                            + "was sealed for; nothing was opened or sent",
                    request.correlationId(),
                    request.connectionId());
            return Optional.of(result(request, Outcome.failed(Failure.DESTINATION_MISMATCH), 0));
        }
        // A candidate's id lives for one check: a breaker of its own would only crowd out the connections' ones.
        CircuitBreaker breaker = request.candidate() ? breakers.single() : breakers.of(request.connectionId());
        if (!breaker.tryAcquirePermission()) {
            return Optional.of(result(request, Outcome.failed(Failure.CIRCUIT_OPEN), 0));
        }
        var context = new SealingContext(
                request.tenantId(),
                request.connectionId(),
                request.credentialVersion(),
                purpose,
                row.get().bound() ? destination : null);
        long started = System.nanoTime();
        Outcome outcome;
        try (var credential = vault.open(row.get().ciphertext(), context)) {
            outcome = check.get().run(target, credential);
        } catch (SealedCredentialUnreadable unreadable) {
            breaker.releasePermission();
            log.error("Probe {}: {}", request.correlationId(), unreadable.getMessage());
            return Optional.empty();
        } catch (RuntimeException unexpected) {
            // Only the type: a message could quote a peer, and a peer may echo the secret.
            log.warn(
                    "Probe {} of connection {}: the {} check ended with {}",
                    request.correlationId(),
                    request.connectionId(),
                    request.vendor(),
                    unexpected.getClass().getName());
            outcome = Outcome.failed(Failure.UNEXPECTED_RESPONSE);
        }
        long elapsed = System.nanoTime() - started;
        record(breaker, outcome, elapsed);
        return Optional.of(result(request, outcome, TimeUnit.NANOSECONDS.toMillis(elapsed)));
    }

    private static void record(CircuitBreaker breaker, Outcome outcome, long elapsedNanos) {
        if (outcome.isHealthy() || outcome.failure() == Failure.CREDENTIALS_REJECTED) {
            breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        } else if (outcome.failure().countsAgainstCircuit()) {
            breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, new CheckFailed(outcome));
        } else {
            // Never left the worker (blocked destination, unusable config): says nothing about the system.
            breaker.releasePermission();
        }
    }

    private static ProbeCompleted result(ProbeRequested request, Outcome outcome, long latencyMs) {
        return new ProbeCompleted(
                request.correlationId(),
                request.connectionId(),
                request.tenantId(),
                request.vendor(),
                outcome.isHealthy(),
                latencyMs,
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                outcome.error());
    }
}
