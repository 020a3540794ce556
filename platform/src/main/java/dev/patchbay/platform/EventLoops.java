package dev.patchbay.platform;

/**
 * How many event loops Reactor Netty runs, for the HTTP server and for the clients on its shared resources (R2DBC,
 * WebClient): one per core, where its default is at least four. On this project's 2-core machine the four HTTP loops
 * and four client loops of each service woke one another across eight threads for every request; with two of each,
 * query-service answered GET by id on 100,000 rows about 1.7 times as fast (2,070 against 3,560 a second, and 0.39
 * against 0.74 ms of CPU a read; bench/RESULTS.md). A {@code -Dreactor.netty.ioWorkerCount} given on the command
 * line wins.
 */
public final class EventLoops {

    static final String WORKER_COUNT = "reactor.netty.ioWorkerCount";

    private EventLoops() {
    }

    /** Sets the worker count to the number of cores unless it is set already; call first thing in {@code main}. */
    public static void onePerCore() {
        if (System.getProperty(WORKER_COUNT) == null) {
            System.setProperty(WORKER_COUNT, Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }
    }
}
