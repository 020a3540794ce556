package dev.patchbay.e2e;

import com.sun.net.httpserver.HttpServer;
import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.platform.test.TestTokens;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of every service, as several instances run behind a load balancer: two command-services, two
 * query-services and two probe-workers from their fat jars, on one PostgreSQL and one Kafka broker. Creates, updates,
 * rotations, live tests and webhook deliveries are spread over both instances while one instance of each service in
 * turn is killed with SIGKILL and started again: the command-service that holds the relay's claim (with a test in
 * flight on the other), a query-service, a probe worker.
 * <p>
 * Afterwards every acknowledged write is in the event store, on the topic once per version and in order, and in the
 * read tables; the relay resumed on the survivor within its claim timeout; every test was answered to the instance
 * that asked, the one in flight too. The limits kept in PostgreSQL hold exactly across the two instances: one name
 * raced from both, the quota, the test rate limit.
 */
class MultiInstanceIT {

    private static final JsonMapper JSON = new JsonMapper();
    private static final TestTokens TOKENS = new TestTokens();
    private static final Path LOGS = Path.of("target", "logs", "multi-instance");
    private static final int CLIENTS = 3;
    /**
     * Between two rounds of a load client: the load exercises every path on both instances without taking the CPU
     * the killed instances need to start again on a small machine.
     */
    private static final Duration THINK_TIME = Duration.ofMillis(100);
    /** Tests per tenant in an hour: the load's tenants stay below it, the limit's own tenant goes past it. */
    private static final int TEST_LIMIT = 40;
    /** Live connections per tenant; the load takes a new tenant before it gets there. */
    private static final int QUOTA = 30;

    private static final int CONNECTIONS_PER_LOAD_TENANT = 20;
    /** A live test waits this long for a probe worker (then 504); set for this stack. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);
    /** What the stand-in vendor waits before it answers a login whose client id is this: a test held in flight. */
    private static final String SLOW_CLIENT = "slow-client";

    private static final Duration SLOW_ANSWER = Duration.ofSeconds(5);
    /** How long one instance may take to start: generous, since the machine may be busy with other work. */
    private static final Duration STARTUP = Duration.ofSeconds(300);

    private static KafkaBrokerProcess broker;
    private static TestInfrastructure.Database commandDb;
    private static TestInfrastructure.Database queryDb;
    private static HttpServer pluggy;
    private static final List<ServiceProcess> commandServices = new ArrayList<>();
    private static final List<ServiceProcess> queryServices = new ArrayList<>();
    private static final List<ServiceProcess> probeWorkers = new ArrayList<>();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .build();

    /** The highest acknowledged version of each connection. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    private final List<String> serverErrors = new CopyOnWriteArrayList<>();
    private final List<TestAnswer> tests = new CopyOnWriteArrayList<>();
    /** The delivery ids answered for each webhook id, which the load sends to both instances. */
    private final Map<String, List<String>> deliveries = new ConcurrentHashMap<>();

    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /** A live test as its client saw it: the instance asked, when, and what it answered (0: no answer). */
    private record TestAnswer(
            String instance, String connectionId, Instant sent, Instant answered, int status, String body) {}

