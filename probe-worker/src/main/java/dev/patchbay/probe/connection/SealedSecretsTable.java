package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealingContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * command-service's vault table, read-only (the pool's connections are read-only sessions). The tenant is part of
 * the lookup as well as of the sealing context: a request for another tenant's row finds nothing.
 */
@Component
final class SealedSecretsTable implements SealedCredentials {

    private final JdbcClient jdbc;

    SealedSecretsTable(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<byte[]> find(ConnectionId connection, TenantId tenant, int version) {
        return jdbc.sql("SELECT ciphertext FROM sealed_secrets WHERE connection_id = ? AND purpose = ? "
                        + "AND version = ? AND tenant_id = ?")
                .params(connection.value(), SealingContext.CREDENTIAL, version, tenant.value())
                .query((rows, n) -> rows.getBytes(1)).optional();
    }
}
