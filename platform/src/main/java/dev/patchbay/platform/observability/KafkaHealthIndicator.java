package dev.patchbay.platform.observability;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the broker answers: a describe-cluster with a short timeout. The answer is kept for a few seconds, so that
 * probes from several places (liveness, readiness, a load balancer) cost one round trip. The admin client is made on
 * first use and kept.
 */
final class KafkaHealthIndicator implements HealthIndicator, DisposableBean {

    private record Checked(Health health, long atNanos) {}

    private final Map<String, Object> config;
    private final Duration timeout;
    private final Duration keepFor;
    private Admin admin;
    private volatile Checked last;

    KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout, Duration keepFor) {
        this.config = new HashMap<>(adminConfig);
        this.config.put(AdminClientConfig.CLIENT_ID_CONFIG, "patchbay-health");
        this.config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.timeout = timeout;
        this.keepFor = keepFor;
    }

    @Override
    public Health health() {
        var checked = last;
        if (checked != null && System.nanoTime() - checked.atNanos() < keepFor.toNanos()) {
            return checked.health();
        }
        synchronized (this) {
            checked = last;
            if (checked == null || System.nanoTime() - checked.atNanos() >= keepFor.toNanos()) {
                checked = new Checked(check(), System.nanoTime());
                last = checked;
            }
            return checked.health();
        }
    }

    private Health check() {
        try {
            var cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            var brokers = cluster.nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            return Health.up().withDetail("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the class name only: a client's message may quote its configuration
            var cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return Health.down()
                    .withDetail("error", cause.getClass().getSimpleName())
                    .build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public synchronized void destroy() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
