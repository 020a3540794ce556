package dev.patchbay.command.vault;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.command.platform.ConnectorTypes;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedSecretStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Credentials sealed before destinations were bound carry no destination in their encryption context. Once, after
 * an upgrade, this records for each of them where its connection points at that moment (the digest beside the row,
 * unbound); from then on a probe worker opens such a row only for that destination, and a reseal seals the
 * destination into it. Until it is recorded, the row opens for nothing. The connection cannot have moved in the
 * meantime: a change of destination without a new credential is refused, and a new credential is sealed bound.
 * <p>
 * It runs on every instance from start until a pass finds nothing left to record (a pass needs the connector types,
 * so it waits for the probe workers' registrations), at most once every {@value #PERIOD_SECONDS} s; recording is
 * idempotent, so instances racing on a row do no harm.
 */
@Component
class LegacyDestinations {

    private static final Logger log = LoggerFactory.getLogger(LegacyDestinations.class);
    static final int PERIOD_SECONDS = 10;
    private static final int BATCH = 500;

    private final SealedSecretStore store;
    private final ConnectionDirectory connections;
    private final ConnectorTypes types;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        var thread = new Thread(runnable, "patchbay-legacy-destinations");
        thread.setDaemon(true);
        return thread;
    });

    LegacyDestinations(SealedSecretStore store, ConnectionDirectory connections, ConnectorTypes types) {
        this.store = store;
        this.connections = connections;
        this.types = types;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (recordPass() == 0) {
                            scheduler.shutdown();
                        }
                    } catch (RuntimeException e) {
                        log.warn(
                                "Recording the destinations of credentials sealed before binding failed: {}; retrying",
                                e.getClass().getSimpleName());
                    }
                },
                0,
                PERIOD_SECONDS,
                TimeUnit.SECONDS);
    }

    /** Records what it can; answers 0 when nothing is left that a later pass could record. */
    int recordPass() {
        var rows = store.withoutDestination(BATCH);
        int recorded = 0;
        int waiting = 0;
        for (var row : rows) {
            var connection = connections.describe(row.tenant(), row.connectionId());
            if (connection.isEmpty()) {
                // Deleted since: its secrets are destroyed with it. Nothing to record, nothing that could open.
                continue;
            }
            var type = types.find(connection.get().vendor());
            if (type.isEmpty() || connection.get().credential().version() != row.version()) {
                waiting++;
                continue;
            }
            var destination = Destination.of(
                    type.get().configOutsideDestination(),
                    connection.get().baseUrl(),
                    connection.get().config());
            if (store.recordLegacyDestination(row.connectionId(), row.version(), destination.digest())) {
                recorded++;
            }
        }
        if (recorded > 0 || waiting > 0) {
            log.info(
                    "Credentials sealed before binding: recorded the destination of {}, {} wait for their connector "
                            + "type",
                    recorded,
                    waiting);
        }
        // A full batch that recorded something may have more behind it.
        return waiting + (rows.size() == BATCH && recorded > 0 ? 1 : 0);
    }
}
