package dev.patchbay.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The run's table: each of Patchbay's figures beside the limit measured in the same run (pgbench on the same SQL,
 * Kafka's own end-to-end latency tool on the same broker), the ratio, the target and whether it was met. Printed,
 * and written as Markdown with the machine, the conditions and every phase's detail.
 */
final class Report {

    private static final String[] CREATE = {"create-c1", "create-c8", "create-c32"};
    private static final double RSS_LIMIT_MIB = 350;

    private final Map<String, String> v = new TreeMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private int met;
    private int missed;

    static void write(Path runDir, Path out) throws IOException {
        var report = new Report();
        try (var files = Files.list(runDir)) {
            for (var file : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                var properties = new Properties();
                try (Reader reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
                properties.forEach((k, val) -> report.v.put(k.toString(), val.toString()));
            }
        }
        report.build();
        var table = report.table();
        System.out.println(table);
        System.out.printf("%d targets met, %d missed%n", report.met, report.missed);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.markdown(table));
    }

    // ------------------------------------------------------------------------------------------------- rows

    private void build() {
        for (var name : CREATE) {
            var pg = "pgbench-" + name;
            if (!v.containsKey(name + ".throughput")) {
                continue;
            }
            double ours = num(name + ".throughput");
            double limit = num(pg + ".tps");
            row("create, concurrency " + v.get(name + ".concurrency"),
                    String.format("%s/s · p50 %s · p99 %s ms", f0(ours), v.get(name + ".p50_ms"),
                            v.get(name + ".p99_ms")),
                    has(pg + ".tps") ? String.format("pgbench %s tps · p50 %s · p99 %s ms", f0(limit),
                            v.get(pg + ".p50_ms"), v.get(pg + ".p99_ms"))
                            : "pgbench " + v.getOrDefault(pg + ".note", "not measured"),
                    ratio(ours, limit), "≥ 0.50 of pgbench", verdict(has(pg + ".tps") ? ours / limit >= 0.5 : null));
        }
        double kafkaP99 = num("kafka.p99_ms");
        for (var name : new String[] {"lag-100", "lag-max"}) {
            if (!v.containsKey(name + ".lag.p99_ms")) {
                continue;
            }
            double p99 = num(name + ".lag.p99_ms");
            double allowed = 3 * kafkaP99 + 20;
            var label = name.equals("lag-100") ? "read-your-write lag at 100 creates/s"
                    : "read-your-write lag at the highest rate (" + f0(num(name + ".create.throughput")) + "/s)";
            boolean complete = num(name + ".not_visible") == 0 && num(name + ".visible") > 0;
            row(label + (name.equals("lag-100") ? " (" + f0(num(name + ".create.throughput")) + "/s held)" : ""),
                    String.format("p50 %s · p99 %s ms (%s samples%s; most events waiting: relay %s, projection %s)",
                            v.get(name + ".lag.p50_ms"), v.get(name + ".lag.p99_ms"), v.get(name + ".visible"),
                            complete ? "" : ", " + v.get(name + ".not_visible") + " not visible in 10 s",
                            v.getOrDefault(name + ".relay_backlog_max", "?"),
                            v.getOrDefault(name + ".projection_backlog_max", "?")),
                    has("kafka.p99_ms") ? String.format("Kafka e2e p50 %s · p99 %s ms", v.get("kafka.p50_ms"),
                            v.get("kafka.p99_ms")) : "not measured",
                    kafkaP99 > 0 ? String.format("%.1f×", p99 / kafkaP99) : "—",
                    String.format("p99 ≤ 3×%s+20 = %s ms", f1(kafkaP99), f1(allowed)),
                    verdict(has("kafka.p99_ms") ? p99 <= allowed && complete : null));
        }
        if (has("settle.create-c32.seconds")) {
            row("read side catching up after the concurrency-32 creates",
                    String.format("%s s (after c=1 %s s, c=8 %s s, lag at 100/s %s s, at the highest rate %s s)",
                            v.get("settle.create-c32.seconds"), v.getOrDefault("settle.create-c1.seconds", "?"),
                            v.getOrDefault("settle.create-c8.seconds", "?"),
                            v.getOrDefault("settle.lag-100.seconds", "?"),
                            v.getOrDefault("settle.lag-max.seconds", "?")), "—", "—", "none set", "—");
        }
        readRow("reads-byid", "GET /v1/connections/{id}, concurrency 32", "pgbench-read-byid", 5000);
        readRow("reads-first", "list, first page of 20 (with its total), concurrency 32", "pgbench-read-first",
                2000);
        readRow("reads-next", "list, a later page of 20 (cursor), concurrency 32", "pgbench-read-next", 2000);
        if (has("tests.throughput")) {
            row("live tests (POST /{id}/test, Pluggy stand-in), concurrency " + v.get("tests.concurrency"),
                    String.format("%s/s answered, %s healthy/s · p50 %s · p99 %s ms", v.get("tests.throughput"),
                            v.get("tests.healthy_per_s"), v.get("tests.p50_ms"), v.get("tests.p99_ms")),
                    String.format("stand-in logins %s/s", v.get("tests.vendor_logins_per_s")), "—", "none set",
                    "—");
        }
        if (has("tests.note")) {
            row("live tests (POST /{id}/test, Pluggy stand-in)", v.get("tests.note"), "—", "—", "none set", "—");
        }
        for (var service : Sampler.SERVICES) {
            double load = 0;
            for (var name : CREATE) {
                load = Math.max(load, num(name + ".rss_max_mib." + service));
            }
            if (load == 0 && !has("rest.rss_mib." + service)) {
                continue;
            }
            row("RSS " + service, String.format("rest %s MiB · create load max %s MiB",
                    v.getOrDefault("rest.rss_mib." + service, "?"), f0(load)), "350 MiB (the target)",
                    ratio(load, RSS_LIMIT_MIB), "< 350 MiB under load", verdict(load > 0 ? load < RSS_LIMIT_MIB
                            : null));
        }
        for (var service : Sampler.SERVICES) {
            if (has("startup." + service)) {
                row("start-up " + service + " to UP", v.get("startup." + service) + " s", "—", "—", "none set",
                        "—");
            }
        }
        if (has("startup.note")) {
            row("start-up", v.get("startup.note"), "—", "—", "none set", "—");
        }
    }

    private void readRow(String name, String label, String pg, double target) {
        if (!has(name + ".throughput")) {
            return;
        }
        double ours = num(name + ".throughput");
        row(label, String.format("%s/s · p50 %s · p99 %s ms", f0(ours), v.get(name + ".p50_ms"),
                v.get(name + ".p99_ms")),
                has(pg + ".tps") ? String.format("pgbench same SQL %s tps · p99 %s ms", f0(num(pg + ".tps")),
                        v.get(pg + ".p99_ms")) : "pgbench " + v.getOrDefault(pg + ".note", "not measured"),
                has(pg + ".tps") ? ratio(ours, num(pg + ".tps")) : "—",
                String.format("≥ %,.0f/s", target), verdict(ours >= target));
    }

    private void row(String... cells) {
        rows.add(cells);
    }

    private String verdict(Boolean ok) {
        if (ok == null) {
            return "not measured";
        }
        if (ok) {
            met++;
            return "met";
        }
        missed++;
        return "MISSED";
    }

    // ------------------------------------------------------------------------------------------------- output

    private String table() {
        var header = new String[] {"measure", "Patchbay", "limit (same run)", "ours ÷ limit", "target", "verdict"};
        int[] widths = new int[header.length];
        var all = new ArrayList<String[]>();
        all.add(header);
        all.addAll(rows);
        for (var cells : all) {
            for (int i = 0; i < cells.length; i++) {
                widths[i] = Math.max(widths[i], cells[i].length());
            }
        }
        var text = new StringBuilder();
        for (int r = 0; r < all.size(); r++) {
            text.append('|');
            for (int i = 0; i < header.length; i++) {
                text.append(' ').append(pad(all.get(r)[i], widths[i])).append(" |");
            }
            text.append('\n');
            if (r == 0) {
                text.append('|');
                for (int width : widths) {
                    text.append('-').append("-".repeat(width)).append("-|");
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    private String markdown(String table) {
        var md = new StringBuilder();
        md.append("# Patchbay benchmark run ").append(v.getOrDefault("machine.date", "")).append("\n\n");
        if ("1".equals(v.get("machine.quick"))) {
            md.append("**BENCH_QUICK=1: every phase shrunk to check the harness; these figures are not the "
                    + "benchmark.**\n\n");
        }
        md.append("Machine: ").append(v.getOrDefault("machine.nproc", "?")).append(" cores (")
                .append(v.getOrDefault("machine.cpu", "?")).append("), ").append(v.getOrDefault("machine.mem", "?"))
                .append(" memory; ").append(v.getOrDefault("machine.os", "")).append(". ")
                .append(v.getOrDefault("machine.pg", "")).append("; Kafka 4.2.1 (one KRaft node); ")
                .append(v.getOrDefault("machine.java", "")).append(".\n\n");
        md.append("Commit ").append(v.getOrDefault("machine.git", "?")).append(". Service JVMs: ")
                .append(v.getOrDefault("machine.java_opts", "?")).append(".\n\n");
        md.append("Load before the run: ").append(v.getOrDefault("machine.idle", "?")).append("\n\n");
        md.append(table).append('\n');
        md.append(met).append(" targets met, ").append(missed).append(" missed.\n\n");
        md.append("## How each figure was taken\n\n");
        md.append("- Creates: closed loop (each worker sends its next POST when the last answered), every worker a "
                + "tenant of its own, postgresql connections of about 300 bytes; only 201s count. Limit: `pgbench "
                + "-M prepared` at the same concurrency on a scratch database with command-service's DDL "
                + "(its Flyway scripts), one transaction per create: INSERT live_connections, INSERT "
                + "sealed_secrets (").append(v.getOrDefault("sizes.ciphertext_bytes", "?"))
                .append("-byte random bytea, the size of a real sealed credential), INSERT DomainEventEntry (the "
                        + "real payload of a ConnectionCreated, ").append(v.getOrDefault("sizes.payload_bytes", "?"))
                .append(" bytes, and its ").append(v.getOrDefault("sizes.metadata_bytes", "?"))
                .append("-byte metadata), tenant_usage upsert, one tenant per pgbench client. The relay's TokenEntry "
                        + "UPDATE (one per relayed batch, another transaction) is left out, so the limit is, if "
                        + "anything, generous.\n");
        md.append("- Read-your-write lag: creates at a fixed 100/s (open loop), then closed loop at concurrency 32 "
                + "(the highest sustained rate); about 25 creates a second are sampled (at most 8 polled at once) and "
                + "polled by id on query-service without a Consistency-Token, each poll ")
                .append(v.getOrDefault("lag-100.poll_ms", "2"))
                .append(" ms or a tenth of the time waited so far (whichever is longer) after the previous answer; "
                        + "the lag runs from receiving the 201 to receiving the first 200. Limit: `org.apache.kafka.tools.EndToEndLatency` (kafka-tools 4.2.1) on the same "
                        + "broker, ").append(v.getOrDefault("kafka.records", "?")).append(" records of ")
                .append(v.getOrDefault("kafka.record_bytes", "?")).append(" bytes, acks=all (as the relay); it "
                        + "reports whole milliseconds.\n");
        md.append("- Between phases the run waits until the read side has caught up (one create at a time, "
                + "polled until one is visible within 500 ms), so that no phase measures the backlog the one before "
                + "left; how long that took is the catch-up row.\n");
        md.append("- Reads: the read table of tenant `bench-reads` was seeded with ")
                .append(v.getOrDefault("seed.rows", "?")).append(" rows by ONE SQL statement (INSERT ... SELECT "
                        + "over generate_series, every column copied from a connection that a create of this run "
                        + "projected; ids md5('bench-reads:'||n)::uuid, created_at one second apart), then VACUUM "
                        + "ANALYZE, in ").append(v.getOrDefault("seed.seconds", "?")).append(" s, NOT through the "
                        + "API: seeding 100,000 through the API takes too long. The rows are deleted after the run. "
                        + "Limits (no target, for diagnosis): pgbench -M prepared at concurrency 32 on the same "
                        + "query database running the statements query-service sends (by id; first page = page "
                        + "query + count; later page = keyset page query).\n");
        md.append("- Live tests: pluggy connections whose base_url is a stand-in vendor in the driver "
                + "(`POST /auth` answers 200 with an apiKey), stack started with PATCHBAY_PROBE_ALLOWED_NETWORKS="
                + "127.0.0.0/8, PATCHBAY_PROBE_ALLOW_INSECURE_HTTP=true, PATCHBAY_PROBE_RATE_LIMIT=100000. "
                + "First answer: `").append(v.getOrDefault("tests.first_answer", "?").replace("`", "'"))
                .append("`; answers that were not healthy: ").append(v.getOrDefault("tests.error_codes", "none"))
                .append(".\n");
        md.append("- Memory: VmRSS of /proc/<pid>/status, at rest (after start-up, before any load) and the highest "
                + "sample (every 250 ms) during the create phases. Start-up: each service started alone by "
                + "`PATCHBAY_SERVICES=<service> bin/patchbay up`, timed to its first UP /actuator/health (polled "
                + "every 0.2 s), one after the other on an otherwise idle stack.\n\n");
        md.append("## Each phase\n\n");
        md.append("CPU in % of one core (the machine has ").append(v.getOrDefault("machine.nproc", "?"))
                .append("); `other` is everything else the machine ran meanwhile (other builds and tests).\n\n");
        md.append("`relay` and `projection`: the most events that were waiting (sampled every 250 ms) in command-service's "
                + "event store for the relay, and on the topic for query-service's projection.\n\n");
        md.append("| phase | requests | statuses | cmd | query | probe | kafka | postgres | driver | other "
                + "| busy | load avg at end | relay | projection |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (var name : new String[] {"create-c1", "create-c8", "create-c32", "lag-100", "lag-max", "reads-byid",
                "reads-first", "reads-next", "tests"}) {
            var requests = v.getOrDefault(name + ".requests", v.get(name + ".create.requests"));
            if (requests == null) {
                continue;
            }
            md.append("| ").append(name).append(" | ").append(requests).append(" | ")
                    .append(v.getOrDefault(name + ".statuses", v.getOrDefault(name + ".create.statuses", "")));
            for (var group : new String[] {"command-service", "query-service", "probe-worker", "kafka", "postgres",
                    "driver", "other", "machine_busy"}) {
                md.append(" | ").append(v.getOrDefault(name + ".cpu_pct." + group, ""));
            }
            md.append(" | ").append(v.getOrDefault(name + ".loadavg_end", "")).append(" | ")
                    .append(v.getOrDefault(name + ".relay_backlog_max", "")).append(" | ")
                    .append(v.getOrDefault(name + ".projection_backlog_max", "")).append(" |\n");
        }
        md.append("\n## Every figure\n\n```\n");
        v.forEach((k, val) -> md.append(k).append(" = ").append(val).append('\n'));
        md.append("```\n");
        return md.toString();
    }

    // ------------------------------------------------------------------------------------------------- numbers

    private boolean has(String key) {
        var value = v.get(key);
        return value != null && !value.isBlank();
    }

    private double num(String key) {
        try {
            return Double.parseDouble(v.getOrDefault(key, "0"));
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String ratio(double ours, double limit) {
        return limit > 0 ? String.format("%.2f", ours / limit) : "—";
    }

    private static String f0(double value) {
        return String.format("%,.0f", value);
    }

    private static String f1(double value) {
        return String.format("%.1f", value);
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
