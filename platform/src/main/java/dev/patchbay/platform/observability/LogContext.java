package dev.patchbay.platform.observability;

import org.slf4j.MDC;

/**
 * What a log line says about the data it concerns: the tenant and the connection, in the MDC under
 * {@code tenant_id} and {@code connection_id} (never a secret: both are identifiers that every event carries).
 * Used in try-with-resources around one command, projection or delivery; closing restores what was there.
 */
public final class LogContext implements AutoCloseable {

    public static final String TENANT_ID = "tenant_id";
    public static final String CONNECTION_ID = "connection_id";

    private final String previousTenant;
    private final String previousConnection;

    private LogContext(Object tenant, Object connection) {
        previousTenant = MDC.get(TENANT_ID);
        previousConnection = MDC.get(CONNECTION_ID);
        if (tenant != null) {
            MDC.put(TENANT_ID, tenant.toString());
        }
        if (connection != null) {
            MDC.put(CONNECTION_ID, connection.toString());
        }
    }

    /** Puts the tenant and connection (either may be null: left as it was) until {@link #close()}. */
    public static LogContext of(Object tenant, Object connection) {
        return new LogContext(tenant, connection);
    }

    @Override
    public void close() {
        restore(TENANT_ID, previousTenant);
        restore(CONNECTION_ID, previousConnection);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
