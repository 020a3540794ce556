package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealedSecretStore.SealedRow;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** The vault's store, read-only (the pool's connections are read-only sessions). */
@Component
final class VaultRows implements SealedCredentials {

    private final SealedSecretStore store;

    VaultRows(JdbcClient jdbc) {
        this.store = new SealedSecretStore(jdbc);
    }

    @Override
    public Optional<SealedRow> find(ConnectionId connection, TenantId tenant, int version, String purpose) {
        return store.findSendable(connection, tenant, version, purpose);
    }
}
