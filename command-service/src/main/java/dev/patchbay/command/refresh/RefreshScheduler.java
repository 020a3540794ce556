package dev.patchbay.command.refresh;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.command.platform.ExpiringConnections;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.json.EventCodec;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.vault.SealedSecretStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Acts on credentials as their expiry nears (issue 21 §3). Each interval this instance leases the due rows of
 * {@link ExpiryIndex} (a row lock the other instances skip, and the row pushed on by the request timeout in the same
 * statement, so no two instances act on one connection at once, with no leader) and, for each:
 *
 * <ul>
 *   <li>a refreshable OAuth2 credential, {@code refresh-margin} before its expiry: publishes a
 *       {@link RefreshRequested} for a refresher, and again each request timeout until a result comes (a repeat is
 *       answered {@code already_renewed});
 *   <li>any other credential, at its expiry: makes the connection expired ({@code credential_expired});
 *   <li>a refresh that has failed transiently, or gone unanswered past the token's expiry, for longer than
 *       {@code give-up-after}: makes the connection expired ({@code refresh_failing}).
 * </ul>
 *
 * It also sweeps refreshers' staged credentials whose result was never recorded ({@code staged-ttl}).
 */
@Component
class RefreshScheduler implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RefreshScheduler.class);

    private final ExpiryIndex index;
    private final ConnectionDirectory connections;
    private final ExpiringConnections expiring;
    private final SealedSecretStore secrets;
    private final KafkaTemplate<String, byte[]> kafka;
    private final OAuth2Properties properties;
    private final Clock clock;
    private final EventCodec codec = new EventCodec("/patchbay/command-service");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "credential-expiry");
        thread.setDaemon(true);
        return thread;
    });
    private Instant sweptAt = Instant.MIN;

    RefreshScheduler(
            ExpiryIndex index,
            ConnectionDirectory connections,
            ExpiringConnections expiring,
            SealedSecretStore secrets,
            KafkaTemplate<String, byte[]> kafka,
            OAuth2Properties properties,
            Clock clock) {
        this.index = index;
        this.connections = connections;
        this.expiring = expiring;
        this.secrets = secrets;
        this.kafka = kafka;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        if (properties.enabled()) {
            long every = properties.interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::tickQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Leases what is due and acts on it; how many rows were leased. */
    int tick() {
        var now = clock.instant();
        if (!now.isBefore(sweptAt.plusSeconds(60))) {
            sweptAt = now;
            int swept = secrets.destroyStagedBefore(now.minus(properties.stagedTtl()));
            if (swept > 0) {
                log.warn("Destroyed {} staged refreshed credentials whose result was never recorded", swept);
            }
        }
        var leased = index.lease(now, now.plus(properties.requestTimeout()), properties.batch());
        for (var due : leased) {
            try (var logContext = LogContext.of(due.tenant(), due.connectionId())) {
                act(due, now);
            } catch (RuntimeException failed) {
                log.warn(
                        "A due credential was not acted on ({}); it is due again in {}",
                        failed.getClass().getName(),
                        properties.requestTimeout());
            }
        }
        return leased.size();
    }

    private void act(ExpiryIndex.Due due, Instant now) {
        if (!due.refreshable()) {
            expiring.expire(
                    due.tenant(),
                    due.connectionId(),
                    due.credentialVersion(),
                    ConnectionExpired.CREDENTIAL_EXPIRED,
                    ConnectionExpired.EXPIRY);
            index.forget(due.connectionId(), due.credentialVersion());
            return;
        }
        var failingSince = due.failingSince() != null ? due.failingSince() : due.expiresAt();
        if (!now.isBefore(failingSince.plus(properties.giveUpAfter()))) {
            log.warn(
                    "The refresh of credential version {} has failed since {}; the connection expires",
                    due.credentialVersion(),
                    failingSince);
            expiring.expire(
                    due.tenant(),
                    due.connectionId(),
                    due.credentialVersion(),
                    ConnectionExpired.REFRESH_FAILING,
                    RefreshRequested.REFRESHER);
            index.forget(due.connectionId(), due.credentialVersion());
            return;
        }
        var connection = connections.describe(due.tenant(), due.connectionId());
        if (connection.isEmpty()
                || connection.get().status() != ConnectionResource.Status.ACTIVE
                || connection.get().credential().version() != due.credentialVersion()) {
            // gone, revoked or replaced since: its own commands keep the index; this row is no longer its credential's
            index.forget(due.connectionId(), due.credentialVersion());
            return;
        }
        publish(due, connection.get());
    }

    private void publish(ExpiryIndex.Due due, ConnectionResource connection) {
        var tenant = due.tenant();
        var key = connection.id().toString();
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var request = new RefreshRequested(
                UUID.randomUUID().toString(),
                connection.id(),
                tenant,
                connection.vendor(),
                due.credentialVersion(),
                connection.baseUrl(),
                connection.config(),
                now,
                RefreshRequested.REFRESHER);
        kafka.send(codec.record(
                        Topics.REFRESH_REQUESTS,
                        key,
                        request,
                        new EventCodec.Envelope(request.correlationId(), now, key, tenant.value(), null)))
                .whenComplete((sent, failed) -> {
                    if (failed != null) {
                        log.warn(
                                "A refresh request was not sent ({}); it is sent again in {}",
                                failed.getClass().getName(),
                                properties.requestTimeout());
                    }
                });
        log.info("Requested the refresh of credential version {}", due.credentialVersion());
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException failed) {
            log.warn(
                    "A credential expiry round failed ({}); the next runs in {}",
                    failed.getClass().getName(),
                    properties.interval());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
