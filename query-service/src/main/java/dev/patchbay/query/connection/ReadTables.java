package dev.patchbay.query.connection;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the connection projection writes: the live read tables (unqualified names, found through the search path),
 * or a rebuild's copies of them in a schema of their own. SQL is written once with the placeholders
 * {@code {connections}}, {@code {history}}, {@code {tokens}} and {@code {totals}}.
 *
 * @param schema the schema of the copies, or null for the live tables
 */
record ReadTables(String schema) {

    static final ReadTables LIVE = new ReadTables(null);

    /**
     * The tables a rebuild recreates from the topic, in the order every writer locks them: a projection's
     * transaction touches the rows of its events first and their tenants' totals last.
     */
    static final List<String> NAMES =
            List.of("connections", "connection_history", "webhook_tokens", "connection_totals");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    ReadTables {
        if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("not a plain schema name: " + schema);
        }
    }

    static boolean isPlainIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    String table(String name) {
        return schema == null ? name : schema + "." + name;
    }

    String sql(String template) {
        return template.replace("{connections}", table("connections"))
                .replace("{history}", table("connection_history"))
                .replace("{tokens}", table("webhook_tokens"))
                .replace("{totals}", table("connection_totals"));
    }
}
