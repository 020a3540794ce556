package dev.patchbay.e2e;

import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;

/** What an auditor with database access would see. */
final class Databases {

    /** Every row of every table of a database, each value as its raw bytes (ISO-8859-1, so bytea stays bytes). */
    static String dump(String jdbcUrl) throws SQLException {
        var out = new StringBuilder();
        try (var connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
                var tables = connection
                        .createStatement()
                        .executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            while (tables.next()) {
                try (var rows = connection.createStatement().executeQuery("SELECT * FROM " + tables.getString(1))) {
                    while (rows.next()) {
                        for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                            var value = rows.getBytes(i);
                            out.append(value == null ? "" : new String(value, StandardCharsets.ISO_8859_1))
                                    .append('\t');
                        }
                        out.append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    private Databases() {}
}
