package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.Destination;
import dev.patchbay.probe.check.DestinationBlocked;
import dev.patchbay.probe.check.DestinationGuard;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Failures;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeProperties;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.TlsMode;
import dev.patchbay.vault.Credential;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ResolvingAdmin;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An Apache Kafka cluster. {@code bootstrap_servers} is required; {@code security_protocol} is {@code PLAINTEXT}
 * (default), {@code SASL_PLAINTEXT} or {@code SASL_SSL}, and with SASL {@code sasl_mechanism} is {@code PLAIN}
 * (default), {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}; the credential's username and password are used only
 * with SASL. The check is the admin client's {@code describeCluster}, with short timeouts.
 *
 * <p>{@code tls_mode} ({@link TlsMode}, default {@code verify-full}) guards the SASL password: {@code SASL_PLAINTEXT}
 * sends it (or, with SCRAM, what an eavesdropper can attack offline) without TLS, so it needs {@code tls_mode:
 * disable} as well; otherwise the check does not connect and answers unusable config. {@code SASL_SSL} always checks
 * the brokers' certificates. {@code PLAINTEXT} sends no credential, whatever the mode.
 *
 * <p>Each bootstrap address goes through the guard and is dialled as the checked IP literal (over TLS the host name
 * stays in SNI and the certificate check, {@link KafkaSslEngineFactory}). The brokers a cluster advertises are dialled
 * by the Kafka client itself, which resolves every host it connects to through {@link GuardedHostResolver}: an
 * advertised address the guard refuses is never connected to (nor sent a SASL login), and the check ends at once as
 * {@code blocked_destination}. Otherwise a public bootstrap server could make the worker probe internal hosts for it.
 */
