package dev.patchbay.command.platform;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The event storage engine as the embedded event store sees it: every call goes to the real engine, except that a
 * blocking read of the event stream (the store's producer, which reads ahead into its cache for the relay) ends after
 * {@code fetchLimit} events. The producer then starts the next read where this one ended.
 *
 * <p>Why: the producer keeps the newest cached node of the moment it began a read in a local variable until the read
 * ends, and Axon's JDBC engine ends a read only when a query finds nothing new. While events are written faster than
 * one query apart (a backlog written with the broker down, a burst of creates), one read never ends, and every event
 * it read stays reachable from that variable, however small the cache is trimmed: 30,601 events, about 75 of
 * command-service's 96 MB, in bench/scale's heap dump, whose only GC roots into the cache were the producer's stack
 * frame and the cache's own two ends. With reads of at most {@code fetchLimit} events the producer holds at most
 * that many beyond the cache.
 */
final class BoundedFetchStorageEngine implements EventStorageEngine {

    private final EventStorageEngine engine;
    private final int fetchLimit;

    BoundedFetchStorageEngine(EventStorageEngine engine, int fetchLimit) {
        if (fetchLimit < 1) {
            throw new IllegalArgumentException("fetchLimit must be positive");
        }
        this.engine = engine;
        this.fetchLimit = fetchLimit;
    }

    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        var events = engine.readEvents(trackingToken, mayBlock);
        return mayBlock ? events.limit(fetchLimit) : events;
    }

    @Override
    public void appendEvents(List<? extends EventMessage<?>> events) {
        engine.appendEvents(events);
    }

    @Override
    public void storeSnapshot(DomainEventMessage<?> snapshot) {
        engine.storeSnapshot(snapshot);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier) {
        return engine.readEvents(aggregateIdentifier);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
        return engine.readEvents(aggregateIdentifier, firstSequenceNumber);
    }

    @Override
    public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
        return engine.readSnapshot(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        return engine.lastSequenceNumberFor(aggregateIdentifier);
    }

    @Override
    public TrackingToken createTailToken() {
        return engine.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return engine.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return engine.createTokenAt(dateTime);
    }
}
