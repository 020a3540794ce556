package dev.patchbay.platform.test;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Kafka broker (KRaft, one combined node) in its own process, from the same jars as the tests, which
 * a test can kill with SIGKILL and start again on the same port and data, or freeze and thaw: for outage tests. The
 * shared broker of {@link TestInfrastructure} is never stopped.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final int externalPort;
    private Process process;

    private KafkaBrokerProcess(Path directory, int port, int externalPort) {
        this.directory = directory;
        this.port = port;
        this.externalPort = externalPort;
    }

    /** Formats a new broker's storage and starts it; returns once it answers. */
    public static KafkaBrokerProcess start() {
        return start(null);
    }

    /**
     * A broker with a second listener, {@code EXTERNAL} on 127.0.0.1 ({@link #externalBootstrapServers()}), that
     * advertises {@code advertised} ({@code host:port}) instead of where it listens: a client bootstrapped there is
     * told to reach the broker at that address, as a hostile or misconfigured cluster could tell it.
     */
    public static KafkaBrokerProcess startAdvertising(String advertised) {
        return start(advertised);
    }

    private static KafkaBrokerProcess start(String externalAdvertised) {
        try {
            var directory = Files.createTempDirectory("patchbay-kafka");
            int port = freePort();
            int controllerPort = freePort();
            int externalPort = externalAdvertised == null ? -1 : freePort();
            var external = externalAdvertised == null ? "" : ",EXTERNAL://127.0.0.1:" + externalPort;
            var advertisedExternal = externalAdvertised == null ? "" : ",EXTERNAL://" + externalAdvertised;
            Files.writeString(
                    directory.resolve("server.properties"),
                    String.join(
                            "\n",
                            "process.roles=broker,controller",
                            "node.id=1",
                            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort
                                    + external,
                            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + advertisedExternal,
                            "controller.listener.names=CONTROLLER",
                            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT",
                            "inter.broker.listener.name=PLAINTEXT",
                            "log.dirs=" + directory.resolve("data"),
                            "offsets.topic.replication.factor=1",
                            "transaction.state.log.replication.factor=1",
                            "transaction.state.log.min.isr=1",
                            "share.coordinator.state.topic.replication.factor=1",
                            "share.coordinator.state.topic.min.isr=1",
                            "group.initial.rebalance.delay.ms=0",
                            "auto.create.topics.enable=false",
                            // The broker runs in 256 MB of heap: the log cleaner's default buffer (128 MB, one array)
                            // did not always fit in it, and the broker died at start with OutOfMemoryError.
                            "log.cleaner.dedupe.buffer.size=16777216",
                            ""));
            var format = java(
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            Uuid.randomUuid().toString(),
                            "-c",
                            directory.resolve("server.properties").toString())
                    .redirectOutput(directory.resolve("format.log").toFile())
                    .redirectErrorStream(true)
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException(
                        "formatting the broker's storage failed: " + Files.readString(directory.resolve("format.log")));
            }
            var broker = new KafkaBrokerProcess(directory, port, externalPort);
            broker.restart();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Where the {@code EXTERNAL} listener of {@link #startAdvertising} listens. */
    public String externalBootstrapServers() {
        if (externalPort < 0) {
            throw new IllegalStateException("this broker has no EXTERNAL listener");
        }
        return "127.0.0.1:" + externalPort;
    }

    /** Kills the broker at once, as a crash would (SIGKILL), and waits until it is gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /**
     * Freezes the broker (SIGSTOP), as a long GC pause, a stalled VM or a partition would: its sockets stay open and
     * accept what clients send, but nothing is answered until {@link #resume()}.
     */
    public void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause() paused} broker run again (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException("the broker is not running");
        }
        try {
            var kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the broker on its port and data, and waits until it answers. */
    public void restart() {
        try {
            process = java("kafka.Kafka", directory.resolve("server.properties").toString())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            directory.resolve("broker.log").toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) {
        var deadline = Instant.now().plus(timeout);
        try (var admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                3000))) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited; see " + directory.resolve("broker.log"));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.onSpinWait();
                }
            }
        }
        throw new IllegalStateException("the broker did not answer within " + timeout);
    }

    @Override
    public void close() {
        kill();
    }

    private static ProcessBuilder java(String mainClass, String... args) {
        var command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