    @BeforeAll
    static void twoOfEach() throws IOException {
        broker = KafkaBrokerProcess.start();
        commandDb = TestInfrastructure.freshDatabase("multi_command");
        queryDb = TestInfrastructure.freshDatabase("multi_query");
        pluggy = pluggyStandIn();

        var common = new HashMap<String, String>();
        common.put("spring.kafka.bootstrap-servers", broker.bootstrapServers());
        common.put("patchbay.vault.key", randomKey());
        common.put("patchbay.vault.fingerprint-key", randomKey());
        common.put("patchbay.query.cursor-key", randomKey());
        common.put("patchbay.probe.allowed-networks", "127.0.0.0/8");
        common.put("patchbay.probe.allow-insecure-http", "true");
        common.putAll(TOKENS.properties());
        var command = new HashMap<>(common);
        command.putAll(Map.of(
                "spring.datasource.url", commandDb.jdbcUrl(),
                "spring.datasource.username", commandDb.username(),
                "patchbay.probe.timeout", PROBE_TIMEOUT.toSeconds() + "s",
                "patchbay.probe.rate-limit", Integer.toString(TEST_LIMIT),
                "patchbay.probe.rate-period", "1h",
                "patchbay.quota.connections-per-tenant", Integer.toString(QUOTA)));
        var query = new HashMap<>(common);
        query.putAll(Map.of(
                "spring.r2dbc.url", queryDb.r2dbcUrl(),
                "spring.r2dbc.username", queryDb.username(),
                "spring.flyway.url", queryDb.jdbcUrl(),
                "spring.flyway.user", queryDb.username()));
        var probe = new HashMap<>(common);
        probe.putAll(Map.of(
                "spring.datasource.url", commandDb.jdbcUrl(),
                "spring.datasource.username", commandDb.username(),
                "patchbay.connectors.hosts.pluggy", "api.pluggy.ai,127.0.0.1"));
        for (int i = 1; i <= 2; i++) {
            commandServices.add(ServiceProcess.create("command-service", "command-service-" + i, command, LOGS));
            queryServices.add(ServiceProcess.create("query-service", "query-service-" + i, query, LOGS));
            probeWorkers.add(ServiceProcess.create("probe-worker", "probe-worker-" + i, probe, LOGS));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(MultiInstanceIT::stopAll));
        try {
            // The first command-service migrates the database the others need (the vault's tables among them). The
            // others start two at a time: more JVMs starting at once on two cores only take longer each.
            commandServices.get(0).start(STARTUP, "/actuator/health/liveness");
            var starting = Executors.newFixedThreadPool(2);
            try {
                var others = new ArrayList<CompletableFuture<?>>();
                others.add(CompletableFuture.runAsync(
                        () -> commandServices.get(1).start(STARTUP, "/actuator/health/liveness"), starting));
                for (var service :
                        List.of(probeWorkers.get(0), queryServices.get(0), probeWorkers.get(1), queryServices.get(1))) {
                    others.add(CompletableFuture.runAsync(() -> service.start(STARTUP), starting));
                }
                CompletableFuture.allOf(others.toArray(CompletableFuture[]::new))
                        .join();
            } finally {
                starting.shutdown();
            }
            for (var service : commandServices) {
                service.awaitHealthy(Duration.ofSeconds(60));
            }
        } catch (RuntimeException failedToStart) {
            stopAll();
            throw failedToStart;
        }
    }

    /** Each test starts with all six: a test before it may have ended while a killed instance was starting again. */
    @BeforeEach
    void everyInstanceRuns() {
        for (var service : List.of(commandServices, queryServices, probeWorkers).stream()
                .flatMap(List::stream)
                .toList()) {
            if (service.isAlive()) {
                service.awaitHealthy(STARTUP);
            } else {
                service.start(STARTUP);
            }
        }
    }

