package dev.patchbay.probe.refresh;

import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.CredentialRenewal;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.VaultKeysInUse;
import dev.patchbay.vault.Vault;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.ApplicationContext;

import java.util.Optional;

/**
 * The refreshers of a running worker, for ITs outside this package: the worker's own, and a second one built from
 * the same parts but with its own lock pool (its own database sessions), as a second worker instance has.
 */
public final class Refreshers {

    private Refreshers() {}

    /** A refresher as the worker runs it. */
    public interface Handle extends AutoCloseable {

        Optional<RefreshCompleted> refresh(RefreshRequested request);

        Optional<CredentialRenewal.Renewed> renew(TenantId tenant, ProbeTarget target, int version);

        @Override
        void close();
    }

    /** The worker's own refresher (the listener's and the proxy's). */
    public static Handle ofWorker(ApplicationContext context) {
        var refresher = context.getBean(Refresher.class);
        return handle(refresher, () -> {});
    }

    /** Another refresher on the same database, broker and vault keys, with sessions of its own. */
    public static Handle second(ApplicationContext context) {
        var properties = context.getBean(RefreshProperties.class);
        var locks = new RefreshLocks(context.getBean(DataSourceProperties.class), properties);
        var refresher = new Refresher(
                context.getBean(Checks.class),
                context.getBean(VaultKeysInUse.class),
                locks,
                context.getBean(TokenEndpoint.class),
                context.getBean(Vault.class),
                context.getBean(RefreshResultPublisher.class),
                properties);
        return handle(refresher, locks::close);
    }

    private static Handle handle(Refresher refresher, Runnable onClose) {
        return new Handle() {
            @Override
            public Optional<RefreshCompleted> refresh(RefreshRequested request) {
                return refresher.refresh(request);
            }

            @Override
            public Optional<CredentialRenewal.Renewed> renew(TenantId tenant, ProbeTarget target, int version) {
                return refresher.renew(tenant, target, version);
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }
}
