package dev.patchbay.command.connection;

import dev.patchbay.command.platform.SnapshotWork;
import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestTokens;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots of the Connection aggregate on the real event store: one is taken once a connection has enough events,
 * a load reads it and only the events after it, and the state it gives is the state that replaying every event
 * gives. Snapshots are taken after the command's commit on a thread of their own ({@link SnapshotWork}), so the
 * tests wait for that thread; and a snapshot that fails fails no command.
 */
class SnapshotsIT extends CommandServiceTestBase {

    /** patchbay.command.snapshot-every, as configured by default. */
    private static final int EVENTS_PER_SNAPSHOT = 100;

    private final String tenant = TestTokens.newTenant();

    @Autowired
    private Repository<Connection> connections;

    @Autowired
    private EventStore eventStore;

    @Autowired
    private TransactionManager transactions;

    @Autowired
    private SnapshotWork snapshotWork;

    @Test
    void aLongLivedConnectionIsLoadedFromItsSnapshotAndTheEventsAfterIt() {
        var id = create(tenant, "long-lived", "pw-1");
        var events = 1 + changeManyTimes(id, EVENTS_PER_SNAPSHOT + 20);
        awaitSnapshotTaken(id);

        var snapshot = jdbc.sql("SELECT sequenceNumber, payloadType, payloadRevision FROM SnapshotEventEntry "
                        + "WHERE aggregateIdentifier = ?")
                .param(id)
                .query((row, n) -> new SnapshotRow(row.getLong(1), row.getString(2), row.getString(3)))
                .list();
        assertThat(snapshot).hasSize(1);
        assertThat(snapshot.get(0).payloadType()).isEqualTo(Connection.class.getName());
        assertThat(snapshot.get(0).revision()).isEqualTo("1");
        assertThat(snapshot.get(0).sequenceNumber()).isBetween((long) EVENTS_PER_SNAPSHOT - 1, (long) events - 1);

        var read = read(id);
        assertThat(read.get(0).getPayload()).isInstanceOf(Connection.class);
        assertThat(read.get(0).getSequenceNumber()).isEqualTo(snapshot.get(0).sequenceNumber());
        assertThat(read).hasSize(events - (int) snapshot.get(0).sequenceNumber());
        assertThat(read.subList(1, read.size()))
                .allSatisfy(event -> assertThat(event.getPayload()).isNotInstanceOf(Connection.class));
    }

    @Test
    void theStateFromASnapshotIsTheStateFromReplayingEveryEvent() {
        var id = create(tenant, "snapshot-equals-replay", "pw-1");
        var last = changeManyTimes(id, EVENTS_PER_SNAPSHOT + 7);
        awaitSnapshotTaken(id);
        assertThat(jdbc.sql("SELECT count(*) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);

        var fromSnapshot = load(id);
        assertThat(fromSnapshot.describeTo(TenantId.of(tenant)).version()).isEqualTo(1 + last);
        jdbc.sql("DELETE FROM SnapshotEventEntry WHERE aggregateIdentifier = ?")
                .param(id)
                .update();
        assertThat(read(id).get(0).getPayload()).isNotInstanceOf(Connection.class);
        var replayed = load(id);

        assertThat(fromSnapshot).usingRecursiveComparison().isEqualTo(replayed);
        assertThat(fromSnapshot).isNotSameAs(replayed);
    }

    @Test
    void aSnapshotOfAnotherRevisionIsIgnoredAndTheEventsReplayed() {
        var id = create(tenant, "old-snapshot", "pw-1");
        var events = 1 + changeManyTimes(id, EVENTS_PER_SNAPSHOT + 3);
        awaitSnapshotTaken(id);
        jdbc.sql("UPDATE SnapshotEventEntry SET payloadRevision = '0' WHERE aggregateIdentifier = ?")
                .param(id)
                .update();

        var read = read(id);
        assertThat(read.get(0).getPayload()).isNotInstanceOf(Connection.class);
        assertThat(read).hasSize(events);
        assertThat(load(id).describeTo(TenantId.of(tenant)).version()).isEqualTo(events);
    }

    @Test
    void aSnapshotThatFailsFailsNoCommand() {
        var id = create(tenant, "snapshot-refused", "pw-1");
        // the database refuses this connection's snapshots, as it would a second instance's snapshot of the same
        // version: with the snapshot in the command's transaction, the command that took it failed
        var name = "refuse_snapshot_" + id.replace("-", "");
        jdbc.sql("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.aggregateIdentifier = '" + id + "' THEN RAISE EXCEPTION 'no snapshot for this test'; "
                        + "END IF; RETURN NEW; END $$")
                .update();
        jdbc.sql("CREATE TRIGGER " + name + " BEFORE INSERT ON SnapshotEventEntry FOR EACH ROW EXECUTE FUNCTION " + name
                        + "()")
                .update();
        try {
            var events = 1 + changeManyTimes(id, EVENTS_PER_SNAPSHOT + 5);
            await().atMost(Duration.ofSeconds(30)).until(snapshotWork::idle);

            assertThat(jdbc.sql("SELECT count(*) FROM DomainEventEntry WHERE aggregateIdentifier = ?")
                            .param(id)
                            .query(Integer.class)
                            .single())
                    .isEqualTo(events);
            assertThat(jdbc.sql("SELECT count(*) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?")
                            .param(id)
                            .query(Integer.class)
                            .single())
                    .isZero();
            assertThat(load(id).describeTo(TenantId.of(tenant)).version()).isEqualTo(events);
        } finally {
            jdbc.sql("DROP TRIGGER " + name + " ON SnapshotEventEntry").update();
            jdbc.sql("DROP FUNCTION " + name + "()").update();
        }
    }

    /** Until a snapshot of the connection is stored and the snapshot thread has nothing left to do. */
    private void awaitSnapshotTaken(String id) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> snapshotWork.idle()
                        && jdbc.sql("SELECT count(*) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?")
                                        .param(id)
                                        .query(Integer.class)
                                        .single()
                                > 0);
    }

    /**
     * Sends this many PATCHes, each one event: display names, metadata and, every tenth, a new credential (so the
     * state carries a rotated credential and non-empty maps). Answers how many events they appended.
     */
    private int changeManyTimes(String id, int times) {
        for (int i = 1; i <= times; i++) {
            var body = new HashMap<String, Object>();
            if (i % 10 == 0) {
                body.put("credential", Map.of("username", "app", "password", "pw-" + i));
            } else if (i % 2 == 0) {
                body.put("metadata", Map.of("round", i, "tags", List.of("a", "b")));
            } else {
                body.put("display_name", "Warehouse " + i);
            }
            client().patch()
                    .uri("/v1/connections/" + id)
                    .header("Authorization", editor(tenant))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.version")
                    .isEqualTo(1 + i);
        }
        return times;
    }

    /** What a load of the aggregate reads from the event store: the latest usable snapshot, then later events. */
    private List<? extends DomainEventMessage<?>> read(String id) {
        return eventStore.readEvents(id).asStream().toList();
    }

    /** The aggregate as the command path loads it, in a unit of work and transaction of its own. */
    private Connection load(String id) {
        var unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>(id));
        unitOfWork.attachTransaction(transactions);
        var loaded = unitOfWork.executeWithResult(() -> connections.load(id).invoke(connection -> connection));
        assertThat(loaded.isExceptional()).isFalse();
        return loaded.getPayload();
    }

    private record SnapshotRow(long sequenceNumber, String payloadType, String revision) {}
}
