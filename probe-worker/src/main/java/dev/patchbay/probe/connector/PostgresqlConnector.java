package dev.patchbay.probe.connector;

import dev.patchbay.probe.check.JdbcProbe;
import dev.patchbay.probe.check.Outcome;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.vault.Credential;
import org.springframework.stereotype.Component;

import java.sql.Driver;
import java.util.List;
import java.util.Properties;

/**
 * A PostgreSQL server, reached with a database user and password. The check logs in with PgJDBC at the checked
 * address and runs {@code SELECT 1}; SQLState class 28 (invalid authorization) means the credential was refused.
 */
@Component
final class PostgresqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("postgresql", Category.DATABASE, "PostgreSQL",
            List.of("host", "port", "database"), List.of("username", "password"), false,
            List.of("database"), List.of());

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
        options.setProperty("connectTimeout", Long.toString(Math.max(1, properties.connectTimeout().toSeconds())));
        options.setProperty("socketTimeout", Long.toString(Math.max(1, properties.checkTimeout().toSeconds())));
        options.setProperty("ApplicationName", "patchbay-probe");
        options.setProperty("gssEncMode", "disable");
        options.setProperty("sslmode", "prefer");
        return jdbc.selectOne(DRIVER, "jdbc:postgresql:", target, credential, options);
    }
}
