package dev.patchbay.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The read phases' load: wrk (Debian's package, 4.1.0) with one thread and {@code connections} keep-alive
 * connections, each sending its next GET as soon as the last one was answered (a closed loop), as the Lua script
 * {@code wrk-reads.lua} writes them. Not the driver's own client: in this JVM it cost about 0.2 ms of CPU per request,
 * taken from the service it measured on the 2 cores they share. wrk is a child of this JVM, which waits for it, so
 * {@link Sampler} counts its CPU as the driver's.
 */
final class Wrk {

    /** An answer slower than this counts as none, as the driver's own client counts it. */
    private static final int TIMEOUT_SECONDS = 30;

    private final Path dir;
    private final String url;
    private final String token;
    private final int connections;
    private final Path script;
    private final Path paths;

    /** Writes the script and {@code paths} (what the requests GET, drawn at random) under {@code dir}. */
    Wrk(Path dir, String name, String url, String token, int connections, List<String> paths) throws IOException {
        Api.requireLoopback(url);
        this.dir = dir;
        this.url = url;
        this.token = token;
        this.connections = connections;
        Files.createDirectories(dir);
        this.script = dir.resolve("wrk-reads.lua");
        try (var in = Wrk.class.getResourceAsStream("/wrk-reads.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        this.paths = dir.resolve(name + ".paths");
        Files.write(this.paths, paths);
    }

    /**
     * One run of {@code seconds} (whole ones, at least 1: wrk's unit) or about {@code maxRequests}, whichever ends
     * first; wrk's output goes to {@code <label>.out}.
     */
    Result run(String label, double seconds, long maxRequests) throws IOException, InterruptedException {
        long whole = Math.max(1, Math.round(seconds));
        var output = dir.resolve(label + ".out");
        var figures = dir.resolve(label + ".result");
        Files.deleteIfExists(figures);
        var builder = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + whole + "s", "--timeout",
                TIMEOUT_SECONDS + "s", "--latency", "-s", script.toString(), url)
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("BENCH_WRK_PATHS", paths.toString());
        builder.environment().put("BENCH_WRK_TOKEN", token);
        builder.environment().put("BENCH_WRK_MAX", Long.toString(maxRequests));
        builder.environment().put("BENCH_WRK_RESULT", figures.toString());
        var process = builder.start();
        if (!process.waitFor(whole + 30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("wrk did not end 30 s after its " + whole + " s: see " + output);
        }
        if (process.exitValue() != 0 || !Files.exists(figures)) {
            throw new IllegalStateException("wrk failed (exit " + process.exitValue() + "): "
                    + Files.readString(output).trim());
        }
        var properties = new Properties();
        try (Reader reader = Files.newBufferedReader(figures)) {
            properties.load(reader);
        }
        return Result.of(properties);
    }

    /**
     * What a run measured. wrk tells of an answer's status only whether it was 400 or above: these GETs answer 200
     * when they succeed, so the others count as {@code 400+}. A request that got no answer (a socket error) or got it
     * after the timeout counts as {@code none}. The latencies are those of every answer in time, errors included.
     */
    record Result(long ok, long errors, long none, long micros, long samples, long p50Micros, long p99Micros,
            long maxMicros) {

        static Result of(Properties figures) {
            long completed = figure(figures, "completed");
            long late = figure(figures, "timeouts");
            long errors = figure(figures, "status_errors");
            long failed = figure(figures, "connect_errors") + figure(figures, "read_errors")
                    + figure(figures, "write_errors");
            return new Result(Math.max(0, completed - errors - late), errors, failed + late,
                    figure(figures, "duration_us"), Math.max(0, completed - late), figure(figures, "p50_us"),
                    figure(figures, "p99_us"), figure(figures, "max_us"));
        }

        private static long figure(Properties figures, String key) {
            return Long.parseLong(figures.getProperty(key).trim());
        }

        double seconds() {
            return micros / 1e6;
        }

        /** Answers of 200 per second. */
        double throughput() {
            return ok / Math.max(seconds(), 1e-9);
        }

        /** Each status's count, as {@link Load.Stats} writes them: {@code none}, {@code 200}, {@code 400+}. */
        String statuses() {
            var text = new StringJoiner(" ");
            if (none > 0) {
                text.add("nonex" + none);
            }
            if (ok > 0) {
                text.add("200x" + ok);
            }
            if (errors > 0) {
                text.add("400+x" + errors);
            }
            return text.toString();
        }

        /** Writes {@code prefix.*} as {@link Load.Stats#put} does: requests, ok, throughput, p50/p99/max in ms. */
        void put(Map<String, String> out, String prefix) {
            out.put(prefix + ".requests", Long.toString(ok + errors + none));
            out.put(prefix + ".ok", Long.toString(ok));
            out.put(prefix + ".seconds", String.format("%.2f", seconds()));
            out.put(prefix + ".throughput", String.format("%.1f", throughput()));
            out.put(prefix + ".samples", Long.toString(samples));
            out.put(prefix + ".p50_ms", Load.ms(samples == 0 ? -1 : p50Micros));
            out.put(prefix + ".p99_ms", Load.ms(samples == 0 ? -1 : p99Micros));
            out.put(prefix + ".max_ms", Load.ms(samples == 0 ? -1 : maxMicros));
            out.put(prefix + ".statuses", statuses());
        }
    }
}
