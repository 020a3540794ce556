package dev.patchbay.command.platform;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event store's read-ahead for the relay under a burst of writes. The engine here stands in for Axon's JDBC engine
 * (PostgreSQL is not what is tested): like it, a blocking read goes on as long as each look finds new events and ends
 * at the first that finds none, so a burst written faster than one look apart is one endless read.
 */
class CommittedEventStoreTest {

    private static final int CACHED = 1_000;
    private static final long BURST = 20_000;

    @Test
    void eventsTheRelayHasPassedAreFreedWhileABurstIsStillBeingRead() throws Exception {
        var engine = new BurstEngine();
        var store = new CommittedEventStore(engine, 100, CACHED);
        try (var relay = store.openStream(null)) {
            // a quiet start: ten events, then one more, so that the cache has a newest event when the burst begins
            engine.written = 10;
            for (long i = 1; i <= 10; i++) {
                assertThat(sequence(relay.nextAvailable())).isEqualTo(i);
            }
            engine.written = 11;
            store.committed();
            assertThat(sequence(relay.nextAvailable())).isEqualTo(11);

            // the burst: the read-ahead takes it in one go and then waits for the look after the last event
            engine.written = 11 + BURST + 1;
            store.committed();
            for (long i = 12; i <= 11 + BURST; i++) {
                assertThat(sequence(relay.nextAvailable()))
                        .as("every event once, in order")
                        .isEqualTo(i);
            }

            // the relay is past the burst's first events and the cache keeps only the last 1,000: nothing may keep
            // them, although the read that brought them in has not ended
            assertThat(engine.readAhead).hasSizeGreaterThan(CACHED);
            var first = engine.readAhead.subList(0, CACHED);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                System.gc();
                assertThat(first.stream().filter(event -> event.get() != null).count())
                        .as("the burst's first events still reachable")
                        .isZero();
            });

            engine.lastLook.countDown();
            assertThat(sequence(relay.nextAvailable())).isEqualTo(11 + BURST + 1);
        } finally {
            engine.lastLook.countDown();
            store.shutDown();
        }
    }

    private static long sequence(TrackedEventMessage<?> event) {
        return ((GlobalSequenceTrackingToken) event.trackingToken()).getGlobalIndex();
    }

    /** Events 1..written; a blocking read stops before the burst's last event until {@link #lastLook} opens. */
    private static final class BurstEngine implements EventStorageEngine {

        volatile long written;
        final CountDownLatch lastLook = new CountDownLatch(1);
        /** The events the blocking reads (the store's read-ahead) made, from the burst on, weakly. */
        final List<WeakReference<TrackedEventMessage<?>>> readAhead = new CopyOnWriteArrayList<>();

        @Override
        public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken token, boolean mayBlock) {
            long after = token == null ? 0 : ((GlobalSequenceTrackingToken) token).getGlobalIndex();
            // a processor's own read sees what was written when it began; the read-ahead goes on while there is more
            long seen = written;
            return StreamSupport.stream(
                    new Spliterators.AbstractSpliterator<TrackedEventMessage<?>>(Long.MAX_VALUE, 0) {
                        long next = after + 1;

                        @Override
                        public boolean tryAdvance(Consumer<? super TrackedEventMessage<?>> action) {
                            if (mayBlock && next == 11 + BURST + 1) {
                                try {
                                    lastLook.await(30, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return false;
                                }
                            }
                            if (next > (mayBlock ? written : seen)) {
                                return false;
                            }
                            var event = new GenericTrackedEventMessage<>(
                                    new GlobalSequenceTrackingToken(next),
                                    GenericEventMessage.asEventMessage("event " + next));
                            if (mayBlock && next > 11) {
                                readAhead.add(new WeakReference<>(event));
                            }
                            next++;
                            action.accept(event);
                            return true;
                        }
                    },
                    false);
        }

        @Override
        public void appendEvents(List<? extends EventMessage<?>> events) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void storeSnapshot(DomainEventMessage<?> snapshot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
            return Optional.empty();
        }
    }
}
