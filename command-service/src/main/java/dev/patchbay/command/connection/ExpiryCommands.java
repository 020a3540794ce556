package dev.patchbay.command.connection;

import dev.patchbay.command.platform.CommittedEventStore;
import dev.patchbay.command.platform.CredentialExpiries;
import dev.patchbay.command.platform.ExpiringConnections;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.observability.LogContext;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The connection feature's answer to {@link ExpiringConnections}: an expiry or a refresher's renewal is a command on
 * the aggregate in one transaction with the connection's row locked, its vault rows and its index rows, as any
 * command. A renewal that becomes the credential promotes the staged vault row and destroys the older credential,
 * as a rotation does; one that does not destroys the staged row.
 */
@Component
class ExpiryCommands implements ExpiringConnections {

    private static final Logger log = LoggerFactory.getLogger(ExpiryCommands.class);

    private final LiveConnections live;
    private final SealedSecretStore secrets;
    private final CredentialExpiries expiries;
    private final CommandGateway gateway;
    private final TransactionTemplate transactions;
    private final CommittedEventStore eventStore;
    private final Clock clock;

    ExpiryCommands(
            LiveConnections live,
            SealedSecretStore secrets,
            CredentialExpiries expiries,
            CommandGateway gateway,
            TransactionTemplate transactions,
            CommittedEventStore eventStore,
            Clock clock) {
        this.live = live;
        this.secrets = secrets;
        this.expiries = expiries;
        this.gateway = gateway;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.clock = clock;
    }

    @Override
    public boolean expire(TenantId tenant, ConnectionId id, int credentialVersion, String reason, String actor) {
        try (var logContext = LogContext.of(tenant, id)) {
            ConnectionExpired expired = transactions.execute(status -> live.lock(tenant, id)
                    .map(connection -> {
                        ConnectionExpired applied = gateway.sendAndWait(
                                new ExpireConnection(id, tenant, actor, now(), credentialVersion, reason));
                        if (applied != null) {
                            live.status(id, "expired");
                            expiries.forget(id);
                        }
                        return applied;
                    })
                    .orElse(null));
            if (expired == null) {
                return false;
            }
            eventStore.committed();
            log.info("Connection expired: {} (credential version {})", reason, credentialVersion);
            return true;
        }
    }

    @Override
    public boolean recordRefresh(TenantId tenant, ConnectionId id, int fromVersion, CredentialInfo refreshed) {
        try (var logContext = LogContext.of(tenant, id)) {
            Connection.RefreshDecision decision = transactions.execute(status -> {
                var connection = live.lock(tenant, id);
                if (connection.isEmpty()) {
                    return Connection.RefreshDecision.GONE;
                }
                if (secrets.findStagedRefresh(id, tenant, fromVersion + 1).isEmpty()) {
                    // nothing to promote (swept, or never staged): the rotation would name a credential that is not
                    // there, so it is not recorded; the next refresh starts from the current credential again
                    return null;
                }
                Connection.Refreshed outcome =
                        gateway.sendAndWait(new RecordRefresh(id, tenant, now(), fromVersion, refreshed));
                switch (outcome.decision()) {
                    case ROTATED -> {
                        if (secrets.promoteRefreshed(id, fromVersion + 1) != 1) {
                            throw new IllegalStateException("the staged credential was not promoted");
                        }
                        secrets.destroyBefore(id, SealingContext.CREDENTIAL, fromVersion + 1);
                        live.credentialVersion(id, fromVersion + 1);
                        live.status(id, "active");
                        expiries.track(tenant, outcome.connection());
                    }
                    case STALE ->
                        secrets.destroyStagedUpTo(
                                id, outcome.connection().credential().version());
                    case GONE -> secrets.destroyStaged(id);
                }
                return outcome.decision();
            });
            if (decision == null) {
                log.warn("A renewal of credential version {} had no staged credential; not recorded", fromVersion);
                return false;
            }
            if (decision == Connection.RefreshDecision.ROTATED) {
                eventStore.committed();
                log.info("Credential version {} renewed by the refresher", fromVersion);
                return true;
            }
            log.info(
                    "A renewal of credential version {} was not recorded ({}); its staged row destroyed",
                    fromVersion,
                    decision);
            return false;
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
