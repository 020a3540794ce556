package dev.patchbay.bench;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Load loops bounded in time and in requests. Latencies go into HdrHistograms in microseconds (1 µs to 2 min, three
 * significant digits); a request counts as done when its answer has the expected status.
 */
final class Load {

    /** One request of a phase: sends it, answers the HTTP status (-1: no answer). */
    @FunctionalInterface
    interface Call {
        int run();
    }

    /** What a phase measured. */
    static final class Stats {
        final Histogram latency = histogram();
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder ok = new LongAdder();
        long nanos;

        synchronized void add(Histogram h) {
            latency.add(h);
        }

        void count(int status) {
            statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
        }

        double seconds() {
            return nanos / 1e9;
        }

        double throughput() {
            return ok.sum() / Math.max(seconds(), 1e-9);
        }

        long requests() {
            return statuses.values().stream().mapToLong(LongAdder::sum).sum();
        }

        /** Writes {@code prefix.*}: requests, ok, throughput, p50/p99/max in ms, and each status's count. */
        void put(Map<String, String> out, String prefix) {
            out.put(prefix + ".requests", Long.toString(requests()));
            out.put(prefix + ".ok", Long.toString(ok.sum()));
            out.put(prefix + ".seconds", String.format("%.2f", seconds()));
            out.put(prefix + ".throughput", String.format("%.1f", throughput()));
            putLatency(out, prefix, latency);
            var sorted = new TreeMap<Integer, Long>();
            statuses.forEach((k, v) -> sorted.put(k, v.sum()));
            var text = new StringBuilder();
            sorted.forEach((k, v) -> text.append(text.length() == 0 ? "" : " ").append(k == -1 ? "none" : k)
                    .append('x').append(v));
            out.put(prefix + ".statuses", text.toString());
        }
    }

    static Histogram histogram() {
        return new Histogram(1, TimeUnit.MINUTES.toMicros(2), 3);
    }

    static void putLatency(Map<String, String> out, String prefix, Histogram h) {
        out.put(prefix + ".samples", Long.toString(h.getTotalCount()));
        out.put(prefix + ".p50_ms", ms(h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50)));
        out.put(prefix + ".p99_ms", ms(h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99)));
        out.put(prefix + ".max_ms", ms(h.getTotalCount() == 0 ? -1 : h.getMaxValue()));
    }

    static String ms(long micros) {
        return micros < 0 ? "" : String.format("%.2f", micros / 1000.0);
    }

    /**
     * {@code concurrency} workers, each sending its next request as soon as the last one answered, until
     * {@code seconds} have passed or {@code maxRequests} were sent.
     */
    static Stats closedLoop(int concurrency, double seconds, long maxRequests, int okStatus,
            IntFunction<Call> worker) throws InterruptedException {
        var stats = new Stats();
        var budget = new AtomicLong(maxRequests);
        var start = new CountDownLatch(1);
        var done = new CountDownLatch(concurrency);
        var began = new AtomicLong();
        long window = (long) (seconds * 1e9);
        for (int w = 0; w < concurrency; w++) {
            var call = worker.apply(w);
            var thread = new Thread(() -> {
                var h = histogram();
                try {
                    start.await();
                    long deadline = began.get() + window;
                    while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                        long t0 = System.nanoTime();
                        int status = call.run();
                        long t1 = System.nanoTime();
                        stats.count(status);
                        if (status == okStatus) {
                            stats.ok.increment();
                            h.recordValue(Math.max(1, (t1 - t0) / 1000));
                        }
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finally {
                    stats.add(h);
                    done.countDown();
                }
            }, "load-" + w);
            thread.setDaemon(true);
            thread.start();
        }
        began.set(System.nanoTime());
        start.countDown();
        done.await();
        stats.nanos = System.nanoTime() - began.get();
        return stats;
    }

    /**
     * Requests started at a fixed rate whatever the answers do (open loop), on a pool of {@code concurrency}
     * threads; each latency is measured from the moment its request was due, so a stall is not hidden
     * (no coordinated omission).
     */
    static Stats openLoop(double rate, double seconds, long maxRequests, int concurrency, int okStatus, Call call)
            throws InterruptedException {
        var stats = new Stats();
        var latencies = histogram();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, Api.daemon("paced"));
        long period = (long) (1e9 / rate);
        long count = Math.min(maxRequests, (long) (rate * seconds));
        long began = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long due = began + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            pool.execute(() -> {
                int status = call.run();
                long took = System.nanoTime() - due;
                stats.count(status);
                if (status == okStatus) {
                    stats.ok.increment();
                    synchronized (latencies) {
                        latencies.recordValue(Math.max(1, took / 1000));
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(2, TimeUnit.MINUTES);
        stats.nanos = System.nanoTime() - began;
        stats.add(latencies);
        return stats;
    }

    private Load() {
    }
}
