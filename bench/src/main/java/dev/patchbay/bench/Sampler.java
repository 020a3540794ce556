package dev.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the machine did during a phase, from /proc: each service's resident set (VmRSS, sampled every 250 ms) and
 * the CPU used by the services, the broker, PostgreSQL, this driver (with the children it waited for: wrk) and
 * everything else (clock ticks of /proc/PID/stat and /proc/stat, from the start of the phase to its end).
 */
final class Sampler implements AutoCloseable {

    static final List<String> SERVICES = List.of("command-service", "query-service", "probe-worker");
    private static final double TICKS = 100.0; // USER_HZ on Linux

    private final Path runDir;
    private final Map<String, Long> rssMax = new ConcurrentHashMap<>();
    private final Map<String, long[]> rssSum = new ConcurrentHashMap<>();
    private final Map<String, Long> cpuBefore;
    private final long[] machineBefore;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    Sampler(Path runDir) {
        this.runDir = runDir;
        this.cpuBefore = cpuByGroup();
        this.machineBefore = machine();
        this.thread = new Thread(this::loop, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            for (var service : SERVICES) {
                var pid = pid(runDir, service);
                if (pid == null) {
                    continue;
                }
                long kib = rssKib(pid);
                if (kib > 0) {
                    rssMax.merge(service, kib, Math::max);
                    rssSum.computeIfAbsent(service, s -> new long[2]);
                    var sum = rssSum.get(service);
                    synchronized (sum) {
                        sum[0] += kib;
                        sum[1]++;
                    }
                }
            }
            try {
                Thread.sleep(250);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sampling and writes {@code prefix.rss_max_mib.SERVICE}, {@code prefix.rss_avg_mib.SERVICE} and CPU. */
    void put(Map<String, String> out, String prefix) {
        close();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        rssMax.forEach((service, kib) -> out.put(prefix + ".rss_max_mib." + service, mib(kib)));
        rssSum.forEach((service, sum) -> out.put(prefix + ".rss_avg_mib." + service,
                mib(sum[1] == 0 ? 0 : sum[0] / sum[1])));
        // CPU in percent of one core (this machine has nproc of them); "other" is what the machine was busy with
        // beyond the known groups: other builds and tests, the kernel, processes that came and went.
        var after = cpuByGroup();
        long known = 0;
        for (var entry : after.entrySet()) {
            long used = Math.max(0, entry.getValue() - cpuBefore.getOrDefault(entry.getKey(), 0L));
            known += used;
            out.put(prefix + ".cpu_pct." + entry.getKey(), String.format("%.0f", 100 * used / TICKS / seconds));
        }
        var machineAfter = machine();
        long busy = (machineAfter[0] - machineBefore[0]) - (machineAfter[1] - machineBefore[1]);
        out.put(prefix + ".cpu_pct.machine_busy", String.format("%.0f", 100 * busy / TICKS / seconds));
        out.put(prefix + ".cpu_pct.other", String.format("%.0f", 100 * Math.max(0, busy - known) / TICKS / seconds));
        out.put(prefix + ".loadavg_end", loadAverage());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    static String mib(long kib) {
        return String.format("%.0f", kib / 1024.0);
    }

    static String pid(Path runDir, String name) {
        try {
            var text = Files.readString(runDir.resolve(name + ".pid")).trim();
            return text.isEmpty() ? null : text;
        }
        catch (IOException e) {
            return null;
        }
    }

    static long rssKib(String pid) {
        try {
            for (var line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return -1;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
        catch (IOException e) {
            return "";
        }
    }

    /**
     * CPU ticks (user + system) so far of each group: the three services, kafka, postgres, this driver. The driver's
     * include those of its children that ended and were waited for (cutime + cstime): wrk, the read phases' load,
     * which has ended by the time a phase's figures are taken.
     */
    private Map<String, Long> cpuByGroup() {
        Map<String, String> groupOfPid = new HashMap<>();
        for (var name : List.of("command-service", "query-service", "probe-worker", "kafka")) {
            var pid = pid(runDir, name);
            if (pid != null) {
                groupOfPid.put(pid, name);
            }
        }
        groupOfPid.put(Long.toString(ProcessHandle.current().pid()), "driver");
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (var name : List.of("command-service", "query-service", "probe-worker", "kafka", "postgres", "driver")) {
            ticks.put(name, 0L);
        }
        try (var dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(dir -> {
                try {
                    var stat = Files.readString(dir.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    var comm = stat.substring(stat.indexOf('(') + 1, close);
                    var fields = stat.substring(close + 2).split(" ");
                    // after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    var pid = dir.getFileName().toString();
                    var group = groupOfPid.getOrDefault(pid, comm.equals("postgres") ? "postgres" : null);
                    if ("driver".equals(group)) {
                        used += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                    }
                    if (group != null) {
                        ticks.merge(group, used, Long::sum);
                    }
                }
                catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        }
        catch (IOException e) {
            // no /proc: no CPU figures
        }
        return ticks;
    }

    /** {total, idle} jiffies of the whole machine. */
    private static long[] machine() {
        try {
            var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            return new long[] {total, Long.parseLong(fields[4]) + Long.parseLong(fields[5])};
        }
        catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
