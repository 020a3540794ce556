package dev.patchbay.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * Patchbay's benchmark driver: one phase per invocation, called by {@code bench/run}, each bounded in seconds and
 * in requests, each writing its figures to {@code <run dir>/<phase>.properties}; {@code report} turns them into the
 * table. Only loopback addresses are ever sent to.
 *
 * <pre>
 * Bench rest
 * Bench warmup   --seconds S --concurrency C
 * Bench create   --name N --concurrency C --seconds S --max M
 * Bench lag      --name N --rate R|max --seconds S --max M [--track-per-second T] [--poll-ms P]
 * Bench reads    --name N --mode byid|first|next --rows R --concurrency C --seconds S --max M
 * Bench tests    --connections K --concurrency C --seconds S --max M
 * Bench proxy    --seconds S --warmup-seconds W --concurrency 1,32 [--max M]
 * Bench settle   --name AFTER [--within-ms W] [--max-seconds S]
 * Bench report   --out FILE
 * Bench jfr-top  FILE [--top N]
 * </pre>
 *
 * Environment: {@code BENCH_RUN_DIR} (where the figures go), {@code BENCH_RUN_ID} (prefix of the tenants this run
 * creates), {@code PATCHBAY_ROOT} (the repository: keys and pid files), {@code BENCH_COMMAND_URL},
 * {@code BENCH_QUERY_URL}.
 */
public final class Bench {

    /** The tenant whose read table bench/run seeds with one SQL statement. */
    static final String READS_TENANT = "bench-reads";

    final Map<String, String> args;
    final Path runDir;
    final Path root;
    final String runId;
    final Api api;
    final Jwt jwt;

