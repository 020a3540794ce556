package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionEvent;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.query.platform.EventRecords;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import io.swagger.v3.oas.annotations.media.Schema;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.r2dbc.connection.SingleConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds the connection read tables ({@code connections}, {@code connection_history}, {@code webhook_tokens},
 * {@code connection_totals}: {@link ReadTables#NAMES}) from {@code patchbay.connections.v1}, from its first record,
 * into new tables, while every read keeps being served from the old ones; then swaps the new tables in atomically
 * and drops the old.
 *
 * <h2>Design</h2>
 * <ol>
 * <li><b>One at a time.</b> {@code POST /v1/admin/projections/rebuild} inserts a row into
 * {@code projection_rebuilds}; a partial unique index admits one unfinished rebuild across all instances (a second
 * request gets the running one). The row carries the status and a heartbeat, so any instance answers the progress
 * endpoint, and a rebuild whose instance died is declared failed after {@link #STALE_AFTER} without a heartbeat.</li>
 * <li><b>New tables.</b> A schema of its own, {@code rebuild_<id>}, holds a copy of each table made with
 * {@code CREATE TABLE ... (LIKE live INCLUDING ALL EXCLUDING INDEXES)} plus the live table's primary key and indexes
 * under <em>the same names</em> (index names are per schema), so that after the swap the tables are
 * indistinguishable from what the migrations made, and later migrations keep working.</li>
 * <li><b>Copying.</b> Its own {@link KafkaConsumer}, without a consumer group (nothing is committed, the live
 * group is untouched), is assigned every partition, seeks to the beginning and reads up to the end offsets
 * captured at start. Each record is chosen by the same code as the live projection
 * ({@link ConnectionDescriptorProjection#applicable}), and a poll's events are written into the new tables by the
 * multi-row form of the live projection's statements ({@link RebuildWrites}: a few statements per poll instead of
 * two or three per event), one transaction per poll, on one database connection of its own (outside the pool, which
 * readers keep). A poll the database refuses is applied again a record at a time through
 * {@link ConnectionWrites#apply}, each behind a savepoint, to find and skip the refused one, as the live projection
 * does.</li>
 * <li><b>Catching up.</b> The live projection records, in the transaction of every batch it applies, the next
 * offset of each of its partitions in {@code projection_offsets}. The rebuild keeps reading until its position is
 * within {@link #SWAP_GAP} records of those offsets. Health, which comes from another topic, is copied from the live
 * rows (a creation also picks up the stored result in {@code connection_health}, as the live projection does).</li>
 * <li><b>Swap.</b> One transaction takes {@code ACCESS EXCLUSIVE} locks on the live tables (in the order
 * every writer touches them, so no deadlock). Now nothing can change them: it reads {@code projection_offsets}, which
 * is exact under the lock, reads and applies the last few records up to there, copies the health that changed since,
 * drops the old tables, moves the new ones into the live schema with {@code ALTER TABLE ... SET SCHEMA} and drops the
 * empty rebuild schema. Readers and the live projection wait for the lock for that short while (at most
 * {@code lock_timeout} to get it; then the swap is retried), and then find the new tables by name. The live
 * projection goes on from its own position: anything it applies again is a no-op (version guards, history and token
 * keys, totals that move only with a row's liveness), so the rebuilt tables never miss nor double anything.</li>
 * </ol>
 * A failure at any step rolls back, drops the rebuild schema and marks the rebuild failed; the live tables are
 * never touched before the swap's commit. What this does not do: keep grants on the tables (the service's own user
 * owns them), nor rebuild {@code connection_health} and {@code connector_types}, which come from topics of their
 * own.
 */
@Component
class ProjectionRebuild implements DisposableBean {

    /** What {@code GET /v1/admin/projections/rebuild/{id}} answers. */
    @Schema(name = "ProjectionRebuild")
    record Progress(
            UUID rebuildId,
            String status,
            Instant requestedAt,
            Instant startedAt,
            Instant finishedAt,
            long eventsRead,
            String error) {}

    static final Duration STALE_AFTER = Duration.ofMinutes(2);
    static final long SWAP_GAP = 1_000;

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);
    private static final String TOPIC = Topics.CONNECTION_EVENTS.name();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SWAP_CATCH_UP = Duration.ofSeconds(30);
    private static final int SWAP_ATTEMPTS = 3;
    private static final String SAVEPOINT = "rebuild_record";

    private static final String PROGRESS_COLUMNS =
            "rebuild_id, status, requested_at, started_at, finished_at, " + "events_read, error";

    private final ConnectionFactory connectionFactory;
    private final DatabaseClient db;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final EventRecords eventRecords;
    private final ConnectionWrites writes;
    private final RebuildWrites multiRow;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        var thread = new Thread(task, "projection-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;
    /**
     * At most this many records a poll: the unit of the multi-row writes and of their fallback. A test makes it
     * small, so that polls end inside a connection's events and beside a refused record (as in CI's longer topic).
     */
    volatile int pollRecords = 500;

    ProjectionRebuild(
            ConnectionFactory connectionFactory,
            DatabaseClient db,
            ConsumerFactory<?, ?> consumerFactory,
            EventRecords eventRecords,
            ConnectionWrites writes,
            RebuildWrites multiRow) {
        this.connectionFactory = connectionFactory;
        this.db = db;
        this.consumerFactory = consumerFactory;
        this.eventRecords = eventRecords;
        this.writes = writes;
        this.multiRow = multiRow;
    }

    /** Starts a rebuild, or answers the one that is running already. */
    Mono<Progress> start(String requestedBy) {
        var id = UUID.randomUUID();
        var now = Instant.now();
        return db.sql("""
                UPDATE projection_rebuilds SET status = 'failed', finished_at = :now,
                    error = 'abandoned: no heartbeat for ' || :stale
                WHERE finished_at IS NULL AND heartbeat_at < :staleBefore""")
                .bind("now", now)
                .bind("stale", STALE_AFTER.toString())
                .bind("staleBefore", now.minus(STALE_AFTER))
                .fetch()
                .rowsUpdated()
                .then(db.sql("""
                        INSERT INTO projection_rebuilds (rebuild_id, status, requested_by, requested_at, heartbeat_at)
                        VALUES (:id, 'pending', :requestedBy, :now, :now) ON CONFLICT DO NOTHING""")
                        .bind("id", id)
                        .bind("requestedBy", requestedBy)
                        .bind("now", now)
                        .fetch()
                        .rowsUpdated())
                .flatMap(inserted -> {
                    if (inserted == 0) {
                        return running();
                    }
                    log.info("Projection rebuild {} requested by {}", id, requestedBy);
                    executor.execute(() -> new Run(id).run());
                    return find(id);
                });
    }

    Mono<Progress> find(UUID id) {
        return db.sql("SELECT " + PROGRESS_COLUMNS + " FROM projection_rebuilds WHERE rebuild_id = :id")
                .bind("id", id)
                .map(row -> new Progress(
                        row.get("rebuild_id", UUID.class),
                        row.get("status", String.class),
                        row.get("requested_at", Instant.class),
                        row.get("started_at", Instant.class),
                        row.get("finished_at", Instant.class),
                        row.get("events_read", Long.class),
                        row.get("error", String.class)))
                .one();
    }

    private Mono<Progress> running() {
        return db.sql("SELECT rebuild_id FROM projection_rebuilds WHERE finished_at IS NULL")
                .map(row -> row.get("rebuild_id", UUID.class))
                .one()
                .flatMap(this::find);
    }

    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        executor.shutdown();
        executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    /** One rebuild, on the rebuild thread: everything here blocks. */
    private final class Run {

        private final UUID id;
        private final String schema;
        private final ReadTables copies;
        private String liveSchema;
        private Connection connection;
        private DatabaseClient session;
        private Consumer<String, byte[]> consumer;
        private long eventsRead;
        private Instant lastHeartbeat = Instant.EPOCH;

        Run(UUID id) {
            this.id = id;
            this.schema = "rebuild_" + id.toString().replace("-", "");
            this.copies = new ReadTables(schema);
        }

        void run() {
            try {
                connection = block(Mono.from(direct(connectionFactory).create()));
                session = DatabaseClient.create(
                        new SingleConnectionFactory(connection, connectionFactory.getMetadata(), true));
                consumer = consumer();
                rebuild();
                finish("completed", null);
                log.info("Projection rebuild {} completed: {} records read", id, eventsRead);
            } catch (RuntimeException | Error failure) {
                log.error("Projection rebuild {} failed; the live tables are unchanged", id, failure);
                cleanUp();
                finish("failed", failure.getClass().getSimpleName() + " (see the service log for rebuild " + id + ")");
            } finally {
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(5));
                }
                if (connection != null) {
                    Mono.from(connection.close()).onErrorComplete().block(Duration.ofSeconds(10));
                }
            }
        }

        private void rebuild() {
            liveSchema = block(session.sql("SELECT current_schema() AS name")
                    .map(row -> row.get("name", String.class))
                    .one());
            if (!ReadTables.isPlainIdentifier(liveSchema)) {
                throw new IllegalStateException("the live schema has a name this rebuild does not quote");
            }
            createCopies();
            heartbeat("copying", true);

            var partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            readUpTo(consumer.endOffsets(partitions), "copying");
            for (var table : ReadTables.NAMES) {
                execute(session, "ANALYZE " + copies.table(table));
            }

            heartbeat("catching_up", false);
            execute(session, copyHealth());
            for (; ; ) {
                var live = liveOffsets(db);
                if (gap(live) <= SWAP_GAP) {
                    break;
                }
                readUpTo(live, "catching_up");
            }

            heartbeat("swapping", false);
            for (int attempt = 1; ; attempt++) {
                try {
                    swap();
                    return;
                } catch (DataAccessException | IllegalStateException failed) {
                    if (attempt == SWAP_ATTEMPTS || stopping) {
                        throw failed;
                    }
                    log.warn(
                            "Projection rebuild {}: swap attempt {} failed ({}); catching up and trying again",
                            id,
                            attempt,
                            failed.getClass().getSimpleName());
                    readUpTo(liveOffsets(db), "swapping");
                }
            }
        }

        /** The copies: same columns, defaults, checks, primary keys and index names as the live tables. */
        private void createCopies() {
            execute(session, "CREATE SCHEMA " + schema);
            for (var table : ReadTables.NAMES) {
                var live = liveSchema + "." + table;
                var copy = copies.table(table);
                execute(session, "CREATE TABLE " + copy + " (LIKE " + live + " INCLUDING ALL EXCLUDING INDEXES)");
                var indexes = block(session.sql("""
                        SELECT pg_get_indexdef(i.indexrelid) AS definition, c.conname AS constraint_name,
                            pg_get_constraintdef(c.oid) AS constraint_definition
                        FROM pg_index i
                        LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                            AND c.contype IN ('p', 'u', 'x')
                        WHERE i.indrelid = to_regclass(:table) ORDER BY i.indexrelid""")
                        .bind("table", live)
                        .map(row -> new String[] {
                            row.get("definition", String.class),
                            row.get("constraint_name", String.class),
                            row.get("constraint_definition", String.class)
                        })
                        .all()
                        .collectList());
                if (indexes.isEmpty()) {
                    throw new IllegalStateException("the live table " + live + " has no primary key");
                }
                for (var index : indexes) {
                    if (index[1] != null) {
                        execute(session, "ALTER TABLE " + copy + " ADD CONSTRAINT " + quote(index[1]) + " " + index[2]);
                    } else {
                        var on = " ON " + live + " USING ";
                        if (!index[0].contains(on)) {
                            throw new IllegalStateException("cannot copy the index definition of " + live);
                        }
                        execute(session, index[0].replace(on, " ON " + copy + " USING "));
                    }
                }
            }
        }

        /** Reads and applies every record before those offsets, one transaction per poll. */
        private void readUpTo(Map<TopicPartition, Long> offsets, String status) {
            while (!reached(offsets)) {
                if (stopping) {
                    throw new IllegalStateException("the service is stopping");
                }
                applyBatch(consumer.poll(POLL), true);
                if (Duration.between(lastHeartbeat, Instant.now()).toSeconds() >= 1) {
                    heartbeat(status, false);
                }
            }
        }

        /**
         * The swap, in one transaction on the rebuild's connection: lock the live tables, catch up to exactly what
         * they hold, copy the health that changed, drop them, move the copies in.
         */
        private void swap() {
            // what this transaction reads from the topic is gone from the copies if it rolls back: the retry reads it
            // again from here
            var readBefore = new HashMap<TopicPartition, Long>();
            consumer.assignment().forEach(partition -> readBefore.put(partition, consumer.position(partition)));
            block(connection.beginTransaction());
            try {
                execute(session, "SET LOCAL lock_timeout = '10s'");
                execute(
                        session,
                        "LOCK TABLE "
                                + String.join(
                                        ", ",
                                        ReadTables.NAMES.stream()
                                                .map(table -> liveSchema + "." + table)
                                                .toList())
                                + " IN ACCESS EXCLUSIVE MODE");
                var live = liveOffsets(session);
                var deadline = Instant.now().plus(SWAP_CATCH_UP);
                while (!reached(live)) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("could not read up to the live projection under the lock");
                    }
                    applyBatch(consumer.poll(POLL), false);
                }
                execute(session, copyHealth());
                execute(
                        session,
                        "DROP TABLE "
                                + String.join(
                                        ", ",
                                        ReadTables.NAMES.stream()
                                                .map(table -> liveSchema + "." + table)
                                                .toList()));
                for (var table : ReadTables.NAMES) {
                    execute(session, "ALTER TABLE " + copies.table(table) + " SET SCHEMA " + liveSchema);
                }
                execute(session, "DROP SCHEMA " + schema);
                block(connection.commitTransaction());
            } catch (RuntimeException failed) {
                rollbackQuietly();
                readBefore.forEach(consumer::seek);
                throw failed;
            }
        }

        private void applyBatch(ConsumerRecords<String, byte[]> batch, boolean ownTransaction) {
            if (batch.isEmpty()) {
                return;
            }
            eventsRead += batch.count();
            if (!ownTransaction) {
                applyEach(batch, true);
                return;
            }
            block(connection.beginTransaction());
            try {
                applyEach(batch, false);
                block(connection.commitTransaction());
            } catch (RuntimeException failed) {
                rollbackQuietly();
                if (!ConnectionDescriptorProjection.refuses(failed)) {
                    throw failed;
                }
                log.warn(
                        "Projection rebuild {}: the database refused a poll of {} records ({}); applying them one at a"
                                + " time to find the refused one",
                        id,
                        batch.count(),
                        failed.getClass().getSimpleName());
                // the live projection skips a record the database refuses (and so must the rebuild): go through
                // this batch again, each record behind a savepoint, to find and skip it
                block(connection.beginTransaction());
                try {
                    applyEach(batch, true);
                    block(connection.commitTransaction());
                } catch (RuntimeException again) {
                    rollbackQuietly();
                    throw again;
                }
            }
        }

        private void applyEach(ConsumerRecords<String, byte[]> batch, boolean savepoints) {
            if (!savepoints) {
                var events = new ArrayList<ConnectionEvent>();
                for (ConsumerRecord<String, byte[]> record : batch) {
                    ConnectionDescriptorProjection.applicable(eventRecords, record)
                            .ifPresent(events::add);
                }
                block(multiRow.apply(session, copies, events));
                return;
            }
            for (ConsumerRecord<String, byte[]> record : batch) {
                var event = ConnectionDescriptorProjection.applicable(eventRecords, record);
                if (event.isEmpty()) {
                    continue;
                }
                block(connection.createSavepoint(SAVEPOINT));
                ConnectionDescriptorProjection.appliedOrSkipped(
                        record,
                        () -> {
                            block(writes.apply(session, copies, List.of(event.get())));
                            return block(connection.releaseSavepoint(SAVEPOINT));
                        },
                        Runnable::run,
                        refused -> block(connection.rollbackTransactionToSavepoint(SAVEPOINT)));
            }
        }

        private boolean reached(Map<TopicPartition, Long> offsets) {
            return gap(offsets) == 0;
        }

        /** How many records lie between the rebuild's position and those offsets, over all partitions. */
        private long gap(Map<TopicPartition, Long> offsets) {
            long gap = 0;
            for (var offset : offsets.entrySet()) {
                if (!consumer.assignment().contains(offset.getKey())) {
                    throw new IllegalStateException("the partitions of " + TOPIC + " changed during the rebuild");
                }
                gap += Math.max(0, offset.getValue() - consumer.position(offset.getKey()));
            }
            return gap;
        }

        private Map<TopicPartition, Long> liveOffsets(DatabaseClient client) {
            return block(client.sql("SELECT partition, next_offset FROM projection_offsets WHERE topic = :topic")
                    .bind("topic", TOPIC)
                    .map(row -> Map.entry(
                            new TopicPartition(TOPIC, row.get("partition", Integer.class)),
                            row.get("next_offset", Long.class)))
                    .all()
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        private String copyHealth() {
            var health = "health_state, health_checked_at, health_latency_ms, health_error_code, "
                    + "health_error_message, health_since";
            return "UPDATE " + copies.table("connections") + " AS n SET (" + health + ") = (o.health_state, "
                    + "o.health_checked_at, o.health_latency_ms, o.health_error_code, o.health_error_message, "
                    + "o.health_since) "
                    + "FROM " + liveSchema + ".connections AS o WHERE o.id = n.id AND o.tenant_id = n.tenant_id "
                    + "AND (o.health_state, o.health_checked_at, o.health_latency_ms, o.health_error_code, "
                    + "o.health_error_message, o.health_since) IS DISTINCT FROM (n.health_state, n.health_checked_at, "
                    + "n.health_latency_ms, n.health_error_code, n.health_error_message, n.health_since)";
        }

        private Consumer<String, byte[]> consumer() {
            Map<String, Object> config = new HashMap<>(consumerFactory.getConfigurationProperties());
            // no group: nothing is committed, and the live projection's group is never touched
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "patchbay-query-rebuild-" + id);
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, pollRecords);
            return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }

        /** Records progress; fails the run when the row says it is no longer running (declared stale). */
        private void heartbeat(String status, boolean started) {
            var now = Instant.now();
            var updated = block(db.sql("""
                    UPDATE projection_rebuilds SET status = :status, heartbeat_at = :now, events_read = :read,
                        started_at = CASE WHEN :started THEN :now ELSE started_at END
                    WHERE rebuild_id = :id AND finished_at IS NULL""")
                    .bind("status", status)
                    .bind("now", now)
                    .bind("read", eventsRead)
                    .bind("started", started)
                    .bind("id", id)
                    .fetch()
                    .rowsUpdated());
            if (updated == null || updated == 0) {
                throw new IllegalStateException("the rebuild was declared abandoned");
            }
            lastHeartbeat = now;
        }

        private void finish(String status, String error) {
            try {
                var statement = db.sql("""
                        UPDATE projection_rebuilds SET status = :status, finished_at = :now, heartbeat_at = :now,
                            events_read = :read, error = :error
                        WHERE rebuild_id = :id AND finished_at IS NULL""")
                        .bind("status", status)
                        .bind("now", Instant.now())
                        .bind("read", eventsRead)
                        .bind("id", id);
                statement = error == null ? statement.bindNull("error", String.class) : statement.bind("error", error);
                block(statement.fetch().rowsUpdated());
            } catch (RuntimeException failed) {
                log.error("Projection rebuild {}: cannot record its end ({})", id, status, failed);
            }
        }

        private void cleanUp() {
            try {
                rollbackQuietly();
                var client = session != null ? session : db;
                execute(client, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (RuntimeException failed) {
                log.error("Projection rebuild {}: cannot drop schema {}; drop it by hand", id, schema, failed);
            }
        }

        private void rollbackQuietly() {
            if (connection != null) {
                Mono.from(connection.rollbackTransaction()).onErrorComplete().block(STATEMENT_TIMEOUT);
            }
        }
    }

    private static void execute(DatabaseClient client, String sql) {
        block(client.sql(sql).then());
    }

    private static <T> T block(Publisher<T> publisher) {
        return Mono.from(publisher).block(STATEMENT_TIMEOUT);
    }

    /** The connection factory under the pool: the rebuild holds its connection for long, and closes it after. */
    private static ConnectionFactory direct(ConnectionFactory factory) {
        if (factory instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            return inner;
        }
        return factory;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
