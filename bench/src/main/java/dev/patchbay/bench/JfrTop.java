package dev.patchbay.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * Where a service spent its CPU, from a JFR recording's {@code jdk.ExecutionSample} events: the methods on top of
 * the sampled stacks (self), the methods anywhere on them (inclusive), and the packages on top (self). For a
 * target that a run missed: {@code jcmd PID JFR.start duration=30s filename=F.jfr}, then {@code Bench jfr-top F.jfr}.
 */
final class JfrTop {

    static void print(Path file, int top) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> packages = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        try (var recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                samples++;
                var frames = event.getStackTrace().getFrames();
                if (frames.isEmpty()) {
                    continue;
                }
                var thread = event.getThread("sampledThread");
                threads.merge(thread == null ? "?" : thread.getJavaName().replaceAll("[-#]?\\d+", "N"), 1,
                        Integer::sum);
                var topFrame = frames.get(0);
                self.merge(name(topFrame), 1, Integer::sum);
                packages.merge(pkg(topFrame), 1, Integer::sum);
                var seen = new HashSet<String>();
                for (var frame : frames) {
                    if (seen.add(name(frame))) {
                        inclusive.merge(name(frame), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("%s: %d execution samples%n", file, samples);
        show("self (top of stack)", self, samples, top);
        show("inclusive (anywhere on the stack; truncated stacks undercount)", inclusive, samples, top);
        show("self by package", packages, samples, top);
        show("threads", threads, samples, top);
    }

    private static void show(String title, Map<String, Integer> counts, int samples, int top) {
        System.out.printf("%n-- %s%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, samples),
                        e.getKey()));
    }

    private static String name(RecordedFrame frame) {
        var method = frame.getMethod();
        return method.getType().getName() + "." + method.getName();
    }

    private static String pkg(RecordedFrame frame) {
        var type = frame.getMethod().getType().getName();
        var parts = type.split("\\.");
        return parts.length <= 3 ? type : String.join(".", parts[0], parts[1], parts[2]);
    }

    private JfrTop() {
    }
}
