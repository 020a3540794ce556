package dev.patchbay.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The phases of {@code bench/scale} (see bench/README.md) that need more than a shell: the template connections the
 * SQL seed copies, the bulk path onto the topic, updates of one connection, the relay's drain after a broker outage,
 * and a rebuild of the read tables with reads going on. Loopback only, like the rest of the driver.
 *
 * <pre>
 * Bench scale-template
 * Bench scale-produce --from-tenant A --to-tenant B --per-tenant N --template ID
 * Bench scale-update  --name N --tenant T --id ID --seconds S
 * Bench scale-drain   --target-index I --last-id ID --backlog N --since-ms EPOCH_MS [--max-seconds S]
 * Bench scale-rebuild --rows R --concurrency C [--max-seconds S]
 * </pre>
 *
 * Environment besides {@link Bench}'s: {@code BENCH_KAFKA}, {@code BENCH_COMMAND_DB}, {@code BENCH_QUERY_DB}.
 */
final class Scale {

    static final String TOPIC = "patchbay.connections.v1";
    static final String TEMPLATE_TENANT = "scale-template";
    static final String TEMPLATE_CONFIG = "scale-template-config";
    static final String UPDATE_CONFIG = "scale-update-config";

    private final Bench bench;
    private final String kafka = Bench.env("BENCH_KAFKA", "127.0.0.1:9092");
    private final String commandDb = Bench.env("BENCH_COMMAND_DB", "patchbay_command");
    private final String queryDb = Bench.env("BENCH_QUERY_DB", "patchbay_query");

    Scale(Bench bench) {
        this.bench = bench;
    }

    /** The name of seeded tenant {@code k} (1-based); the first is the one the read phases read. */
    static String tenant(int k) {
        return k == 1 ? Bench.READS_TENANT : String.format("scale-t%04d", k);
    }

