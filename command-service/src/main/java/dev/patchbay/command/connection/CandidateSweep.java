package dev.patchbay.command.connection;

import dev.patchbay.vault.SealedSecretStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Destroys candidate credentials older than {@code patchbay.probe.candidate-lifetime}: each check destroys its own
 * row when it ends, so this finds only those of a check that never ended here (an instance that stopped mid-check).
 * Every instance sweeps; a row is deleted once, whoever gets to it.
 */
@Component
class CandidateSweep implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CandidateSweep.class);

    private final SealedSecretStore secrets;
    private final Duration lifetime;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "candidate-sweep");
        thread.setDaemon(true);
        return thread;
    });

    CandidateSweep(SealedSecretStore secrets, CandidateProperties properties, Clock clock) {
        this.secrets = secrets;
        this.lifetime = properties.candidateLifetime();
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        long every = Math.min(Duration.ofSeconds(30).toMillis(), lifetime.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Destroys the expired candidate rows; how many there were. */
    int sweep() {
        int destroyed = secrets.destroyCandidatesSealedBefore(clock.instant().minus(lifetime));
        if (destroyed > 0) {
            log.info("Destroyed {} candidate credential(s) whose check ended without destroying them", destroyed);
        }
        return destroyed;
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException failed) {
            log.warn(
                    "The sweep of expired candidate credentials failed ({}); it runs again shortly",
                    failed.getClass().getName());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
