package dev.patchbay.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.proxy.ProxyCallCompleted;
import dev.patchbay.contracts.topic.Topics;
import dev.patchbay.platform.test.KafkaBrokerProcess;
import dev.patchbay.probe.proxy.RawHttp;
import dev.patchbay.probe.proxy.VendorStandIn;
import dev.patchbay.probe.proxy.VendorStandIn.Reply;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.Vault;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy fails closed when its audit records cannot be delivered (issue 22: every call is an audit record): this
 * worker runs on a broker of its own ({@link KafkaBrokerProcess}, killed and started again as a crash would), with a
 * producer that gives up on a record after 3 s instead of 2 min. The vendor is a local stand-in ({@link
 * VendorStandIn}).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ExtendWith(OutputCaptureExtension.class)
class ProxyAuditOutageIT {

    static final KafkaBrokerProcess BROKER = KafkaBrokerProcess.start();
    /** A port of its own: the shared worker's context (other ITs) may still hold RunningWorker's. */
    static final int OWN_PROXY_PORT = freeLoopbackPort();

    private static final Vault VAULT = TestVaults.vault(RunningWorker.VAULT_KEY, RunningWorker.FINGERPRINT_KEY);

    private final TenantId tenant = TenantId.of("audit-" + UUID.randomUUID());

    @DynamicPropertySource
    static void ownBroker(DynamicPropertyRegistry registry) {
        createTopics();
        // RunningWorker's worker, with this broker, port and producer instead (a later add replaces an earlier one)
        RunningWorker.worker(registry);
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
        registry.add("patchbay.proxy.port", () -> OWN_PROXY_PORT);
        registry.add("patchbay.proxy.audit-retry", () -> "1s");
        registry.add("spring.kafka.producer.properties.delivery.timeout.ms", () -> "3000");
        registry.add("spring.kafka.producer.properties.request.timeout.ms", () -> "1000");
        registry.add("spring.kafka.producer.properties.linger.ms", () -> "0");
        registry.add("spring.kafka.producer.properties.max.block.ms", () -> "2000");
    }

    /** The topics, before the worker starts (as the shared broker has them): its admin may time out on a new broker. */
    private static void createTopics() {
        try (var admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrapServers()))) {
            admin.createTopics(Topics.ALL.stream()
                            .map(topic -> new NewTopic(topic.name(), topic.partitions(), (short) 1))
                            .toList())
                    .all()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics on the test's own broker", e);
        }
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @Test
    void anUndeliverableAuditRecordStopsCallsUntilItIsDeliveredAndIsLoggedInFull(CapturedOutput output) {
        try (var vendor = new VendorStandIn(request -> Reply.of(200, "{}"))) {
            var id = connection(vendor.baseUrl());
            assertThat(call(id, "/items/1").status()).isEqualTo(200);
            assertThat(auditOf(id, 1)).extracting(ProxyCallCompleted::path).containsExactly("/items/1");

            BROKER.kill();
            // answered before its record is known to be lost: the producer has not given up on it yet
            assertThat(call(id, "/items/2").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> output.getAll().contains("was not delivered"));
            var refused = call(id, "/items/3");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text()).contains("PBAY-0614").contains("audit_unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(vendor.received())
                    .extracting(VendorStandIn.Received::uri)
                    .containsExactly("/items/1", "/items/2");
            // the lost record, in full in the log: it can be recovered from there
            var logged = output.getAll()
                    .lines()
                    .filter(line -> line.contains("was not delivered"))
                    .findFirst()
                    .orElseThrow();
            assertThat(logged)
                    .contains(id.toString())
                    .contains(tenant.value())
                    .contains("/items/2")
                    .contains("\"status\":200");

            BROKER.restart();
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> call(id, "/items/4").status() == 200);
            var audited = auditOf(id, 3);
            assertThat(audited)
                    .extracting(ProxyCallCompleted::path)
                    .containsExactly("/items/1", "/items/2", "/items/4");
            assertThat(vendor.received())
                    .extracting(VendorStandIn.Received::uri)
                    .containsExactly("/items/1", "/items/2", "/items/4");
        }
    }

    private RawHttp.Answer call(ConnectionId id, String path) {
        return RawHttp.send(
                OWN_PROXY_PORT,
                "GET",
                "/v1/connections/" + id + "/proxy" + path,
                Map.of("Authorization", "Bearer " + RunningWorker.TOKENS.token(tenant.value(), "caller")),
                null);
    }

    private static int freeLoopbackPort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A live rest_api connection (bearer) as command-service leaves it. */
    private ConnectionId connection(String baseUrl) {
        var id = new ConnectionId(UUID.randomUUID());
        TestVaults.seal(
                RunningWorker.VAULT_DB,
                VAULT,
                tenant,
                id,
                1,
                Map.of("token", "audit-token-" + UUID.randomUUID()),
                Destination.of(List.of("health_path"), baseUrl, Map.of()));
        try (var db = DriverManager.getConnection(
                        RunningWorker.VAULT_DB.jdbcUrl(), RunningWorker.VAULT_DB.username(), "");
                var insert = db.prepareStatement("INSERT INTO live_connections (tenant_id, scope_key, config_name, "
                        + "vendor, category, connection_id, credential_version, created_at, base_url, config, "
                        + "metadata) VALUES (?, 'organization', ?, 'rest_api', 'rest', ?, 1, ?, ?, '{}', '{}')")) {
            insert.setString(1, tenant.value());
            insert.setString(2, "c-" + id);
            insert.setObject(3, id.value());
            insert.setTimestamp(4, Timestamp.from(Instant.now()));
            insert.setString(5, baseUrl);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** The audit records of one connection on this worker's broker, in order, once {@code count} are there. */
    private static List<ProxyCallCompleted> auditOf(ConnectionId id, int count) {
        return TopicRecords.of(
                BROKER.bootstrapServers(), Topics.PROXY_CALLS, id, "dev.patchbay.proxy.call-completed.v1", count);
    }
}