@Component
final class KafkaConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "kafka",
            Category.BROKER,
            "Apache Kafka",
            List.of("bootstrap_servers"),
            List.of("username", "password"),
            false,
            List.of(),
            List.of());

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\[\\]]+):([0-9]{1,5})");
    private static final int MAX_SERVERS = 10;

    private final DestinationGuard guard;
    private final ProbeProperties properties;

    KafkaConnector(DestinationGuard guard, ProbeProperties properties) {
        this.guard = guard;
        this.properties = properties;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var protocol = target.text("security_protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        var mechanism = target.text("sasl_mechanism", "PLAIN").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol) || !MECHANISMS.contains(mechanism)) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var tls = TlsMode.of(target);
        if (protocol.equals("SASL_PLAINTEXT") && tls != TlsMode.DISABLE) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        var destinations = new ArrayList<Destination>();
        for (var server : servers(target.requiredText("bootstrap_servers"))) {
            destinations.add(checked(server.getHostString(), server.getPort()));
        }
        // One deadline for the whole check: up to ten bootstrap servers, each with its connect timeout, must not add
        // up.
        long deadline = System.nanoTime() + properties.checkTimeout().toNanos();
        var reachable = reachable(destinations, deadline);

        var config = new HashMap<String, Object>();
        config.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                reachable.stream()
                        .map(destination -> destination.ipLiteral() + ":" + destination.port())
                        .collect(Collectors.joining(",")));
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "patchbay-probe-" + UUID.randomUUID());
        config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, protocol);
        int connectMs = (int) properties.connectTimeout().toMillis();
        int checkMs = (int) properties.checkTimeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, checkMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, checkMs);
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, (long) connectMs);
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, (long) connectMs);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100L);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000L);
        config.put(AdminClientConfig.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        config.put(AdminClientConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        if (protocol.startsWith("SASL")) {
            config.put(SaslConfigs.SASL_MECHANISM, mechanism);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, credential));
        }
        if (protocol.equals("SASL_SSL")) {
            config.put(SslConfigs.SSL_ENGINE_FACTORY_CLASS_CONFIG, KafkaSslEngineFactory.class);
            config.put(
                    KafkaSslEngineFactory.PEER_HOSTS,
                    reachable.stream()
                            .map(destination -> destination.address().getHostAddress() + "=" + destination.host())
                            .collect(Collectors.joining(",")));
        }
        var resolver = new GuardedHostResolver(guard);
        Admin admin;
        try {
            admin = ResolvingAdmin.create(config, resolver);
        } catch (RuntimeException unusable) {
            return Outcome.failed(Failure.UNUSABLE_CONFIG);
        } finally {
            config.remove(SaslConfigs.SASL_JAAS_CONFIG);
        }
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(checkMs));
            // The client only retries a host the resolver refused, until the timeout; the refusal is the answer.
            var settled = new CompletableFuture<Void>();
            cluster.nodes().whenComplete((answer, failure) -> settled.complete(null));
            resolver.blocked().thenRun(() -> settled.complete(null));
            settled.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            if (resolver.blocked().isDone()) {
                return Outcome.failed(Failure.BLOCKED_DESTINATION);
            }
            var nodes = cluster.nodes().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            cluster.clusterId().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            for (var node : nodes) {
                checked(node.host(), node.port());
            }
            return Outcome.healthy();
        } catch (ExecutionException e) {
            return failure(e.getCause());
        } catch (TimeoutException e) {
            return Outcome.failed(Failure.TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(Failure.TIMEOUT);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private Destination checked(String host, int port) {
        try {
            return guard.check(host, port);
        } catch (DestinationBlocked blocked) {
            throw new CheckFailed(Failure.BLOCKED_DESTINATION);
        }
    }

    /**
     * The checked addresses that accept a TCP connection. The admin client would only retry a refused port until
     * it times out; a plain connect to the very same address tells unreachable from slow.
     */
    private List<Destination> reachable(List<Destination> destinations, long deadline) {
        var reachable = new ArrayList<Destination>();
        var failure = Failure.UNREACHABLE;
        for (var destination : destinations) {
            long left = remainingMillis(deadline);
            if (left <= 0) {
                failure = Failure.TIMEOUT;
                break;
            }
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(destination.address(), destination.port()), (int)
                        Math.min(left, properties.connectTimeout().toMillis()));
                reachable.add(destination);
            } catch (IOException e) {
                if (Failures.classify(e, Failure.UNREACHABLE) == Failure.TIMEOUT) {
                    failure = Failure.TIMEOUT;
                }
            }
        }
        if (reachable.isEmpty()) {
            throw new CheckFailed(failure);
        }
        return reachable;
    }

    private static long remainingMillis(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    private static Outcome failure(Throwable cause) {
        if (cause instanceof SslAuthenticationException) {
            return Outcome.failed(Failure.TLS_ERROR);
        }
        if (cause instanceof AuthenticationException) {
            return Outcome.failed(Failure.CREDENTIALS_REJECTED);
        }
        return Outcome.failed(Failures.classify(cause, Failure.UNEXPECTED_RESPONSE));
    }

    /** {@code host:port} pairs, comma-separated; an IPv6 host in brackets. */
    static List<InetSocketAddress> servers(String text) {
        var servers = new ArrayList<InetSocketAddress>();
        for (var entry : text.split(",")) {
            var trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            var matcher = HOST_PORT.matcher(trimmed);
            if (!matcher.matches()) {
                throw new CheckFailed(Failure.UNUSABLE_CONFIG);
            }
            int port = Integer.parseInt(matcher.group(2));
            if (port < 1 || port > 65535) {
                throw new CheckFailed(Failure.UNUSABLE_CONFIG);
            }
            servers.add(InetSocketAddress.createUnresolved(matcher.group(1), port));
        }
        if (servers.isEmpty() || servers.size() > MAX_SERVERS) {
            throw new CheckFailed(Failure.UNUSABLE_CONFIG);
        }
        return servers;
    }

    /** The JAAS line of the SASL login, with the values quoted so that none can add options of its own. */
    private static String jaas(String mechanism, Credential credential) {
        var module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quoted(credential.value("username")) + "\" password=\""
                + quoted(credential.value("password")) + "\";";
    }

    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
