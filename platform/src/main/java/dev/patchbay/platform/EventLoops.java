package dev.patchbay.platform;

/**
 * How many event loops Reactor Netty runs, for the HTTP server and for the clients on its shared resources (R2DBC,
 * WebClient): one per core, where its default is at least four. More loops than cores wake one another across
 * threads for every request, on a small machine most of all (figures: bench/RESULTS.md). A
 * {@code -Dreactor.netty.ioWorkerCount} given on the command line wins.
 */
public final class EventLoops {

    static final String WORKER_COUNT = "reactor.netty.ioWorkerCount";

    private EventLoops() {}

    /** Sets the worker count to the number of cores unless it is set already; call first thing in {@code main}. */
    public static void onePerCore() {
        if (System.getProperty(WORKER_COUNT) == null) {
            System.setProperty(
                    WORKER_COUNT,
                    Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }
    }
}
