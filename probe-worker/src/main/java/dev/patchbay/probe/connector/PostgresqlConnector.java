package dev.patchbay.probe.connector;

import org.springframework.stereotype.Component;

import java.util.List;

/** A PostgreSQL server, reached with a database user and password. */
@Component
final class PostgresqlConnector implements Connector {

    static final ConnectorType TYPE = new ConnectorType("postgresql", Category.DATABASE, "PostgreSQL",
            List.of("host", "port", "database"), List.of("username", "password"), false);

    @Override
    public ConnectorType type() {
        return TYPE;
    }
}
