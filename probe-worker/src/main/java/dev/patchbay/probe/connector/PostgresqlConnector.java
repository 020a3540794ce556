package dev.patchbay.probe.connector;

import dev.patchbay.contracts.connector.Category;
import dev.patchbay.probe.check.JdbcProbe;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.TlsMode;
import dev.patchbay.vault.Credential;
import org.springframework.stereotype.Component;

import java.sql.Driver;
import java.util.List;
import java.util.Properties;

/**
 * A PostgreSQL server, reached with a database user and password. The check logs in with PgJDBC at the checked
 * address and runs {@code SELECT 1}; SQLState class 28 (invalid authorization) means the credential was refused.
 *
 * <p>{@code tls_mode} ({@link TlsMode}) is {@code verify-full} by default: TLS, with the certificate checked against
 * the JVM's trusted roots and the host's name, before the server sees the startup message, let alone the password.
 * A server without TLS is a {@code tls_error} then. {@code disable} is for a server without TLS: no TLS at all, and
 * the password is sent as the server asks for it, in clear text if it asks so. There is no {@code prefer}: a server
 * that anyone on the path can impersonate by saying it has no TLS protects nothing.
 */
@Component
final class PostgresqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "postgresql",
            Category.DATABASE,
            "PostgreSQL",
            List.of("host", "port", "database"),
            List.of("username", "password"),
            false,
            List.of("database"),
            List.of());

    /** The driver itself, not DriverManager: no other registered driver can claim the URL. */
    private static final Driver DRIVER = new org.postgresql.Driver();

    private final JdbcProbe jdbc;

    PostgresqlConnector(JdbcProbe jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public ConnectorType type() {
        return TYPE;
    }

    @Override
    public Outcome check(ProbeTarget target, Credential credential) {
        var properties = jdbc.properties();
        var options = new Properties();
        // PgJDBC counts these in seconds. Its loginTimeout is left out on purpose: it fails without saying why.
        options.setProperty(
                "connectTimeout",
                Long.toString(Math.max(1, properties.connectTimeout().toSeconds())));
        options.setProperty(
                "socketTimeout",
                Long.toString(Math.max(1, properties.checkTimeout().toSeconds())));
        options.setProperty("ApplicationName", "patchbay-probe");
        options.setProperty("gssEncMode", "disable");
        var tls = TlsMode.of(target);
        if (tls == TlsMode.VERIFY_FULL) {
            options.setProperty("sslmode", "verify-full");
            // The JVM's trust store; PgJDBC's own default wants ~/.postgresql/root.crt, which a worker has not.
            options.setProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        } else {
            options.setProperty("sslmode", "disable");
        }
        return jdbc.selectOne(DRIVER, "jdbc:postgresql:", target, credential, options, tls);
    }
}
