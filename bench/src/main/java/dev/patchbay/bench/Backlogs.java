package dev.patchbay.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Where the writes of a load are on their way to the read side, sampled every 250 ms: the relay's backlog (events in
 * command-service's event store past the relay's tracking token) and the projection's backlog (records on
 * {@code patchbay.connections.v1} past what query-service has applied, from its {@code projection_offsets} table).
 * Read-only: one SELECT on each database and Kafka's list-offsets.
 */
final class Backlogs implements AutoCloseable {

    private static final String TOPIC = "patchbay.connections.v1";

    private final Connection command;
    private final Connection query;
    private final Admin kafka;
    private final Thread thread;
    private volatile boolean running = true;
    private long relayMax;
    private long relaySum;
    private long projectionMax;
    private long projectionSum;
    private int samples;
    private String failure;

    Backlogs() throws Exception {
        var host = "jdbc:postgresql://127.0.0.1:5432/";
        var user = new Properties();
        user.put("user", "postgres");
        // bench/run passes the databases bin/patchbay named for this checkout
        command = DriverManager.getConnection(host + Bench.env("BENCH_COMMAND_DB", "patchbay_command"), user);
        query = DriverManager.getConnection(host + Bench.env("BENCH_QUERY_DB", "patchbay_query"), user);
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Bench.env("BENCH_KAFKA", "127.0.0.1:9092"));
        kafka = Admin.create(config);
        thread = new Thread(this::loop, "backlogs");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            var partitions = kafka.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS).get(TOPIC)
                    .partitions().stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            while (running) {
                long relay = single(command, "SELECT (SELECT coalesce(max(globalindex), 0) FROM domainevententry) "
                        + "- coalesce((SELECT (convert_from(token, 'UTF8')::json->>'index')::bigint FROM tokenentry "
                        + "WHERE processorname = 'kafka-relay' AND segment = 0), 0)");
                long end = 0;
                for (var info : kafka.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
                    end += info.offset();
                }
                long applied = single(query, "SELECT coalesce(sum(next_offset), 0) FROM projection_offsets "
                        + "WHERE topic = '" + TOPIC + "'");
                synchronized (this) {
                    relayMax = Math.max(relayMax, relay);
                    relaySum += relay;
                    projectionMax = Math.max(projectionMax, end - applied);
                    projectionSum += end - applied;
                    samples++;
                }
                Thread.sleep(250);
            }
        }
        catch (InterruptedException e) {
            // stopped
        }
        catch (Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static long single(Connection connection, String sql) throws Exception {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Writes {@code prefix.relay_backlog_max/avg} and {@code prefix.projection_backlog_max/avg} (events). */
    synchronized void put(Map<String, String> out, String prefix) {
        close();
        if (failure != null) {
            out.put(prefix + ".backlog_error", failure);
        }
        if (samples > 0) {
            out.put(prefix + ".relay_backlog_max", Long.toString(relayMax));
            out.put(prefix + ".relay_backlog_avg", Long.toString(relaySum / samples));
            out.put(prefix + ".projection_backlog_max", Long.toString(projectionMax));
            out.put(prefix + ".projection_backlog_avg", Long.toString(projectionSum / samples));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    void release() {
        close();
        try {
            thread.join(2000);
            command.close();
            query.close();
        }
        catch (Exception e) {
            // closing anyway
        }
        kafka.close(java.time.Duration.ofSeconds(2));
    }

}
