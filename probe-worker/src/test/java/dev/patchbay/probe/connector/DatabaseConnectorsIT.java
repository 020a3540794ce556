package dev.patchbay.probe.connector;

import dev.patchbay.probe.Tarpit;
import dev.patchbay.probe.check.DestinationGuard;
import dev.patchbay.probe.check.Failure;
import dev.patchbay.probe.check.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database checks against the real servers of this machine: PostgreSQL on 127.0.0.1:5432 (trust
 * authentication: any password passes for an existing role, so a refused credential is a role that does not exist)
 * and MariaDB on 127.0.0.1:3306 (real password authentication, with a user made here). Neither has TLS, so their
 * connections say {@code tls_mode: disable}, as a tenant's connection to such a server must.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseConnectorsIT {

    private static final String MARIADB_USER = "patchbay_probe_it";
    private static final String MARIADB_PASSWORD = "pw-" + UUID.randomUUID();

    private final TestConnectors connectors = new TestConnectors(TestConnectors.LOCAL);

    @BeforeAll
    static void aMariadbUserWithAPassword() throws Exception {
        try (var root = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
                var statement = root.createStatement()) {
            for (var host : new String[] {"localhost", "127.0.0.1", "%"}) {
                statement.execute("CREATE USER IF NOT EXISTS '" + MARIADB_USER + "'@'" + host + "'");
                statement.execute(
                        "ALTER USER '" + MARIADB_USER + "'@'" + host + "' IDENTIFIED BY '" + MARIADB_PASSWORD + "'");
            }
        }
    }

    @Test
    void postgresqlWithAnExistingRoleIsHealthy() {
        assertThat(check("postgresql", postgres("postgres"), "postgres", "any")).isEqualTo(Outcome.healthy());
        assertThat(check(
                        "postgresql",
                        Map.of("host", "localhost", "port", "5432", "database", "postgres", "tls_mode", "disable"),
                        "postgres",
                        "any"))
                .isEqualTo(Outcome.healthy());
    }

    @Test
    void postgresqlRefusingTheRoleIsCredentialsRejected(CapturedOutput output) {
        var role = "no_such_role_" + UUID.randomUUID().toString().substring(0, 8);
        var password = "pw-" + UUID.randomUUID();

        var outcome = check("postgresql", postgres("postgres"), role, password);

        assertThat(outcome.failure()).isEqualTo(Failure.CREDENTIALS_REJECTED);
        assertThat(outcome.error().message()).isEqualTo("The system refused the credential (SQLState 28000).");
        assertThat(output.getAll()).doesNotContain(password);
    }

    @Test
    void postgresqlWithoutTheDatabaseAnswersUnexpectedly() {
        var outcome = check(
                "postgresql",
                postgres("no_such_db_" + UUID.randomUUID().toString().substring(0, 8)),
                "postgres",
                "any");

        assertThat(outcome.error().code()).isEqualTo("unexpected_response");
        assertThat(outcome.error().message()).endsWith("(SQLState 3D000).");
    }

    @Test
    void aDatabaseNameCannotCarryDriverOptions() throws Exception {
        try (var port = new CountingPort()) {
            for (var name :
                    new String[] {"postgres?socketFactory=java.lang.String", "db&sslmode=disable", "a/b", "db name"}) {
                var outcome = check(
                        "postgresql",
                        Map.of("host", "127.0.0.1", "port", port.port(), "database", name),
                        "postgres",
                        "any");
                assertThat(outcome.error().message()).as(name).contains("configuration");
            }
            assertThat(port.accepted()).isZero();
        }
    }

    @Test
    void mariadbChecksTheRealPassword(CapturedOutput output) {
        var config = Map.<String, Object>of(
                "host", "127.0.0.1", "port", 3306, "database", "information_schema", "tls_mode", "disable");

        assertThat(check("mysql", config, MARIADB_USER, MARIADB_PASSWORD)).isEqualTo(Outcome.healthy());

        var wrong = "wrong-" + MARIADB_PASSWORD;
        var rejected = check("mysql", config, MARIADB_USER, wrong);
        assertThat(rejected.failure()).isEqualTo(Failure.CREDENTIALS_REJECTED);
        assertThat(rejected.error().message()).isEqualTo("The system refused the credential (SQLState 28000).");
        assertThat(check(
                                "mysql",
                                config,
                                "nobody_" + UUID.randomUUID().toString().substring(0, 8),
                                wrong)
                        .failure())
                .isEqualTo(Failure.CREDENTIALS_REJECTED);
        assertThat(output.getAll()).doesNotContain(wrong, MARIADB_PASSWORD);
    }

    @Test
    void aClosedPortIsUnreachableAndASilentOneATimeoutForBothDrivers() throws Exception {
        int closed = CountingPort.closedPort();
        for (var vendor : new String[] {"postgresql", "mysql"}) {
            assertThat(check(vendor, Map.of("host", "127.0.0.1", "port", closed, "database", "db"), "u", "p")
                            .failure())
                    .as(vendor)
                    .isEqualTo(Failure.UNREACHABLE);
            try (var silent = new CountingPort()) {
                long started = System.nanoTime();
                var outcome =
                        check(vendor, Map.of("host", "127.0.0.1", "port", silent.port(), "database", "db"), "u", "p");
                assertThat(outcome.failure()).as(vendor).isEqualTo(Failure.TIMEOUT);
                assertThat(System.nanoTime() - started).as(vendor).isLessThan(8_000_000_000L);
            }
        }
    }

    @Test
    void aServerThatDribblesIsCutOffAtTheCheckDeadlineForBothDrivers() throws Exception {
        // A byte a second keeps every read within the drivers' socket timeout (3 s here); only the deadline ends it.
        for (var vendor : new String[] {"postgresql", "mysql"}) {
            try (var tarpit =
                    new Tarpit(vendor.equals("mysql") ? Tarpit.MYSQL : Tarpit.POSTGRESQL, Duration.ofSeconds(1))) {
                var outcome = CompletableFuture.supplyAsync(() -> check(
                        vendor,
                        Map.of("host", "127.0.0.1", "port", tarpit.port(), "database", "db", "tls_mode", "disable"),
                        "u",
                        "p"));

                var ended = await().atMost(Duration.ofSeconds(30))
                        .until(() -> outcome.getNow(null), java.util.Objects::nonNull);
                assertThat(ended.failure()).as(vendor).isEqualTo(Failure.TIMEOUT);
                assertThat(tarpit.accepted()).as(vendor).isPositive();
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(tarpit.open()).isZero());
            }
        }
    }

    @Test
    void byDefaultBothChecksRequireVerifiedTlsWhichTheLocalServersDoNotOffer() {
        var postgres = new HashMap<String, Object>(postgres("postgres"));
        postgres.remove("tls_mode");
        assertThat(check("postgresql", postgres, "postgres", "any").failure()).isEqualTo(Failure.TLS_ERROR);
        postgres.put("tls_mode", "verify-full");
        assertThat(check("postgresql", postgres, "postgres", "any").failure()).isEqualTo(Failure.TLS_ERROR);

        var mariadb = Map.<String, Object>of("host", "127.0.0.1", "port", 3306, "database", "information_schema");
        assertThat(check("mysql", mariadb, MARIADB_USER, MARIADB_PASSWORD).failure())
                .isEqualTo(Failure.TLS_ERROR);
    }

    @Test
    void postgresqlSendsThePasswordToAServerWithoutTlsOnlyWhenTlsModeIsDisable() throws Exception {
        var password = "pw-" + UUID.randomUUID();
        // Stands in for a server, or anyone on the path, that says it has no TLS and asks for the password in clear
        // text: the local PostgreSQL trusts every login, so it never asks for a password at all.
        try (var server = new CleartextPasswordServer()) {
            var config = new HashMap<String, Object>(
                    Map.of("host", "127.0.0.1", "port", server.port(), "database", "postgres"));

            assertThat(check("postgresql", config, "postgres", password).failure())
                    .isEqualTo(Failure.TLS_ERROR);
            assertThat(server.connections()).isPositive();
            assertThat(server.received()).doesNotContain(password);

            config.put("tls_mode", "disable");
            check("postgresql", config, "postgres", password);
            assertThat(server.received()).contains(password);
        }
    }

    /**
     * What sets verify-full apart from TLS without checks (the old {@code prefer} sent the password here): a server at
     * a name the guard resolves to 127.0.0.1 offers TLS with a certificate nobody trusts, and then would ask for the
     * password in clear text inside that TLS. (That the certificate must also name the host is PgJDBC's verify-full
     * check against the URL's host, which is the connection's name; a trusted certificate for another name cannot be
     * made here, as the JVM's trust store is fixed for the test run.)
     */
    @Test
    void postgresqlChecksTheCertificateSoAnImpostorWithTlsNeverGetsThePassword(@TempDir Path directory)
            throws Exception {
        var password = "pw-" + UUID.randomUUID();
        try (var impostor = new CleartextPasswordServer(untrustedTls(directory, "db.test"))) {
            DestinationGuard.Resolver resolver = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            var named = new TestConnectors(TestConnectors.LOCAL, DestinationGuard.of(TestConnectors.LOCAL, resolver));
            var postgresql = named.all().stream()
                    .filter(c -> c.type().vendor().equals("postgresql"))
                    .findFirst()
                    .orElseThrow();

            Outcome outcome;
            try (var credential = TestConnectors.credential("username", "postgres", "password", password)) {
                outcome = postgresql.run(
                        TestConnectors.target(
                                "postgresql",
                                null,
                                Map.of("host", "db.test", "port", impostor.port(), "database", "postgres")),
                        credential);
            }

            assertThat(outcome.failure()).isEqualTo(Failure.TLS_ERROR);
            assertThat(impostor.handshakes()).isPositive();
            assertThat(impostor.received()).doesNotContain(password);
        }
    }

    private static SSLContext untrustedTls(Path directory, String name) throws Exception {
        var keystore = directory.resolve("server.p12");
        var keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=" + name,
                        "-ext",
                        "SAN=dns:" + name,
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        var keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            keys.load(in, "changeit".toCharArray());
        }
        var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        var tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        return tls;
    }

    @Test
    void anUnknownTlsModeIsUnusableConfigAndConnectsNowhere() throws Exception {
        try (var port = new CountingPort()) {
            for (var vendor : new String[] {"postgresql", "mysql"}) {
                for (var mode : new String[] {"prefer", "require", "off", "verify-ca"}) {
                    var outcome = check(
                            vendor,
                            Map.of("host", "127.0.0.1", "port", port.port(), "database", "db", "tls_mode", mode),
                            "u",
                            "p");
                    assertThat(outcome.error().message())
                            .as(vendor + " " + mode)
                            .contains("configuration");
                }
            }
            assertThat(port.accepted()).isZero();
        }
    }

    @Test
    void aPortThatIsNotANumberIsUnusableConfig() {
        var config = new HashMap<String, Object>(postgres("postgres"));
        config.put("port", "54x2");
        assertThat(check("postgresql", config, "postgres", "any").error().message())
                .contains("configuration");
        config.put("port", 70000);
        assertThat(check("postgresql", config, "postgres", "any").error().message())
                .contains("configuration");
    }

    private static Map<String, Object> postgres(String database) {
        return Map.of("host", "127.0.0.1", "port", 5432, "database", database, "tls_mode", "disable");
    }

    private Outcome check(String vendor, Map<String, Object> config, String username, String password) {
        var connector = connectors.all().stream()
                .filter(c -> c.type().vendor().equals(vendor))
                .findFirst()
                .orElseThrow();
        try (var credential = TestConnectors.credential("username", username, "password", password)) {
            return connector.run(TestConnectors.target(vendor, null, config), credential);
        }
    }
}
