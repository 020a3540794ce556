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
 * A MySQL (or MariaDB) server, reached with a database user and password. The check logs in with MariaDB
 * Connector/J at the checked address and runs {@code SELECT 1}; SQLState 28000 (access denied) means the credential
 * was refused.
 */
@Component
final class MysqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("mysql", Category.DATABASE, "MySQL",
            List.of("host", "port", "database"), List.of("username", "password"), false,
            List.of("database"), List.of());

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
        options.setProperty("connectTimeout", Long.toString(properties.connectTimeout().toMillis()));
        options.setProperty("socketTimeout", Long.toString(properties.checkTimeout().toMillis()));
        // A server must not make the check read local files, follow it to another host (which the guard never saw),
        // or receive the password in clear text.
        options.setProperty("allowLocalInfile", "false");
        options.setProperty("permitRedirect", "false");
        options.setProperty("restrictedAuth", "mysql_native_password,client_ed25519,caching_sha2_password");
        return jdbc.selectOne(DRIVER, "jdbc:mariadb:", target, credential, options);
    }
}
