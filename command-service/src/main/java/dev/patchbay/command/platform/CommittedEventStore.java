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

    CommittedEventStore(EventStorageEngine storageEngine, long fetchDelayMillis, int cachedEvents) {
        super(EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .fetchDelay(fetchDelayMillis)
                .cachedEvents(cachedEvents));
    }

    /** Wakes the processors that wait for events; called after a transaction that appended events commits. */
    public void committed() {
        afterCommit(List.of());
    }
}
