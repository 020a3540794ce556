package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.TenantId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Live connections per tenant. The row lock taken by the increment makes the quota exact under concurrency. */
@Repository
class TenantUsage {

    private final JdbcClient jdbc;

    TenantUsage(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Counts one more live connection, unless the tenant already has {@code quota}; answers whether it did. */
    boolean admitOneMore(TenantId tenant, int quota) {
        return !jdbc.sql("INSERT INTO tenant_usage (tenant_id, live_connections) VALUES (?, 1) "
                                + "ON CONFLICT (tenant_id) DO UPDATE SET live_connections = tenant_usage.live_connections + 1 "
                                + "WHERE tenant_usage.live_connections < ? RETURNING live_connections")
                        .params(tenant.value(), quota)
                        .query(Integer.class)
                        .list()
                        .isEmpty()
                && quota > 0;
    }

    void oneLess(TenantId tenant) {
        jdbc.sql("UPDATE tenant_usage SET live_connections = live_connections - 1 WHERE tenant_id = ?")
                .param(tenant.value())
                .update();
    }
}