    @AfterAll
    static void stopAll() {
        List.of(probeWorkers, commandServices, queryServices)
                .forEach(services -> services.forEach(ServiceProcess::kill));
        if (broker != null) {
            broker.close();
        }
        if (pluggy != null) {
            pluggy.stop(0);
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesOneInstanceOfEachServiceBeingKilled() throws Exception {
        var report = new ConcurrentSkipListMap<String, String>();
        var hooks = webhookUrl();
        var slow = create(commandServices.get(0), "multi-slow", "slow-vendor", pluggyConnection("slow", SLOW_CLIENT));
        assertThat(slow).as("the stand-in vendor's connection").isNotNull();

        try (var load = new Load(hooks)) {
            pause(Duration.ofSeconds(3));

            // command-service: the instance that holds the relay's claim, while the other has a test in flight
            var holder = relayHolder();
            var survivor = other(commandServices, holder);
            var inFlight = CompletableFuture.supplyAsync(() -> test(survivor, "multi-slow", slow));
            pause(Duration.ofSeconds(1));
            var killedAt = Instant.now();
            holder.kill();
            var relayResumed = relayResumedOn(survivor, killedAt);
            report.put("command-service", "relay resumed on the survivor after " + relayResumed.toMillis() + " ms");
            var answer = inFlight.join();
            assertThat(answer.status())
                    .as("the test in flight when the other instance died")
                    .isEqualTo(200);
            assertThat(answer.answered())
                    .as("answered after the kill: it was in flight")
                    .isAfter(killedAt);
            assertThat(JSON.readTree(answer.body()).get("healthy").asBoolean())
                    .as(answer.body())
                    .isTrue();
            // Each victim starts again in the background while the next one is killed: the load meets one instance
            // of each service gone, one after the other, and the run stays short.
            var restarts = new ArrayList<CompletableFuture<Void>>();
            restarts.add(restart(holder, killedAt, report));
            assertThat(relayResumed)
                    .as("the relay resumes on the survivor within the claim timeout and claim interval")
                    .isLessThan(Duration.ofSeconds(30));
            pause(Duration.ofSeconds(3));

            var queryVictim = queryServices.get(0);
            var queryKilledAt = Instant.now();
            queryVictim.kill();
            restarts.add(restart(queryVictim, queryKilledAt, report));
            pause(Duration.ofSeconds(3));

            var probeVictim = probeWorkers.get(1);
            probeOutageFrom = Instant.now();
            probeVictim.kill();
            restarts.add(restart(probeVictim, probeOutageFrom, report));
            CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).join();
            probeOutageUntil = Instant.now().plus(PROBE_TIMEOUT);
            pause(Duration.ofSeconds(3));
        }

        System.out.printf("multi-instance faults: %s%n", report);
        assertThat(acknowledged).as("writes acknowledged under load").hasSizeGreaterThan(20);
        // The store may still take events after the load: a test's answer that reaches command-service late (the
        // killed probe worker's requests are redelivered to the other one, answers still in flight at a kill) is
        // recorded when it arrives. So the read tables are compared with the store until both agree, each poll
        // reading both anew, and what came after the load is reported.
        var lastBeforeTheEnd = lastGlobalIndex();
        var settled = new AtomicReference<Map<String, Long>>();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var store = eventStoreVersions();
                    settled.set(store);
                    assertThat(readVersions())
                            .as("the read tables (both query-services' projection) hold what the event store holds")
                            .isEqualTo(store);
                });
        var stored = settled.get();
        report.put("events stored after the load", eventsAfter(lastBeforeTheEnd).toString());
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    var relayed = versionsOnTopic(stored);
                    stored.forEach((id, last) -> assertThat(relayed.get(id))
                            .as("versions of %s on the topic (the relay)", id)
                            .isNotNull()
                            .containsAll(versionsUpTo(last)));
                });
        acknowledged.forEach((id, version) -> assertThat(stored.get(id))
                .as("events of %s in the store", id)
                .isNotNull()
                .isGreaterThanOrEqualTo(version));
        // read after the store: an event stored since (a late test answer) may be there too, and is checked as well
        var onTopic = versionsOnTopic(stored);
        var storedNow = eventStoreVersions();
        stored.forEach((id, last) -> assertThat(onTopic.get(id))
                .as("versions of %s on the topic: once each, in order", id)
                .isEqualTo(versionsUpTo(Math.max(last, onTopic.get(id).size())))
                .hasSizeLessThanOrEqualTo(storedNow.get(id).intValue()));
        assertThat(serverErrors).as("5xx answers to writes and deliveries").isEmpty();
        assertTestsAnswered();
        assertDeliveriesOnceEach();

        System.out.printf(
                "multi-instance: %s; requests %d, acknowledged connections %d, tests %d (answered 200: %d, 504 while "
                        + "a probe worker was away: %d), webhook ids %d, unanswered (in flight at a kill, or sent to "
                        + "the dead instance) %d%n",
                report,
                requests.get(),
                acknowledged.size(),
                tests.size(),
                tests.stream().filter(t -> t.status() == 200).count(),
                tests.stream().filter(t -> t.status() == 504).count(),
                deliveries.size(),
                unanswered.get());
    }

    @Test
    void limitsKeptInPostgresqlAreExactAcrossBothInstances() throws Exception {
        // one name, raced from both instances: exactly one create wins
        var sameName = race(16, i -> create(commandServices.get(i % 2), "multi-names", "raced", postgresConnection()));
        assertThat(sameName.getOrDefault(201, 0))
                .as("creates of one name: %s", sameName)
                .isEqualTo(1);
        assertThat(sameName.getOrDefault(409, 0))
                .as("creates of one name: %s", sameName)
                .isEqualTo(15);

        // the quota: 8 left, 16 creates raced from both instances
        for (int i = 0; i < QUOTA - 8; i++) {
            assertThat(create(commandServices.get(i % 2), "multi-quota", "before-" + i, postgresConnection()))
                    .isNotNull();
        }
        var quota =
                race(16, i -> create(commandServices.get(i % 2), "multi-quota", "raced-" + i, postgresConnection()));
        assertThat(quota.getOrDefault(201, 0))
                .as("creates up to the quota: %s", quota)
                .isEqualTo(8);
        assertThat(quota.getOrDefault(403, 0))
                .as("creates past the quota: %s", quota)
                .isEqualTo(8);

        // the test rate limit: 10 more tests than the limit, raced from both instances
        var tested = create(commandServices.get(0), "multi-limit", "limited", postgresConnection());
        var limited = race(
                TEST_LIMIT + 10,
                i -> test(commandServices.get(i % 2), "multi-limit", tested).status());
        assertThat(limited.getOrDefault(429, 0))
                .as("tests past the limit: %s", limited)
                .isEqualTo(10);
        assertThat(limited.getOrDefault(200, 0))
                .as("tests within the limit: %s", limited)
                .isEqualTo(TEST_LIMIT);
        System.out.printf("multi-instance limits: one name %s, quota %s, test limit %s%n", sameName, quota, limited);
    }

    /** Creates, updates, rotations, tests and webhook deliveries from several clients, spread over both instances. */
    private final class Load implements AutoCloseable {

        private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        private final URI hooks;
        private volatile boolean running = true;

        Load(URI hooks) {
            this.hooks = hooks;
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.submit(() -> run(client));
            }
        }

        private void run(int client) {
            var random = ThreadLocalRandom.current();
            for (int n = 0; running && n < 2_000; n++) {
                var tenant = "multi-load-" + client + "-" + n / CONNECTIONS_PER_LOAD_TENANT;
                int first = random.nextInt(2);
                var one = commandServices.get(first);
                var another = commandServices.get(1 - first);
                var id = create(one, tenant, "load-" + client + "-" + n, postgresConnection());
                if (id == null) {
                    continue;
                }
                update(another, tenant, id, Map.of("display_name", "second look " + n));
                update(one, tenant, id, Map.of("credential", Map.of("username", "postgres", "password", "p" + n)));
                if (n % 2 == 0) {
                    test(commandServices.get(random.nextInt(2)), tenant, id);
                }
                if (n % 4 == 1) {
                    deliver("load-" + client + "-" + n, first);
                }
                pause(THINK_TIME);
            }
        }

        /** One webhook delivery, and the same delivery (same webhook-id) to the other instance. */
        private void deliver(String webhookId, int first) {
            for (int i : List.of(first, 1 - first)) {
                var response = send(
                        HttpRequest.newBuilder(URI.create(commandServices.get(i).baseUrl() + hooks.getPath()))
                                .header("webhook-id", webhookId)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"event\":\"item/updated\",\"itemId\":\"" + webhookId + "\"}")),
                        null,
                        "delivery " + webhookId);
                if (response != null && response.statusCode() == 202) {
                    deliveries
                            .computeIfAbsent(webhookId, k -> new CopyOnWriteArrayList<>())
                            .add(JSON.readTree(response.body())
                                    .get("delivery_id")
                                    .asString());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            clients.shutdown();
            assertThat(clients.awaitTermination(PROBE_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS))
                    .isTrue();
        }
    }

    /** While a killed probe worker's requests wait for the group to move its partitions to the survivor. */
    private volatile Instant probeOutageFrom = Instant.MAX;

    private volatile Instant probeOutageUntil = Instant.MAX;

    /**
     * Every test sent to an instance that lived to answer was answered, with the result of the connection it asked
     * about; only a test that a killed probe worker had taken may have run into the timeout (504), since a worker
     * commits a request when it hands it over (ProbeRequestListener).
     */
    private void assertTestsAnswered() throws IOException {
        assertThat(tests).as("tests sent under load").hasSizeGreaterThan(5);
        for (var test : tests) {
            if (test.status() == 0) {
                continue;
            }
            if (test.status() == 504
                    && test.answered().isAfter(probeOutageFrom)
                    && test.sent().isBefore(probeOutageUntil)) {
                continue;
            }
            assertThat(test.status())
                    .as("test of %s on %s: %s", test.connectionId(), test.instance(), test.body())
                    .isEqualTo(200);
            assertThat(JSON.readTree(test.body()).get("connection_id").asString())
                    .as("the answer %s got", test.instance())
                    .isEqualTo(test.connectionId());
        }
    }

    /** A delivery taken by both instances is one delivery: one id, once on the topic. */
    private void assertDeliveriesOnceEach() {
        assertThat(deliveries).as("webhook deliveries under load").isNotEmpty();
        var published = new HashMap<String, Integer>();
        for (var record : Topics.readAll(broker.bootstrapServers(), "patchbay.webhooks.v1")) {
            published.merge(
                    new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        deliveries.forEach((webhookId, ids) -> {
            assertThat(Set.copyOf(ids))
                    .as("delivery ids answered for %s by both instances: one delivery", webhookId)
                    .hasSize(1);
            assertThat(published.get(ids.get(0)))
                    .as("records of delivery %s on the topic", webhookId)
                    .isEqualTo(1);
        });
    }

    /**
     * How long after the kill of the relay's holder an event written on the survivor reached the topic; by then the
     * survivor must hold the claim.
     */
    private Duration relayResumedOn(ServiceProcess survivor, Instant killedAt) throws Exception {
        try (var consumer = new KafkaConsumer<String, byte[]>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "multi-instance-" + UUID.randomUUID()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var topic = "patchbay.connections.v1";
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            String marker = null;
            while (marker == null && Instant.now().isBefore(killedAt.plusSeconds(60))) {
                marker = create(survivor, "multi-marker", "after-" + UUID.randomUUID(), postgresConnection());
            }
            assertThat(marker).as("a create on the survivor").isNotNull();
            var deadline = Instant.now().plusSeconds(90);
            while (Instant.now().isBefore(deadline)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (marker.equals(record.key())) {
                        var resumed = Duration.between(killedAt, Instant.now());
                        assertThat(relayHolder()).as("the relay's holder").isSameAs(survivor);
                        return resumed;
                    }
                }
            }
            throw new AssertionError("the relay did not publish an event written after the kill within 90 s");
        }
    }

    /** The command-service whose process holds the relay's claim (Axon names an owner pid@host). */
    private ServiceProcess relayHolder() throws SQLException {
        try (var connection = DriverManager.getConnection(commandDb.jdbcUrl(), "postgres", "");
                var rows = connection
                        .createStatement()
                        .executeQuery("SELECT owner FROM tokenentry WHERE processorname = 'kafka-relay'")) {
            assertThat(rows.next()).as("the relay's token").isTrue();
            var owner = rows.getString(1);
            assertThat(owner).as("the relay's owner").isNotNull();
            long pid = Long.parseLong(owner.substring(0, owner.indexOf('@')));
            return commandServices.stream()
                    .filter(service -> service.pid() == pid)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no command-service has pid " + owner));
        }
    }

    /** Starts a killed instance again, in the background; the report says how long it was gone. */
    private static CompletableFuture<Void> restart(
            ServiceProcess victim, Instant killedAt, Map<String, String> report) {
        return CompletableFuture.runAsync(() -> {
            victim.start(STARTUP);
            report.merge(
                    victim.name(),
                    "killed and UP again in "
                            + Duration.between(killedAt, Instant.now()).toMillis() + " ms",
                    (a, b) -> a + ", " + b);
        });
    }

    private static ServiceProcess other(List<ServiceProcess> pair, ServiceProcess one) {
        return pair.get(0) == one ? pair.get(1) : pair.get(0);
    }

    /** Sends the same request n times at once (the i-th from {@code call.apply(i)}); counts the answers by status. */
    private static Map<Integer, Integer> race(int n, Function<Integer, Object> call) {
        var pool = Executors.newFixedThreadPool(n);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            var answers = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    start.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return call.apply(i);
                            },
                            pool))
                    .toList();
            start.countDown();
            var counts = new TreeMap<Integer, Integer>();
            for (var answer : answers) {
                counts.merge(statusOf(answer.join()), 1, Integer::sum);
            }
            return counts;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A race's answer: a create's id (201) or its status, a test's status. */
    private static int statusOf(Object answer) {
        if (answer instanceof Integer status) {
            return status;
        }
        if (answer instanceof String s && s.startsWith("status:")) {
            return Integer.parseInt(s.substring("status:".length()));
        }
        return answer == null ? 0 : 201;
    }

    /** Answers the created connection's id, or null; in a race, "status:N" for another answer. */
    private String create(ServiceProcess instance, String tenant, String name, Map<String, Object> connection) {
        var body = new HashMap<>(connection);
        body.put("config_name", name);
        var response = send(
                HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/v1/connections"))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                tenant,
                "create " + name + " on " + instance.name());
        if (response == null) {
            return null;
        }
        if (response.statusCode() != 201) {
            return tenant.startsWith("multi-load") || tenant.equals("multi-marker")
                    ? null
                    : "status:" + response.statusCode();
        }
        var id = JSON.readTree(response.body()).get("id").asString();
        acknowledged.merge(id, version(response), Math::max);
        return id;
    }

    private void update(ServiceProcess instance, String tenant, String id, Map<String, Object> change) {
        var response = send(
                HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/v1/connections/" + id))
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(change))),
                tenant,
                "update " + id + " on " + instance.name());
        if (response != null && response.statusCode() == 200) {
            acknowledged.merge(id, version(response), Math::max);
        }
    }

    private TestAnswer test(ServiceProcess instance, String tenant, String id) {
        var sent = Instant.now();
        HttpResponse<String> response;
        requests.incrementAndGet();
        try {
            response = http.send(
                    HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/v1/connections/" + id + "/test"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(PROBE_TIMEOUT.plusSeconds(10))
                            .header("Authorization", "Bearer " + TOKENS.token(tenant, "editor"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException noAnswer) {
            unanswered.incrementAndGet();
            response = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = null;
        }
        var answer = new TestAnswer(
                instance.name(),
                id,
                sent,
                Instant.now(),
                response == null ? 0 : response.statusCode(),
                response == null ? "" : response.body());
        if (!tenant.equals("multi-limit")) {
            tests.add(answer);
        }
        return answer;
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String tenant, String what) {
        requests.incrementAndGet();
        try {
            request.timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json");
            if (tenant != null) {
                request.header("Authorization", "Bearer " + TOKENS.token(tenant, "editor"));
            }
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                serverErrors.add(what + " -> " + response.statusCode() + " " + response.body());
            }
            return response;
        } catch (IOException noAnswer) {
            unanswered.incrementAndGet();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A webhook URL of a Pluggy connection of its own tenant, minted for this run. */
    private URI webhookUrl() {
        var id = create(commandServices.get(0), "multi-webhooks", "hooks", pluggyConnection("hooks", "client"));
        assertThat(id).isNotNull();
        var minted = send(
                HttpRequest.newBuilder(URI.create(commandServices.get(0).baseUrl() + "/v1/webhooks/tokens"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"vendor\":\"pluggy\",\"connection_config_name\":\"hooks\"}")),
                "multi-webhooks",
                "mint");
        assertThat(minted).isNotNull();
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
        return URI.create(JSON.readTree(minted.body()).get("webhook_url").asString());
    }

    /** The local PostgreSQL, which the probe workers may reach: a real, fast check. */
    private static Map<String, Object> postgresConnection() {
        return Map.of(
                "vendor",
                "postgresql",
                "config",
                Map.of("host", "127.0.0.1", "port", 5432, "database", "postgres", "tls_mode", "disable"),
                "credential",
                Map.of("username", "postgres", "password", "unused"));
    }

    private static Map<String, Object> pluggyConnection(String account, String clientId) {
        return Map.of(
                "vendor",
                "pluggy",
                "base_url",
                "http://127.0.0.1:" + pluggy.getAddress().getPort(),
                "account_ref",
                account,
                "credential",
                Map.of("client_id", clientId, "secret", "s"));
    }

    /**
     * Stands in for Pluggy, which is unreachable from here: a login answers an API key, after {@link #SLOW_ANSWER}
     * for {@link #SLOW_CLIENT}, which holds a test in flight while an instance is killed.
     */
    private static HttpServer pluggyStandIn() throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/auth", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains(SLOW_CLIENT)) {
                pause(SLOW_ANSWER);
            }
            var answer = "{\"apiKey\":\"stand-in\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** The versions on the topic, in offset order, of each of the given connections. */
    private static Map<String, List<Long>> versionsOnTopic(Map<String, Long> connections) {
        var onTopic = new HashMap<String, List<Long>>();
        for (var record : Topics.readAll(broker.bootstrapServers(), "patchbay.connections.v1")) {
            if (connections.containsKey(record.key())) {
                var sequence =
                        new String(record.headers().lastHeader("ce_sequence").value(), StandardCharsets.UTF_8);
                onTopic.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(Long.parseLong(sequence));
            }
        }
        return onTopic;
    }

    private static List<Long> versionsUpTo(long last) {
        return IntStream.rangeClosed(1, (int) last).mapToObj(v -> (long) v).toList();
    }

    /** The last version of every connection in the event store. */
    private static Map<String, Long> eventStoreVersions() throws SQLException {
        return versions(
                commandDb.jdbcUrl(),
                "SELECT aggregateidentifier, max(sequencenumber) + 1 FROM domainevententry GROUP BY aggregateidentifier");
    }

    private static long lastGlobalIndex() throws SQLException {
        try (var connection = DriverManager.getConnection(commandDb.jdbcUrl(), "postgres", "");
                var rows = connection.createStatement().executeQuery("SELECT max(globalindex) FROM domainevententry")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** How many events of each type the store took after that global index. */
    private static Map<String, Long> eventsAfter(long globalIndex) throws SQLException {
        var counts = new TreeMap<String, Long>();
        try (var connection = DriverManager.getConnection(commandDb.jdbcUrl(), "postgres", "");
                var query = connection.prepareStatement(
                        "SELECT payloadtype, count(*) FROM domainevententry WHERE globalindex > ? GROUP BY payloadtype")) {
            query.setLong(1, globalIndex);
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1).substring(rows.getString(1).lastIndexOf('.') + 1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /** The read table's version of every connection. */
    private static Map<String, Long> readVersions() throws SQLException {
        return versions(queryDb.jdbcUrl(), "SELECT id::text, version FROM connections");
    }

    private static Map<String, Long> versions(String jdbcUrl, String query) throws SQLException {
        var versions = new HashMap<String, Long>();
        try (var connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                var rows = connection.createStatement().executeQuery(query)) {
            while (rows.next()) {
                versions.put(rows.getString(1), rows.getLong(2));
            }
        }
        return versions;
    }

    private static long version(HttpResponse<String> response) {
        return Long.parseLong(
                response.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
