package dev.patchbay.command.platform;

import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.util.List;

/**
 * Axon's embedded event store, which tells its tracking processors about new events when Axon's unit of work
 * commits. Commands here run inside a wider transaction (name index, vault, events), so Axon's signal comes before
 * the rows are visible; {@link #committed()} repeats it after the real commit, so the relay does not idle.
 */
public class CommittedEventStore extends EmbeddedEventStore {

    /**
     * How often the store lets go of a processor that fell behind its cache. A relay waiting inside its batch for a
     * broker that is down keeps its place in the cache's linked nodes, and every event the store reads ahead after that
     * place stays reachable from it until this clean-up: at Axon's default of 10 s and a burst of thousands of events a
     * second, tens of thousands of events on a 96 MB heap. A processor let go reads the store by itself until it
     * catches up, then joins the cache again. (The other holder of read-ahead events is bounded by
     * {@link BoundedFetchStorageEngine}.)
     */
    static final long CLEANUP_DELAY_MS = 250;

    CommittedEventStore(EventStorageEngine storageEngine, long fetchDelayMillis, int cachedEvents) {
        super(EmbeddedEventStore.builder()
                // each read ahead into the cache ends after as many events as the cache holds (see the engine's note)
                .storageEngine(new BoundedFetchStorageEngine(storageEngine, cachedEvents))
                .fetchDelay(fetchDelayMillis)
                .cachedEvents(cachedEvents)
                .cleanupDelay(CLEANUP_DELAY_MS));
    }

    /** Wakes the processors that wait for events; called after a transaction that appended events commits. */
    public void committed() {
        afterCommit(List.of());
    }
}
