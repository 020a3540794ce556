package dev.patchbay.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under a running create-and-update load, each component is killed with SIGKILL and started again: the broker,
 * query-service, probe-worker and command-service, one at a time. Afterwards every write that got a 2xx is in the
 * event store, on the topic exactly once per version and in order, and in the read tables; and nothing is half
 * done: no live name, vault row or token without the events that made it.
 */
class FaultToleranceIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static final int CLIENTS = 4;
    private static LocalStack stack;

    /** Its connections are also re-checked while components die, so health changes join the load. */
    private final String tenant = LocalStack.RECHECKED_TENANT;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** The highest acknowledged version of each connection. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    private final List<String> serverErrors = new CopyOnWriteArrayList<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger names = new AtomicInteger();

    @BeforeAll
    static void stack() {
        stack = LocalStack.get();
    }

    @Test
    void everyAcknowledgedWriteSurvivesEachComponentBeingKilled() throws Exception {
        var report = new TreeMap<String, String>();
        for (var victim : List.of("broker", "query-service", "probe-worker", "command-service")) {
            load(Duration.ofSeconds(2));
            var killedAt = Instant.now();
            kill(victim);
            load(Duration.ofSeconds(3));
            restart(victim);
            load(Duration.ofSeconds(2));
            report.put(
                    victim,
                    "down and back in "
                            + Duration.between(killedAt, Instant.now()).toMillis() + " ms");
        }

        assertThat(acknowledged).as("writes acknowledged under load").hasSizeGreaterThan(10);
        var stored = eventStoreVersions();
        acknowledged.forEach((id, version) -> assertThat(stored.get(id))
                .as("events of %s in the store", id)
                .isNotNull()
                .isGreaterThanOrEqualTo(version));
        // The topic first, then the read tables: if an event goes missing, this says which side lost it. The
        // tenant's connections are re-checked meanwhile, so a health change may add a version at any time: each
        // look compares with the event store as it stands.
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var relayed = versionsOnTopic(stored);
                    stored.forEach((id, last) -> assertThat(relayed.get(id))
                            .as("versions of %s on the topic (the relay)", id)
                            .isNotNull()
                            .containsAll(versionsUpTo(last)));
                });
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var now = eventStoreVersions();
                    var onTopic = versionsOnTopic(now);
                    now.forEach((id, last) -> assertThat(onTopic.get(id))
                            .as("versions of %s on the topic: once each, in order", id)
                            .isEqualTo(versionsUpTo(last)));
                });
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(readVersions())
                        .as("the read tables (the projection) hold what the event store and the topic hold")
                        .isEqualTo(eventStoreVersions()));

        assertNothingHalfDone();
        assertThat(serverErrors).as("5xx answers to writes").isEmpty();

        System.out.printf(
                "faults: %s; requests %d, acknowledged connections %d, unanswered (in flight at a kill or "
                        + "while command-service was down) %d, 5xx %d%n",
                report, requests.get(), acknowledged.size(), unanswered.get(), serverErrors.size());
    }

    /** The versions on the topic, in offset order, of each of the given connections. */
    private Map<String, List<Long>> versionsOnTopic(Map<String, Long> connections) {
        var onTopic = new HashMap<String, List<Long>>();
        for (var record : Topics.readAll(stack.broker.bootstrapServers(), "patchbay.connections.v1")) {
            if (connections.containsKey(record.key())) {
                var sequence =
                        new String(record.headers().lastHeader("ce_sequence").value());
                onTopic.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(sequence));
            }
        }
        return onTopic;
    }

    private static List<Long> versionsUpTo(long last) {
        var versions = new ArrayList<Long>();
        for (long v = 1; v <= last; v++) {
            versions.add(v);
        }
        return versions;
    }

    /** Creates connections and updates them from several clients for a while; bounded in time and count. */
    private void load(Duration duration) throws InterruptedException {
        var until = Instant.now().plus(duration);
        var pool = Executors.newFixedThreadPool(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            pool.submit(() -> {
                for (int n = 0; n < 200 && Instant.now().isBefore(until); n++) {
                    var id = create("load-" + names.incrementAndGet());
                    if (id != null) {
                        update(id, "first");
                        update(id, "second");
                    }
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS))
                .isTrue();
    }

    private String create(String name) {
        var body = "{\"vendor\":\"postgresql\",\"config_name\":\"" + name + "\",\"config\":{\"host\":\"db\","
                + "\"port\":5432,\"database\":\"d\"},\"credential\":{\"username\":\"u\",\"password\":\"p\"}}";
        var response = send(
                HttpRequest.newBuilder(URI.create(stack.commandService.baseUrl() + "/v1/connections"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                "create " + name);
        if (response == null || response.statusCode() != 201) {
            return null;
        }
        var id = (String) JSON.readValue(response.body(), Map.class).get("id");
        acknowledged.merge(id, version(response), Math::max);
        return id;
    }

    private void update(String id, String displayName) {
        var response = send(
                HttpRequest.newBuilder(URI.create(stack.commandService.baseUrl() + "/v1/connections/" + id))
                        .method(
                                "PATCH",
                                HttpRequest.BodyPublishers.ofString("{\"display_name\":\"" + displayName + "\"}")),
                "update " + id);
        if (response != null && response.statusCode() == 200) {
            acknowledged.merge(id, version(response), Math::max);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String what) {
        requests.incrementAndGet();
        try {
            var response = http.send(
                    request.timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + LocalStack.TOKENS.token(tenant, "editor"))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                serverErrors.add(what + " -> " + response.statusCode() + " " + response.body());
            }
            return response;
        } catch (IOException unanswered) {
            this.unanswered.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long version(HttpResponse<String> response) {
        return Long.parseLong(
                response.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
    }

    private void kill(String victim) {
        switch (victim) {
            case "broker" -> stack.broker.kill();
            case "query-service" -> stack.queryService.kill();
            case "probe-worker" -> stack.probeWorker.kill();
            default -> stack.commandService.kill();
        }
    }

    private void restart(String victim) {
        switch (victim) {
            case "broker" -> stack.broker.restart();
            case "query-service" -> stack.queryService.start(Duration.ofSeconds(120));
            case "probe-worker" -> stack.probeWorker.start(Duration.ofSeconds(120));
            default -> stack.commandService.start(Duration.ofSeconds(120));
        }
    }

    /** The read table's version of each of this tenant's connections. */
    private Map<String, Long> readVersions() throws Exception {
        var versions = new HashMap<String, Long>();
        try (var connection = DriverManager.getConnection(stack.queryDb.jdbcUrl(), "postgres", "");
                var statement = connection.prepareStatement(
                        "SELECT id::text, version FROM connections " + "WHERE tenant_id = ?")) {
            statement.setString(1, tenant);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return versions;
    }

    /** The last version of each of this tenant's connections in the event store. */
    private Map<String, Long> eventStoreVersions() throws Exception {
        var versions = new HashMap<String, Long>();
        try (var connection = DriverManager.getConnection(stack.commandDb.jdbcUrl(), "postgres", "");
                var statement = connection.prepareStatement("SELECT l.connection_id::text, max(e.sequencenumber) + 1 "
                        + "FROM live_connections l JOIN domainevententry e ON e.aggregateidentifier = "
                        + "l.connection_id::text WHERE l.tenant_id = ? GROUP BY l.connection_id")) {
            statement.setString(1, tenant);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return versions;
    }

    /** No live name, sealed secret or webhook token exists without the events of its connection. */
    private void assertNothingHalfDone() throws Exception {
        try (var connection = DriverManager.getConnection(stack.commandDb.jdbcUrl(), "postgres", "");
                var statement = connection.createStatement()) {
            for (var orphans : Set.of(
                    "SELECT count(*) FROM live_connections l WHERE NOT EXISTS (SELECT 1 FROM domainevententry e "
                            + "WHERE e.aggregateidentifier = l.connection_id::text)",
                    "SELECT count(*) FROM sealed_secrets s WHERE NOT EXISTS (SELECT 1 FROM live_connections l "
                            + "WHERE l.connection_id = s.connection_id)",
                    "SELECT count(*) FROM live_connections l WHERE NOT EXISTS (SELECT 1 FROM sealed_secrets s "
                            + "WHERE s.connection_id = l.connection_id) AND NOT EXISTS (SELECT 1 FROM "
                            + "domainevententry e WHERE e.aggregateidentifier = l.connection_id::text AND "
                            + "e.payloadtype LIKE '%ConnectionRevoked')")) {
                try (var rows = statement.executeQuery(orphans)) {
                    rows.next();
                    assertThat(rows.getLong(1)).as(orphans).isZero();
                }
            }
        }
    }
}
