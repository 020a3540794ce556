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
 * A MySQL (or MariaDB) server, reached with a database user and password. The check logs in with MariaDB
 * Connector/J at the checked address and runs {@code SELECT 1}; SQLState 28000 (access denied) means the credential
 * was refused.
 *
 * <p>{@code tls_mode} ({@link TlsMode}) is {@code verify-full} by default ({@code sslMode=verify-full}: TLS, with the
 * certificate checked against the JVM's trusted roots and the host's name); a server without TLS is a
 * {@code tls_error} then. {@code disable} ({@code sslMode=disable}) is for a server without TLS.
 */
@Component
final class MysqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType(
            "mysql",
            Category.DATABASE,
            "MySQL",
            List.of("host", "port", "database"),
            List.of("username", "password"),
            false,
            List.of("database"),
            List.of());

    private static final Driver DRIVER = new org.mariadb.jdbc.Driver();

    private final JdbcProbe jdbc;

    MysqlConnector(JdbcProbe jdbc) {
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
        options.setProperty(
                "connectTimeout", Long.toString(properties.connectTimeout().toMillis()));
        options.setProperty(
                "socketTimeout", Long.toString(properties.checkTimeout().toMillis()));
        // A server must not make the check read local files, follow it to another host (which the guard never saw),
        // or receive the password in clear text.
        options.setProperty("allowLocalInfile", "false");
        options.setProperty("permitRedirect", "false");
        options.setProperty("restrictedAuth", "mysql_native_password,client_ed25519,caching_sha2_password");
        var tls = TlsMode.of(target);
        options.setProperty("sslMode", tls == TlsMode.VERIFY_FULL ? "verify-full" : "disable");
        return jdbc.selectOne(DRIVER, "jdbc:mariadb:", target, credential, options, tls);
    }
}
