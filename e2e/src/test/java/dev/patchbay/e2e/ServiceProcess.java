package dev.patchbay.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Patchbay service, run from its own fat jar in its own JVM, as in production: started, killed with SIGKILL,
 * started again on the same port.
 */
final class ServiceProcess {

    private final String name;
    private final Path jar;
    private final List<String> arguments;
    private final Path log;
    private final int port;
    private Process process;

    private ServiceProcess(String name, Path jar, List<String> arguments, Path log, int port) {
        this.name = name;
        this.jar = jar;
        this.arguments = arguments;
        this.log = log;
        this.port = port;
    }

    static ServiceProcess create(String module, Map<String, String> properties, Path logDirectory) {
        return create(module, module, properties, logDirectory);
    }

    /** One of several instances of a module: {@code name} tells them apart, in the log file's name too. */
    static ServiceProcess create(String module, String name, Map<String, String> properties, Path logDirectory) {
        var jar = Path.of(
                System.getProperty("patchbay.e2e.jars", ".."),
                module,
                "target",
                module + "-" + System.getProperty("patchbay.e2e.version", "0.1.0-SNAPSHOT") + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no fat jar at " + jar + ": build the services first (mvn package)");
        }
        int port = freePort();
        var arguments = new ArrayList<String>();
        arguments.add("--server.port=" + port);
        properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return new ServiceProcess(name, jar, arguments, logDirectory.resolve(name + ".log"), port);
    }

    /** Starts the service (again, after a kill) and waits until its health answers UP. */
    ServiceProcess start(Duration timeout) {
        return start(timeout, "/actuator/health");
    }

    /** Starts the service and waits until that health path answers UP (liveness, when its peers are not up yet). */
    ServiceProcess start(Duration timeout, String healthPath) {
        var command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx320m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Daxoniq.update-checker.disabled=true",
                "-jar",
                jar.toString()));
        command.addAll(arguments);
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("AXONIQ_UPDATE_CHECKER_DISABLED", "true");
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy(timeout, healthPath);
        return this;
    }

    void awaitHealthy(Duration timeout) {
        awaitHealthy(timeout, "/actuator/health");
    }

    void awaitHealthy(Duration timeout, String healthPath) {
        var client = HttpClient.newHttpClient();
        var deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + healthPath))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleepBriefly();
        }
        throw new IllegalStateException(name + " was not healthy within " + timeout + "; see " + log);
    }

    /** SIGKILL, as a crash would. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
