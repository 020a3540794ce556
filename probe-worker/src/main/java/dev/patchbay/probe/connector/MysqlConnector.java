package dev.patchbay.probe.connector;

import org.springframework.stereotype.Component;

import java.util.List;

/** A MySQL (or MariaDB) server, reached with a database user and password. */
@Component
final class MysqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("mysql", Category.DATABASE, "MySQL",
            List.of("host", "port", "database"), List.of("username", "password"), false);

    @Override
    public ConnectorType type() {
        return TYPE;
    }
}
