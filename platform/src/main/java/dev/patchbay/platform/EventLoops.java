package dev.patchbay.platform;

/**
 * How many event loops Reactor Netty runs, for the HTTP server and for the clients on its shared resources (R2DBC,
 * WebClient): one per core, where its default is at least four. On this project's 2-core machine the four HTTP loops
 * and four client loops of each service woke one another across eight threads for every request. With two of each,
 * and the other read fixes of the same change (bench/RESULTS.md, 2026-12-05), query-service answered GET by id on
 * 100,000 rows at 2,900-3,600 a second against about 1,900, with 0.39-0.45 against 0.74 ms of CPU a read. A
 * {@code -Dreactor.netty.ioWorkerCount} given on the command line wins.
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
