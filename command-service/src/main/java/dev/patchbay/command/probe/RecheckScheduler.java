package dev.patchbay.command.probe;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.probe.ProbeRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-checks every live connection each period ({@code patchbay.recheck.period}, or its tenant's own): once a second
 * this instance takes what it may from the re-checks' rate bound shared by all instances ({@link RecheckRate}),
 * leases that many due connections ({@link Rechecks}) and publishes an ordinary {@code ProbeRequested} for each, as
 * a manual test does but without waiting: the result reaches the connection's health like any other (a change is a
 * {@code ConnectionHealthChanged}). Any number of instances run this, with no leader: the lease is a row lock skipped
 * by the others. Scheduled checks take nothing from the tenants' manual-test rate limit, and a probe worker admits
 * one only while the tenant has a check slot left besides it, so manual tests are never starved. A re-check that
 * could not be sent is due again after {@code patchbay.recheck.retry-after}. A revoked connection has no
 * credential, and an expired one's is known not to work until it is rotated: neither is checked.
 */
@Component
class RecheckScheduler implements InitializingBean, DisposableBean {

    static final String ACTOR = ProbeRequested.RECHECK;

    private static final Logger log = LoggerFactory.getLogger(RecheckScheduler.class);

    private final Rechecks rechecks;
    private final RecheckRate rate;
    private final ConnectionDirectory connections;
    private final KafkaTemplate<String, byte[]> kafka;
    private final TransactionTemplate transactions;
    private final RecheckProperties properties;
    private final Clock clock;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "health-recheck");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * How often the whole schedule is set against live_connections (every live connection without a row gets one, the
     * rows of gone ones are dropped); the first tick does it too. In between, each seed interval gives a first time
     * only to the connections created since the last look, which costs what the creates cost and not what the store
     * holds: the full pass every minute cost seconds of PostgreSQL's CPU a minute at 1,000,000 connections
     * (bench/RESULTS.md). A gone connection's row meanwhile costs at most a look at its status when due.
     */
    static final Duration FULL_SEED_EVERY = Duration.ofHours(1);

    /**
     * How far before the last look the next looks for new connections: a connection's created_at is the time of its
     * command, which commits later (a create that tests first may take the probe timeout and more).
     */
    static final Duration NEW_SINCE_MARGIN = Duration.ofMinutes(10);

    private Instant seededAt = Instant.MIN;
    private Instant fullySeededAt = Instant.MIN;

    RecheckScheduler(
            Rechecks rechecks,
            RecheckRate rate,
            ConnectionDirectory connections,
            KafkaTemplate<String, byte[]> kafka,
            TransactionTemplate transactions,
            RecheckProperties properties,
            Clock clock) {
        this.rechecks = rechecks;
        this.rate = rate;
        this.connections = connections;
        this.kafka = kafka;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        if (properties.enabled()) {
            scheduler.scheduleWithFixedDelay(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Seeds when it is time, then leases and publishes what the rate bound allows; how many were published. */
    int tick() {
        var now = clock.instant();
        if (!now.isBefore(fullySeededAt.plus(FULL_SEED_EVERY))) {
            fullySeededAt = now;
            seededAt = now;
            seed();
        } else if (!now.isBefore(seededAt.plus(properties.seedInterval()))) {
            var since = seededAt.minus(NEW_SINCE_MARGIN);
            seededAt = now;
            seedNew(since);
        }
        int allowed = rate.take(properties.rate());
        if (allowed == 0) {
            return 0;
        }
        var leased = transactions.execute(status -> rechecks.lease(now, Rechecks.Periods.of(properties), allowed));
        rate.giveBack(allowed - leased.size());
        int published = 0;
        for (var due : leased) {
            try (var logContext = LogContext.of(due.tenant(), due.connectionId())) {
                var connection = connections.describe(due.tenant(), due.connectionId());
                if (connection.isPresent() && connection.get().status() == ConnectionResource.Status.ACTIVE) {
                    publish(due, connection.get());
                    published++;
                }
            } catch (RuntimeException unsent) {
                retryLater(due, unsent);
            }
        }
        return published;
    }

    /** Gives every live connection without one its first time; drops the gone. */
    int seed() {
        return transactions.execute(status -> rechecks.seed(clock.instant(), Rechecks.Periods.of(properties)));
    }

    /** Gives the live connections created since then their first time. */
    int seedNew(Instant since) {
        return transactions.execute(
                status -> rechecks.seedNew(clock.instant(), Rechecks.Periods.of(properties), since));
    }

    private void retryLater(Rechecks.Due due, Throwable why) {
        try {
            rechecks.retryAt(due.connectionId(), clock.instant().plus(properties.retryAfter()));
            log.warn(
                    "A re-check was not sent ({}); it is due again in {}",
                    why.getClass().getName(),
                    properties.retryAfter());
        } catch (RuntimeException notRescheduled) {
            log.warn(
                    "A re-check was not sent ({}) nor rescheduled ({}); it is due again a period later",
                    why.getClass().getName(),
                    notRescheduled.getClass().getName());
        }
    }

    private void publish(Rechecks.Due due, ConnectionResource connection) {
        var tenant = due.tenant();
        var key = connection.id().toString();
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var request = new ProbeRequested(
                UUID.randomUUID().toString(),
                connection.id(),
                tenant,
                connection.vendor(),
                connection.category(),
                connection.credential().version(),
                connection.baseUrl(),
                connection.config(),
                connection.metadata(),
                now,
                ACTOR);
        kafka.send(codec.record(
                        Topics.PROBE_REQUESTS,
                        key,
                        request,
                        new EventCodec.Envelope(request.correlationId(), now, key, tenant.value(), null)))
                .whenComplete((sent, failed) -> {
                    if (failed != null) {
                        retryLater(due, failed);
                    }
                });
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException failed) {
            log.warn(
                    "A re-check round failed ({}); the next runs in a second",
                    failed.getClass().getName());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