    /**
     * Two connections made through the API, whose rows and events the seed copies: one as created (version 1), one
     * created and then updated once (its update event is the long-lived connection's model).
     */
    void template() throws Exception {
        var token = bench.jwt.token(TEMPLATE_TENANT);
        var created = bench.api.createDatabaseConnection(token, TEMPLATE_CONFIG);
        var toUpdate = bench.api.createDatabaseConnection(token, UPDATE_CONFIG);
        if (created.status() != 201 || toUpdate.status() != 201) {
            throw new IllegalStateException("template creates failed: " + created + " " + toUpdate);
        }
        var createId = Api.id(created.body());
        var updateId = Api.id(toUpdate.body());
        var patched = bench.api.patch(bench.api.command + "/v1/connections/" + updateId, token,
                "{\"display_name\":\"Warehouse updated\"}");
        if (patched.status() != 200) {
            throw new IllegalStateException("template update failed: " + patched);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"Warehouse updated".equals(Api.field(
                        bench.api.get(bench.api.query + "/v1/connections/" + updateId, token).body(), "display_name"))
                || bench.api.get(bench.api.query + "/v1/connections/" + createId, token).status() != 200) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the template connections are not on query-service after 60 s");
            }
            Thread.sleep(50);
        }
        var out = new TreeMap<String, String>();
        out.put("template.create_id", createId);
        out.put("template.update_id", updateId);
        bench.save("template", out);
        System.out.printf("    template connections: %s (created), %s (updated once)%n", createId, updateId);
    }

    /**
     * The bulk path onto the topic: for tenants A..B and connections 1..N of each, the record the relay published
     * for the template's creation with the ids, tenant and name of the seeded connection, produced at Kafka's own
     * pace. Then every position that would otherwise replay them is set past them: the relay's token and
     * {@code relay_positions}, query-service's consumer group and {@code projection_offsets}. Both services must
     * be stopped meanwhile.
     */
    void produce() throws Exception {
        int from = bench.intArg("from-tenant", 2);
        int to = bench.intArg("to-tenant", 1000);
        int perTenant = bench.intArg("per-tenant", 1000);
        var templateId = bench.args.get("template");
        var template = find(templateId);
        var value = new String(template.value(), StandardCharsets.UTF_8);
        var producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producerConfig.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        var failure = new AtomicReference<Exception>();
        var sent = new AtomicLong();
        long began = System.nanoTime();
        try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            for (int k = from; k <= to && failure.get() == null; k++) {
                var tenant = tenant(k);
                for (int n = 1; n <= perTenant; n++) {
                    var id = Bench.seededId(tenant, n);
                    var body = value.replace(templateId, id).replace(TEMPLATE_CONFIG, "seed-" + n)
                            .replace(TEMPLATE_TENANT, tenant);
                    var headers = new RecordHeaders();
                    for (var header : template.headers()) {
                        var text = new String(header.value(), StandardCharsets.UTF_8);
                        text = switch (header.key()) {
                            case "ce_id" -> UUID.randomUUID().toString();
                            case "ce_subject" -> id;
                            case "ce_tenantid" -> tenant;
                            default -> text;
                        };
                        headers.add(header.key(), text.getBytes(StandardCharsets.UTF_8));
                    }
                    producer.send(new ProducerRecord<>(TOPIC, null, id, body.getBytes(StandardCharsets.UTF_8),
                            headers), (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                                else {
                                    sent.incrementAndGet();
                                }
                            });
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("the bulk produce failed", failure.get());
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        var ends = endOffsets();
        try (var command = database(commandDb); var query = database(queryDb)) {
            for (var end : ends.entrySet()) {
                execute(command, "INSERT INTO relay_positions (topic, partition, next_offset) VALUES ('" + TOPIC
                        + "', " + end.getKey().partition() + ", " + end.getValue() + ") ON CONFLICT (topic, partition)"
                        + " DO UPDATE SET next_offset = EXCLUDED.next_offset");
                execute(query, "INSERT INTO projection_offsets (topic, partition, next_offset) VALUES ('" + TOPIC
                        + "', " + end.getKey().partition() + ", " + end.getValue() + ") ON CONFLICT (topic, partition)"
                        + " DO UPDATE SET next_offset = EXCLUDED.next_offset");
            }
            // the relay's gap-aware token: past the last seeded event, no gaps
            execute(command, "UPDATE tokenentry SET token = convert_to(regexp_replace(regexp_replace("
                    + "convert_from(token, 'UTF8'), '\"index\":[0-9]+', '\"index\":' || (SELECT max(globalindex) "
                    + "FROM domainevententry)), '\\[[0-9,]*\\]\\]\\}$', '[]]}'), 'UTF8') "
                    + "WHERE processorname = 'kafka-relay'");
        }
        var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
        ends.forEach((partition, end) -> offsets.put(partition, new OffsetAndMetadata(end)));
        try (var admin = admin()) {
            admin.alterConsumerGroupOffsets("patchbay-query", offsets).all().get(30, TimeUnit.SECONDS);
        }
        var out = new TreeMap<String, String>();
        out.put("produce.records", Long.toString(sent.get()));
        out.put("produce.seconds", String.format("%.1f", seconds));
        out.put("produce.per_s", String.format("%.0f", sent.get() / seconds));
        out.put("produce.record_bytes", Integer.toString(template.value().length));
        bench.save("produce", out);
        System.out.printf("    bulk path: %d records of %d B onto %s in %.1f s (%.0f/s); positions set past them%n",
                sent.get(), template.value().length, TOPIC, seconds, sent.get() / seconds);
    }

    /**
     * Updates of one connection, one at a time (commands on one connection are serialised by its row lock): the
     * first one alone (it may load the whole history, and snapshot it), then a closed loop.
     */
    void update() throws Exception {
        var name = bench.args.get("name");
        var id = bench.args.get("id");
        var token = bench.jwt.token(bench.args.get("tenant"));
        var url = bench.api.command + "/v1/connections/" + id;
        var seq = new AtomicLong();
        long t0 = System.nanoTime();
        var first = bench.api.patch(url, token, "{\"display_name\":\"first " + System.nanoTime() + "\"}");
        long firstMicros = (System.nanoTime() - t0) / 1000;
        if (first.status() != 200) {
            throw new IllegalStateException("the first update of " + id + " failed: " + first);
        }
        Load.closedLoop(1, bench.doubleArg("warmup-seconds", 2), Long.MAX_VALUE, 200,
                w -> () -> bench.api.patch(url, token, "{\"display_name\":\"w" + seq.incrementAndGet() + "\"}")
                        .status());
        var stats = Load.closedLoop(1, bench.doubleArg("seconds", 10), bench.longArg("max", 100_000), 200,
                w -> () -> bench.api.patch(url, token, "{\"display_name\":\"u" + seq.incrementAndGet() + "\"}")
                        .status());
        var out = new TreeMap<String, String>();
        stats.put(out, name);
        out.put(name + ".first_ms", Load.ms(firstMicros));
        bench.save(name, out);
        System.out.printf("    %s: first %s ms, then %.1f updates/s, p50 %s ms, p99 %s ms (%s)%n", name,
                out.get(name + ".first_ms"), stats.throughput(), out.get(name + ".p50_ms"), out.get(name + ".p99_ms"),
                Bench.statuses(stats));
    }

    /**
     * After a broker outage, from the moment the broker answered again ({@code since-ms}): when the relay's token
     * reached the last event of the backlog, and when query-service had the last connection of it.
     */
    void drain() throws Exception {
        long target = bench.longArg("target-index", 0);
        long backlog = bench.longArg("backlog", 0);
        var lastId = bench.args.get("last-id");
        long since = bench.longArg("since-ms", System.currentTimeMillis());
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(bench.longArg("max-seconds", 600));
        long relayedAt = -1;
        long appliedAt = -1;
        long firstMoveAt = -1;
        long halfwayAt = -1;
        long startIndex = -1;
        try (var command = database(commandDb); var query = database(queryDb)) {
            while (System.currentTimeMillis() < deadline && (relayedAt < 0 || appliedAt < 0)) {
                long now = System.currentTimeMillis();
                if (relayedAt < 0) {
                    long index = single(command, "SELECT (convert_from(token, 'UTF8')::json->>'index')::bigint "
                            + "FROM tokenentry WHERE processorname = 'kafka-relay' AND segment = 0");
                    if (startIndex < 0) {
                        startIndex = index;
                    }
                    else if (firstMoveAt < 0 && index > startIndex) {
                        firstMoveAt = now;
                    }
                    if (halfwayAt < 0 && startIndex >= 0 && index >= startIndex + (target - startIndex) / 2) {
                        halfwayAt = now;
                    }
                    if (index >= target) {
                        relayedAt = now;
                    }
                }
                if (appliedAt < 0 && single(query, "SELECT count(*) FROM connections WHERE id = '" + lastId
                        + "'") > 0) {
                    appliedAt = now;
                }
                Thread.sleep(100);
            }
        }
        var out = new TreeMap<String, String>();
        out.put("drain.backlog", Long.toString(backlog));
        if (relayedAt > 0) {
            double seconds = (relayedAt - since) / 1000.0;
            out.put("drain.relay_seconds", String.format("%.1f", seconds));
            out.put("drain.relay_per_s", String.format("%.0f", backlog / seconds));
            if (firstMoveAt > 0) {
                out.put("drain.relay_first_move_s", String.format("%.1f", (firstMoveAt - since) / 1000.0));
            }
            // the second half alone: a relay whose code the JIT has compiled by then (a short backlog runs mostly
            // in the interpreter of a young command-service)
            if (halfwayAt > 0 && relayedAt > halfwayAt) {
                out.put("drain.relay_second_half_per_s",
                        String.format("%.0f", (backlog / 2.0) / ((relayedAt - halfwayAt) / 1000.0)));
            }
        }
        if (appliedAt > 0) {
            out.put("drain.applied_seconds", String.format("%.1f", (appliedAt - since) / 1000.0));
        }
        bench.save("drain", out);
        System.out.printf("    drain of %d events: relayed %s s after the broker answered (%s events/s; second half "
                + "%s events/s), last one applied on query-service after %s s%n", backlog,
                out.get("drain.relay_seconds"), out.get("drain.relay_per_s"), out.get("drain.relay_second_half_per_s"),
                out.get("drain.applied_seconds"));
    }

    /**
     * A rebuild of the read tables by the operator endpoint, with GETs by id of the read tenant's rows going on
     * meanwhile at a concurrency: how long it took, how many events it read, and how the reads fared. Bounded by
     * {@code max-seconds}: a rebuild that runs longer is measured by its rate until then (it goes on in
     * query-service until the stack is stopped).
     */
    void rebuild() throws Exception {
        int rows = bench.intArg("rows", 1000);
        int concurrency = bench.intArg("concurrency", 4);
        var operatorKey = bench.root.resolve(".patchbay/keys/operator-private.pem");
        var operator = new Jwt(operatorKey, "patchbay-local-operator", "patchbay-operator").operator();
        var token = bench.jwt.token(Bench.READS_TENANT);
        var done = new AtomicBoolean();
        var reads = new Load.Stats();
        var readers = new java.util.ArrayList<Thread>();
        for (int w = 0; w < concurrency; w++) {
            var thread = new Thread(() -> {
                var latencies = Load.histogram();
                while (!done.get()) {
                    int n = 1 + ThreadLocalRandom.current().nextInt(rows);
                    long t0 = System.nanoTime();
                    int answer = bench.api.get(bench.api.query + "/v1/connections/"
                            + Bench.seededId(Bench.READS_TENANT, n), token).status();
                    reads.count(answer);
                    if (answer == 200) {
                        reads.ok.increment();
                        latencies.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                }
                reads.add(latencies);
            }, "reads-during-rebuild-" + w);
            thread.setDaemon(true);
            readers.add(thread);
        }
        long began = System.nanoTime();
        var started = bench.api.post(bench.api.query + "/v1/admin/projections/rebuild", operator, null);
        if (started.status() != 202) {
            throw new IllegalStateException("the rebuild did not start: " + started);
        }
        var rebuildId = Api.field(started.body(), "rebuild_id");
        long readsBegan = System.nanoTime();
        readers.forEach(Thread::start);
        long deadline = began + TimeUnit.SECONDS.toNanos(bench.longArg("max-seconds", 900));
        String status = null;
        String body = null;
        while (System.nanoTime() < deadline) {
            body = bench.api.get(bench.api.query + "/v1/admin/projections/rebuild/" + rebuildId, operator).body();
            status = Api.field(body, "status");
            if ("completed".equals(status) || "failed".equals(status)) {
                break;
            }
            Thread.sleep(500);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        done.set(true);
        for (var thread : readers) {
            thread.join(TimeUnit.SECONDS.toMillis(40));
        }
        reads.nanos = System.nanoTime() - readsBegan;
        var out = new TreeMap<String, String>();
        long events = Long.parseLong(String.valueOf(Api.field(body, "events_read")).replace("null", "0"));
        // a rebuild still running when the phase's time is up is measured by its rate so far
        out.put("rebuild.status", "completed".equals(status) || "failed".equals(status) ? status
                : status + ", still running when measuring stopped");
        out.put("rebuild.seconds", String.format("%.1f", seconds));
        out.put("rebuild.events", Long.toString(events));
        out.put("rebuild.per_s", String.format("%.0f", events / seconds));
        out.put("rebuild.error", String.valueOf(Api.field(body, "error")));
        reads.put(out, "rebuild.reads");
        bench.save("rebuild", out);
        System.out.printf("    rebuild %s: %d events in %.1f s (%.0f/s); reads meanwhile: %s/s, p99 %s ms, %s%n",
                status, events, seconds, events / seconds, out.get("rebuild.reads.throughput"),
                out.get("rebuild.reads.p99_ms"), out.get("rebuild.reads.statuses"));
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The record the relay published for this connection's creation. */
    private ConsumerRecord<String, byte[]> find(String connectionId) {
        var config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (connectionId.equals(record.key())) {
                        return record;
                    }
                }
                boolean atEnd = partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
                if (atEnd) {
                    break;
                }
            }
        }
        throw new IllegalStateException("no record of connection " + connectionId + " on " + TOPIC);
    }

    private Map<TopicPartition, Long> endOffsets() {
        var config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    private Admin admin() {
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        return Admin.create(config);
    }

    private static Connection database(String name) throws Exception {
        var user = new Properties();
        user.put("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + name, user);
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long single(Connection connection, String sql) throws Exception {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : -1;
        }
    }
}