    private Bench(Map<String, String> args) throws Exception {
        this.args = args;
        this.runDir = Path.of(env("BENCH_RUN_DIR", "target/runs/adhoc"));
        this.root = Path.of(env("PATCHBAY_ROOT", ".."));
        this.runId = env("BENCH_RUN_ID", "bench-adhoc");
        this.api = new Api(env("BENCH_COMMAND_URL", "http://127.0.0.1:8080"),
                env("BENCH_QUERY_URL", "http://127.0.0.1:8081"), Duration.ofSeconds(30));
        var key = root.resolve(".patchbay/keys/jwt-private.pem");
        this.jwt = Files.exists(key) ? new Jwt(key, env("PATCHBAY_SECURITY_JWT_ISSUER", "patchbay-local"),
                env("PATCHBAY_SECURITY_JWT_AUDIENCE", "patchbay")) : null;
        Files.createDirectories(runDir);
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: Bench rest|warmup|create|lag|reads|tests|report|jfr-top [--key value]...");
            System.exit(2);
        }
        var args = new HashMap<String, String>();
        var positional = new ArrayList<String>();
        for (int i = 1; i < argv.length; i++) {
            if (argv[i].startsWith("--") && i + 1 < argv.length) {
                args.put(argv[i].substring(2), argv[++i]);
            }
            else {
                positional.add(argv[i]);
            }
        }
        if (argv[0].equals("jfr-top")) {
            JfrTop.print(Path.of(positional.get(0)), Integer.parseInt(args.getOrDefault("top", "25")));
            return;
        }
        var bench = new Bench(args);
        switch (argv[0]) {
            case "rest" -> bench.rest();
            case "warmup" -> bench.warmup();
            case "create" -> bench.create();
            case "lag" -> bench.lag();
            case "reads" -> bench.reads();
            case "tests" -> bench.tests();
            case "proxy" -> bench.proxy();
            case "settle" -> bench.settle();
            case "report" -> Report.write(bench.runDir, Path.of(args.get("out")));
            case "scale-template" -> new Scale(bench).template();
            case "scale-produce" -> new Scale(bench).produce();
            case "scale-update" -> new Scale(bench).update();
            case "scale-drain" -> new Scale(bench).drain();
            case "scale-rebuild" -> new Scale(bench).rebuild();
            default -> {
                System.err.println("unknown phase " + argv[0]);
                System.exit(2);
            }
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------------- phases

    /** Each service's resident set at rest: the mean of 12 samples over 3 s. */
    private void rest() throws Exception {
        var out = new TreeMap<String, String>();
        for (var service : Sampler.SERVICES) {
            var pid = Sampler.pid(root.resolve(".patchbay/run"), service);
            long sum = 0;
            int n = 0;
            for (int i = 0; i < 12 && pid != null; i++) {
                long kib = Sampler.rssKib(pid);
                if (kib > 0) {
                    sum += kib;
                    n++;
                }
                Thread.sleep(250);
            }
            if (n > 0) {
                out.put("rest.rss_mib." + service, Sampler.mib(sum / n));
            }
        }
        save("rest", out);
    }

    /**
     * Unmeasured creates and reads, so that the measured phases see warm JITs and pools; leaves one created
     * connection (visible on the read side) as the template of the seeded read table and of the pgbench payloads.
     */
    private void warmup() throws Exception {
        int concurrency = intArg("concurrency", 8);
        double seconds = doubleArg("seconds", 10);
        var ids = new ConcurrentHashMap<String, String>();
        var tokens = tokens("warm", concurrency);
        var seq = new AtomicLong();
        var stats = Load.closedLoop(concurrency, seconds, Long.MAX_VALUE, 201, w -> () -> {
            var answer = api.createDatabaseConnection(tokens.get(w), "c" + seq.incrementAndGet());
            if (answer.status() == 201) {
                ids.putIfAbsent(Api.id(answer.body()), tokens.get(w));
            }
            return answer.status();
        });
        if (ids.isEmpty()) {
            throw new IllegalStateException("no create succeeded during the warm-up: " + stats.statuses);
        }
        var template = ids.keySet().iterator().next();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (api.get(api.query + "/v1/connections/" + template, ids.get(template)).status() != 200) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("connection " + template + " is not visible on query-service 30 s "
                        + "after its create: is the relay or the projection stuck?");
            }
            Thread.sleep(50);
        }
        var idList = new ArrayList<>(ids.entrySet());
        var reads = Load.closedLoop(concurrency, seconds / 2, Long.MAX_VALUE, 200, w -> () -> {
            var entry = idList.get(ThreadLocalRandom.current().nextInt(idList.size()));
            return ThreadLocalRandom.current().nextBoolean()
                    ? api.get(api.query + "/v1/connections/" + entry.getKey(), entry.getValue()).status()
                    : api.get(api.query + "/v1/connections?limit=20", entry.getValue()).status();
        });
        var out = new TreeMap<String, String>();
        out.put("warmup.template_id", template);
        stats.put(out, "warmup.create");
        reads.put(out, "warmup.reads");
        save("warmup", out);
        System.out.printf("    warm-up: %d creates (%s), %d reads (%s); template connection %s%n", stats.requests(),
                statuses(stats), reads.requests(), statuses(reads), template);
    }

    /** Closed-loop creates at a concurrency: throughput and latency; every worker has a tenant of its own. */
    private void create() throws Exception {
        var name = args.get("name");
        int concurrency = intArg("concurrency", 1);
        var tokens = tokens(name, concurrency);
        var seq = new AtomicLong();
        // this JVM's own warm-up (its JIT, the client's connections), unmeasured
        Load.closedLoop(concurrency, doubleArg("warmup-seconds", 2), Long.MAX_VALUE, 201,
                w -> () -> api.createDatabaseConnection(tokens.get(w), "w" + seq.incrementAndGet()).status());
        var sampler = new Sampler(root.resolve(".patchbay/run"));
        var backlogs = new Backlogs();
        var stats = Load.closedLoop(concurrency, doubleArg("seconds", 20), longArg("max", 100_000), 201,
                w -> () -> api.createDatabaseConnection(tokens.get(w), "c" + seq.incrementAndGet()).status());
        var out = new TreeMap<String, String>();
        stats.put(out, name);
        sampler.put(out, name);
        backlogs.put(out, name);
        backlogs.release();
        out.put(name + ".concurrency", Integer.toString(concurrency));
        save(name, out);
        System.out.printf("    %s: %.1f creates/s, p50 %s ms, p99 %s ms (%s); backlog max: relay %s, projection "
                + "%s events%n", name, stats.throughput(), out.get(name + ".p50_ms"), out.get(name + ".p99_ms"),
                statuses(stats), out.get(name + ".relay_backlog_max"), out.get(name + ".projection_backlog_max"));
    }

    /**
     * Read-your-write lag: creates at a fixed rate (or closed-loop at concurrency 32, the highest sustained rate);
     * a sample of them (about {@code track-per-second}) is polled on query-service by id, without a
     * Consistency-Token (see {@link LagTracker} for how often); the lag is from the moment the 201 was received to
     * the moment the first 200 was.
     */
    private void lag() throws Exception {
        var name = args.get("name");
        var rate = args.getOrDefault("rate", "100");
        double seconds = doubleArg("seconds", 20);
        long max = longArg("max", 100_000);
        int concurrency = intArg("concurrency", 32);
        var tokens = tokens(name, concurrency);
        var seq = new AtomicLong();
        var sampler = new Sampler(root.resolve(".patchbay/run"));
        var backlogs = new Backlogs();
        try (var tracker = new LagTracker(api, doubleArg("track-per-second", 25), intArg("poll-ms", 2))) {
            Load.Stats stats;
            if (rate.equals("max")) {
                stats = Load.closedLoop(concurrency, seconds, max, 201, w -> () -> {
                    var answer = api.createDatabaseConnection(tokens.get(w), "c" + seq.incrementAndGet());
                    if (answer.status() == 201) {
                        tracker.offer(tokens.get(w), Api.id(answer.body()), System.nanoTime());
                    }
                    return answer.status();
                });
            }
            else {
                stats = Load.openLoop(Double.parseDouble(rate), seconds, max, concurrency, 201, () -> {
                    long n = seq.incrementAndGet();
                    var token = tokens.get((int) (n % concurrency));
                    var answer = api.createDatabaseConnection(token, "c" + n);
                    if (answer.status() == 201) {
                        tracker.offer(token, Api.id(answer.body()), System.nanoTime());
                    }
                    return answer.status();
                });
            }
            var out = new TreeMap<String, String>();
            backlogs.put(out, name);
            backlogs.release();
            tracker.drain(Duration.ofSeconds(12));
            stats.put(out, name + ".create");
            sampler.put(out, name);
            Load.putLatency(out, name + ".lag", tracker.lag);
            out.put(name + ".rate", rate);
            out.put(name + ".tracked", Long.toString(tracker.tracked.sum()));
            out.put(name + ".visible", Long.toString(tracker.visible.sum()));
            out.put(name + ".not_visible", Long.toString(tracker.invisible.sum()));
            out.put(name + ".polls", Long.toString(tracker.polls.sum()));
            out.put(name + ".not_sampled_pollers_busy", Long.toString(tracker.skipped.sum()));
            out.put(name + ".poll_ms", Integer.toString(intArg("poll-ms", 2)));
            save(name, out);
            System.out.printf("    %s: %.1f creates/s; lag of %d sampled creates: p50 %s ms, p99 %s ms "
                    + "(%d not visible within 10 s; %s); backlog max: relay %s, projection %s events%n", name,
                    stats.throughput(), tracker.visible.sum(), out.get(name + ".lag.p50_ms"),
                    out.get(name + ".lag.p99_ms"), tracker.invisible.sum(), statuses(stats),
                    out.get(name + ".relay_backlog_max"), out.get(name + ".projection_backlog_max"));
        }
    }

    /**
     * Reads on the seeded tenant at a concurrency: {@code byid} (GET /v1/connections/{id} of a random seeded row),
     * {@code first} (GET /v1/connections?limit=20, the first page, which counts the tenant's connections) or
     * {@code next} (a later page, from one of the cursors collected by walking the list first). The load is wrk's
     * ({@link Wrk}), after a warm-up run of its own.
     */
    private void reads() throws Exception {
        var name = args.get("name");
        var mode = args.getOrDefault("mode", "byid");
        int rows = intArg("rows", 100_000);
        int concurrency = intArg("concurrency", 32);
        var tenant = args.getOrDefault("tenant", READS_TENANT);
        var token = jwt.token(tenant);
        var first = api.get(api.query + "/v1/connections?limit=20", token);
        var total = Api.field(first.body(), "total");
        if (first.status() != 200 || total == null || Long.parseLong(total) < rows) {
            throw new IllegalStateException("the read tenant is not seeded with " + rows + " connections: "
                    + first.status() + " total=" + total);
        }
        List<String> cursors = new ArrayList<>();
        if (mode.equals("next")) {
            var cursor = Api.field(first.body(), "next_cursor");
            for (int page = 0; page < intArg("pages", 200) && cursor != null && !cursor.equals("null"); page++) {
                cursors.add(cursor);
                var next = api.get(api.query + "/v1/connections?limit=20&cursor=" + cursor, token);
                cursor = next.status() == 200 ? Api.field(next.body(), "next_cursor") : null;
            }
        }
        var paths = switch (mode) {
            case "byid" -> IntStream.rangeClosed(1, rows).mapToObj(n -> "/v1/connections/" + seededId(tenant, n))
                    .toList();
            // bench/scale's seeded rows: config_name seed-<n>, vendor postgresql, organization scope
            case "resolve" -> IntStream.rangeClosed(1, rows)
                    .mapToObj(n -> "/v1/connections/resolve?vendor=postgresql&config_name=seed-" + n).toList();
            case "history" -> IntStream.rangeClosed(1, rows)
                    .mapToObj(n -> "/v1/connections/" + seededId(tenant, n) + "/history").toList();
            case "first" -> List.of("/v1/connections?limit=20");
            case "next" -> cursors.stream().map(cursor -> "/v1/connections?limit=20&cursor=" + cursor).toList();
            default -> throw new IllegalArgumentException("mode " + mode);
        };
        if (paths.isEmpty()) {
            throw new IllegalStateException("no cursor to a later page: " + first.body());
        }
        var wrk = new Wrk(runDir.resolve("wrk"), name, api.query, token, concurrency, paths);
        wrk.run(name + "-warmup", doubleArg("warmup-seconds", 3), Long.MAX_VALUE);
        var sampler = new Sampler(root.resolve(".patchbay/run"));
        var stats = wrk.run(name, doubleArg("seconds", 15), longArg("max", 1_000_000));
        var out = new TreeMap<String, String>();
        stats.put(out, name);
        sampler.put(out, name);
        out.put(name + ".rows", total);
        out.put(name + ".concurrency", Integer.toString(concurrency));
        save(name, out);
        System.out.printf("    %s: %.0f reads/s, p50 %s ms, p99 %s ms (statuses %s)%n", name, stats.throughput(),
                out.get(name + ".p50_ms"), out.get(name + ".p99_ms"), stats.statuses());
    }

    /**
     * Live tests against the local Pluggy stand-in: K pluggy connections whose base URL is the stand-in, then
     * POST /v1/connections/{id}/test closed-loop. A 200 is a probe that completed (healthy or not); 504 is a probe
     * whose result did not come back in time.
     */
    /**
     * The proxy's cost (issue 22): GETs of one item from a stand-in vendor, directly and through the proxy
     * ({@code BENCH_PROXY_URL}, probe-worker's listener) with a caller token, one after the other in this run, by
     * wrk at each concurrency. The proxy's added latency is the difference of the two runs' percentiles; its
     * throughput is compared with the direct calls'. The direct calls reuse keep-alive connections to the vendor,
     * as a workload holding the credential itself would.
     */
    private void proxy() throws Exception {
        var proxyUrl = env("BENCH_PROXY_URL", "http://127.0.0.1:8083");
        Api.requireLoopback(proxyUrl);
        double seconds = doubleArg("seconds", 20);
        long max = longArg("max", 2_000_000);
        var out = new TreeMap<String, String>();
        try (var vendor = new VendorStandIn(8)) {
            var tenant = runId + "-proxy";
            var created = api.createRestConnection(jwt.token(tenant), "proxied", vendor.baseUrl());
            if (created.status() != 201) {
                throw new IllegalStateException("could not create the connection: " + created.status() + " "
                        + created.body());
            }
            var id = Api.id(created.body());
            var caller = jwt.token(tenant, "caller");
            var proxied = "/v1/connections/" + id + "/proxy/items/5f0f5c2e-item";
            var sanity = api.get(proxyUrl + proxied, caller);
            System.out.printf("    first proxied call: %d %s%n", sanity.status(),
                    sanity.body().substring(0, Math.min(80, sanity.body().length())));
            if (sanity.status() != 200) {
                throw new IllegalStateException("the proxy did not pass the call on: " + sanity.status());
            }
            var dir = runDir.resolve("proxy");
            new Wrk(dir, "proxy-warmup", proxyUrl, caller, 8, List.of(proxied))
                    .run("proxy-warmup", doubleArg("warmup-seconds", 20), max);
            out.put("proxy.loadavg_before", Files.readString(Path.of("/proc/loadavg")).trim());
            for (var level : args.getOrDefault("concurrency", "1,32").split(",")) {
                int concurrency = Integer.parseInt(level.trim());
                var prefix = "proxy.c" + concurrency + ".";
                var directCpu = new Sampler(root.resolve(".patchbay/run"));
                var direct = new Wrk(dir, "direct-c" + concurrency, vendor.baseUrl(), caller, concurrency,
                        List.of("/items/5f0f5c2e-item")).run("direct-c" + concurrency, seconds, max);
                directCpu.put(out, prefix + "direct");
                var proxiedCpu = new Sampler(root.resolve(".patchbay/run"));
                var through = new Wrk(dir, "proxied-c" + concurrency, proxyUrl, caller, concurrency,
                        List.of(proxied)).run("proxied-c" + concurrency, seconds, max);
                proxiedCpu.put(out, prefix + "proxied");
                // the worker's CPU per proxied call, and what else the machine was busy with meanwhile
                double workerPct = Double.parseDouble(out.getOrDefault(prefix + "proxied.cpu_pct.probe-worker", "0"));
                out.put(prefix + "worker_cpu_ms_per_call", String.format("%.2f",
                        workerPct * 10 / Math.max(through.throughput(), 1e-9)));
                System.out.printf("    c=%d  worker CPU %.2f ms per proxied call; during it: machine busy %s%%, other "
                                + "processes %s%% of one core%n", concurrency,
                        workerPct * 10 / Math.max(through.throughput(), 1e-9),
                        out.get(prefix + "proxied.cpu_pct.machine_busy"), out.get(prefix + "proxied.cpu_pct.other"));
                out.put(prefix + "direct_per_s", String.format("%.0f", direct.throughput()));
                out.put(prefix + "proxied_per_s", String.format("%.0f", through.throughput()));
                out.put(prefix + "throughput_ratio", String.format("%.2f",
                        through.throughput() / Math.max(direct.throughput(), 1e-9)));
                out.put(prefix + "direct_p50_ms", Load.ms(direct.p50Micros()));
                out.put(prefix + "direct_p99_ms", Load.ms(direct.p99Micros()));
                out.put(prefix + "proxied_p50_ms", Load.ms(through.p50Micros()));
                out.put(prefix + "proxied_p99_ms", Load.ms(through.p99Micros()));
                out.put(prefix + "added_p50_ms", signedMs(through.p50Micros() - direct.p50Micros()));
                out.put(prefix + "added_p99_ms", signedMs(through.p99Micros() - direct.p99Micros()));
                out.put(prefix + "errors", Long.toString(through.errors() + through.none()));
                if (through.errors() + through.none() > 0) {
                    var after = api.get(proxyUrl + proxied, caller);
                    System.out.printf("    c=%d had errors; one call now: %d %s%n", concurrency, after.status(),
                            after.body());
                }
                System.out.printf("    c=%d  direct %.0f/s p50 %s p99 %s | proxied %.0f/s p50 %s p99 %s | added p50 %s "
                                + "p99 %s ms, throughput %.2f of direct, %d errors%n",
                        concurrency, direct.throughput(), Load.ms(direct.p50Micros()), Load.ms(direct.p99Micros()),
                        through.throughput(), Load.ms(through.p50Micros()), Load.ms(through.p99Micros()),
                        signedMs(through.p50Micros() - direct.p50Micros()),
                        signedMs(through.p99Micros() - direct.p99Micros()),
                        through.throughput() / Math.max(direct.throughput(), 1e-9), through.errors() + through.none());
            }
            out.put("proxy.loadavg_after", Files.readString(Path.of("/proc/loadavg")).trim());
            // what the proxy answered, by status and problem code: the worker's own count of every call of the run
            var metrics = api.get(env("BENCH_WORKER_URL", "http://127.0.0.1:8082") + "/actuator/prometheus", null);
            metrics.body()
                    .lines()
                    .filter(line -> line.startsWith("patchbay_proxy_calls_seconds_count{"))
                    .forEach(line -> {
                        System.out.println("    " + line);
                        out.put("proxy.answers." + line.substring(line.indexOf('{'), line.indexOf('}') + 1)
                                        .replaceAll("[{}\"]", "").replace(',', '.'),
                                line.substring(line.lastIndexOf(' ') + 1));
                    });
        }
        save("proxy", out);
    }

    private static String signedMs(long micros) {
        return String.format("%.2f", micros / 1000.0);
    }

    private void tests() throws Exception {
        int connections = intArg("connections", 32);
        int concurrency = intArg("concurrency", 32);
        var out = new TreeMap<String, String>();
        try (var vendor = new PluggyStandIn()) {
            var token = jwt.token(runId + "-tests");
            var ids = new ArrayList<String>();
            for (int i = 0; i < connections; i++) {
                var answer = api.createPluggyConnection(token, "pluggy-" + i, vendor.baseUrl());
                if (answer.status() != 201) {
                    throw new IllegalStateException("could not create a pluggy connection: " + answer.status() + " "
                            + answer.body());
                }
                ids.add(Api.id(answer.body()));
            }
            var sanity = api.post(api.command + "/v1/connections/" + ids.get(0) + "/test", token, null);
            System.out.printf("    first test: %d %s%n", sanity.status(), sanity.body());
            out.put("tests.first_answer", sanity.status() + " " + sanity.body().replaceAll("\\s+", " "));
            var healthy = new LongAdder();
            var unhealthy = new LongAdder();
            var codes = new ConcurrentHashMap<String, LongAdder>();
            long loginsBefore = vendor.logins.sum();
            var timeouts = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
            long phaseStart = System.nanoTime();
            var sampler = new Sampler(root.resolve(".patchbay/run"));
            var stats = Load.closedLoop(concurrency, doubleArg("seconds", 20), longArg("max", 100_000), 200,
                    w -> () -> {
                        var answer = api.post(api.command + "/v1/connections/" + ids.get(w % ids.size()) + "/test",
                                token, null);
                        if (answer.status() == 200) {
                            if ("true".equals(Api.field(answer.body(), "healthy"))) {
                                healthy.increment();
                            }
                            else {
                                unhealthy.increment();
                                codes.computeIfAbsent(String.valueOf(Api.field(answer.body(), "code")),
                                        c -> new LongAdder()).increment();
                            }
                        }
                        else {
                            codes.computeIfAbsent(answer.status() + ":" + Api.field(answer.body(), "code"),
                                    c -> new LongAdder()).increment();
                            if (answer.status() == 504) {
                                timeouts.add((System.nanoTime() - phaseStart) / 1_000_000);
                            }
                        }
                        return answer.status();
                    });
            stats.put(out, "tests");
            sampler.put(out, "tests");
            out.put("tests.concurrency", Integer.toString(concurrency));
            out.put("tests.connections", Integer.toString(connections));
            out.put("tests.healthy", Long.toString(healthy.sum()));
            out.put("tests.unhealthy", Long.toString(unhealthy.sum()));
            out.put("tests.healthy_per_s", String.format("%.1f", healthy.sum() / stats.seconds()));
            out.put("tests.vendor_logins", Long.toString(vendor.logins.sum() - loginsBefore));
            out.put("tests.vendor_logins_per_s", String.format("%.1f",
                    (vendor.logins.sum() - loginsBefore) / stats.seconds()));
            var codeText = new StringBuilder();
            new TreeMap<>(codes).forEach((k, v) -> codeText.append(codeText.length() == 0 ? "" : " ").append(k)
                    .append('x').append(v.sum()));
            out.put("tests.error_codes", codeText.toString());
            if (!timeouts.isEmpty()) {
                // when the 504s were answered, in seconds from the start of the phase (each waited 15 s before)
                var sorted = timeouts.stream().sorted().toList();
                out.put("tests.timeouts_answered_at_s", String.format("%.1f..%.1f", sorted.get(0) / 1000.0,
                        sorted.get(sorted.size() - 1) / 1000.0));
            }
            save("tests", out);
            System.out.printf("    tests: %.1f answered/s, %.1f healthy/s, p50 %s ms, p99 %s ms (%s; %s)%n",
                    stats.throughput(), healthy.sum() / stats.seconds(), out.get("tests.p50_ms"),
                    out.get("tests.p99_ms"), statuses(stats), codeText);
        }
    }

    /**
     * Waits until the read side has caught up with every create so far: one create at a time, each polled by id on
     * query-service until visible, until one is visible within {@code within-ms} (bounded by {@code max-seconds}).
     * Run between phases, so that a backlog one phase left is not measured by the next; how long it took is itself a
     * figure (the projection's catch-up).
     */
    private void settle() throws Exception {
        var label = args.get("name");
        long withinMillis = longArg("within-ms", 500);
        long began = System.nanoTime();
        long deadline = began + TimeUnit.SECONDS.toNanos(longArg("max-seconds", 180));
        var token = jwt.token(runId + "-settle");
        long lastLag = -1;
        int creates = 0;
        while (System.nanoTime() < deadline) {
            var answer = api.createDatabaseConnection(token, "s" + System.nanoTime());
            if (answer.status() != 201) {
                Thread.sleep(200);
                continue;
            }
            creates++;
            long created = System.nanoTime();
            var id = Api.id(answer.body());
            while (api.get(api.query + "/v1/connections/" + id, token).status() != 200
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            lastLag = (System.nanoTime() - created) / 1_000_000;
            if (lastLag <= withinMillis) {
                break;
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        var out = new TreeMap<String, String>();
        out.put("settle." + label + ".seconds", String.format("%.1f", seconds));
        out.put("settle." + label + ".last_lag_ms", Long.toString(lastLag));
        out.put("settle." + label + ".caught_up", Boolean.toString(lastLag >= 0 && lastLag <= withinMillis));
        save("settle-" + label, out);
        System.out.printf("    read side caught up after %s in %.1f s (%d probe creates; the last visible in %d ms)%n",
                label, seconds, creates, lastLag);
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** One token per worker, each for a tenant of its own: {@code <run id>-<phase>-<worker>}. */
    private List<String> tokens(String phase, int count) {
        var tokens = new ArrayList<String>();
        for (int w = 0; w < count; w++) {
            tokens.add(jwt.token(runId + "-" + phase + "-" + w));
        }
        return tokens;
    }

    /** The id bench/run gave seeded row {@code n}: PostgreSQL's {@code md5('bench-reads:' || n)::uuid}. */
    static String seededId(int n) {
        return seededId(READS_TENANT, n);
    }

    /** The id of a seeded row {@code n} of a tenant: PostgreSQL's {@code md5(tenant || ':' || n)::uuid}. */
    static String seededId(String tenant, int n) {
        try {
            var hex = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((tenant + ":" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20);
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String statuses(Load.Stats stats) {
        var out = new HashMap<String, String>();
        stats.put(out, "x");
        return "statuses " + out.get("x.statuses");
    }

    void save(String name, Map<String, String> values) throws IOException {
        var properties = new Properties();
        properties.putAll(values);
        try (Writer writer = Files.newBufferedWriter(runDir.resolve(name + ".properties"))) {
            properties.store(writer, name);
        }
    }

    int intArg(String key, int fallback) {
        return args.containsKey(key) ? Integer.parseInt(args.get(key)) : fallback;
    }

    long longArg(String key, long fallback) {
        return args.containsKey(key) ? Long.parseLong(args.get(key)) : fallback;
    }

    double doubleArg(String key, double fallback) {
        return args.containsKey(key) ? Double.parseDouble(args.get(key)) : fallback;
    }

    static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /**
     * Polls a sample of fresh connections on query-service until each is visible, and records how long it took.
     * The polls must not become the load: the wait between two polls of one connection is {@code pollMillis} or a
     * tenth of the time waited so far, whichever is longer (so a lag is known to about 10 %, and to
     * {@code pollMillis} while it is short), and at most {@value #IN_FLIGHT} connections are polled at once (a create
     * that comes while they are is not sampled).
     */
    static final class LagTracker implements AutoCloseable {

        static final int IN_FLIGHT = 8;

        final Histogram lag = Load.histogram();
        final LongAdder tracked = new LongAdder();
        final LongAdder visible = new LongAdder();
        final LongAdder invisible = new LongAdder();
        final LongAdder polls = new LongAdder();
        final LongAdder skipped = new LongAdder();
        private final Api api;
        private final long interval;
        private final long pollNanos;
        private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
        private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        private final ScheduledExecutorService pollers = Executors.newScheduledThreadPool(IN_FLIGHT,
                Api.daemon("poll"));

        LagTracker(Api api, double perSecond, int pollMillis) {
            this.api = api;
            this.interval = (long) (1e9 / perSecond);
            this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        }

        /** Tracks this create if none was tracked in the last 1/{@code perSecond} s and a poller is free. */
        void offer(String token, String id, long receivedAt) {
            long next = nextAt.get();
            if (id == null || receivedAt < next || !nextAt.compareAndSet(next, receivedAt + interval)) {
                return;
            }
            if (inFlight.incrementAndGet() > IN_FLIGHT) {
                inFlight.decrementAndGet();
                skipped.increment();
                return;
            }
            tracked.increment();
            pollers.execute(() -> poll(token, id, receivedAt));
        }

        private void poll(String token, String id, long receivedAt) {
            var answer = api.get(api.query + "/v1/connections/" + id, token);
            polls.increment();
            long now = System.nanoTime();
            long waited = now - receivedAt;
            if (answer.status() == 200) {
                synchronized (lag) {
                    lag.recordValue(Math.max(1, waited / 1000));
                }
                visible.increment();
                inFlight.decrementAndGet();
            }
            else if (waited > TimeUnit.SECONDS.toNanos(10)) {
                invisible.increment();
                inFlight.decrementAndGet();
            }
            else {
                pollers.schedule(() -> poll(token, id, receivedAt), Math.max(pollNanos, waited / 10),
                        TimeUnit.NANOSECONDS);
            }
        }

        void drain(Duration atMost) throws InterruptedException {
            long until = System.nanoTime() + atMost.toNanos();
            while (visible.sum() + invisible.sum() < tracked.sum() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            pollers.shutdownNow();
        }
    }
}
