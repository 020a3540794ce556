package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One connection's decisions. Its state is rebuilt from its events; handlers check, then apply. Time arrives on the
 * command. Each handler answers with the event it applied, from which the HTTP response is built.
 */
@Aggregate
class Connection {

    @AggregateIdentifier
    private ConnectionId id;
    private TenantId tenant;
    private long version;
    private String configName;
    private boolean deleted;

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    ConnectionCreated handle(CreateConnection cmd) {
        var created = new ConnectionCreated(cmd.connectionId(), cmd.tenantId(), 1, cmd.requestedAt(), cmd.actor(),
                cmd.vendor(), cmd.category(), cmd.configName(), cmd.displayName(), cmd.baseUrl(), cmd.accountRef(),
                cmd.config(), cmd.scope(), cmd.workspaceId(), cmd.endUserId(), cmd.metadata(), cmd.credential());
        apply(created);
        return created;
    }

    @CommandHandler
    ConnectionDeleted handle(DeleteConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        var deletion = new ConnectionDeleted(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), configName);
        apply(deletion);
        return deletion;
    }

    private void requireVisibleTo(TenantId caller) {
        if (deleted || !tenant.equals(caller)) {
            throw new ConnectionNotFound(id);
        }
    }

    @EventSourcingHandler
    void on(ConnectionCreated e) {
        id = e.connectionId();
        tenant = e.tenantId();
        configName = e.configName();
        version = e.version();
    }

    @EventSourcingHandler
    void on(ConnectionDeleted e) {
        deleted = true;
        version = e.version();
    }

    Connection() {
        // for Axon
    }
}
