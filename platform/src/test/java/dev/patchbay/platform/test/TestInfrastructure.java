package dev.patchbay.platform.test;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The real infrastructure every integration test runs on, decided once per test JVM: Testcontainers' Kafka where a
 * Docker engine answers, else a real Apache Kafka broker in KRaft mode embedded from the same Kafka jars; and the
 * real PostgreSQL server on 127.0.0.1:5432, where each test class gets fresh databases.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

    public static final String PG_HOST = System.getProperty("patchbay.test.pg-host", "127.0.0.1");
    public static final int PG_PORT = Integer.getInteger("patchbay.test.pg-port", 5432);
    public static final String PG_USER = System.getProperty("patchbay.test.pg-user", "postgres");

    private static String bootstrapServers;

    private TestInfrastructure() {}

    /** The bootstrap servers of the one broker of this test run, started on first use. */
    public static synchronized String kafkaBootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = startKafka();
        }
        return bootstrapServers;
    }

    private static String startKafka() {
        if (dockerAvailable()) {
            var container = new KafkaContainer("apache/kafka-native:4.1.0");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            log.info("Kafka for tests: Testcontainers at {}", container.getBootstrapServers());
            return container.getBootstrapServers();
        }
        var broker = new EmbeddedKafkaKraftBroker(1, 1)
                .brokerProperties(
                        Map.of("auto.create.topics.enable", "false", "group.initial.rebalance.delay.ms", "0"));
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        log.info("Kafka for tests: embedded KRaft broker at {}", broker.getBrokersAsString());
        return broker.getBrokersAsString();
    }

    private static boolean dockerAvailable() {
        if (Boolean.getBoolean("patchbay.test.no-docker")) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    /** A new, empty database on the test server, named after its user and unique to this call. */
    public static Database freshDatabase(String purpose) {
        var name = ("pbt_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        try (var connection = DriverManager.getConnection(adminUrl(), PG_USER, "");
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot create test database " + name + " on " + PG_HOST + ":" + PG_PORT
                            + " (is PostgreSQL running? .ci/run starts it)",
                    e);
        }
        return new Database(name);
    }

    private static String adminUrl() {
        return "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/postgres";
    }

    /** One test database, reachable over JDBC and R2DBC. */
    public record Database(String name) {

        public String jdbcUrl() {
            return "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + name;
        }

        public String r2dbcUrl() {
            return "r2dbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + name;
        }

        public String username() {
            return PG_USER;
        }
    }
}
