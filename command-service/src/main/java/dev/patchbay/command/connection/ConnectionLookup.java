package dev.patchbay.command.connection;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** The connection feature's answer to {@link ConnectionDirectory}. Blocking: call it off the event loop. */
@Component
class ConnectionLookup implements ConnectionDirectory {

    private final CommandGateway gateway;
    private final LiveConnections live;

    ConnectionLookup(CommandGateway gateway, LiveConnections live) {
        this.gateway = gateway;
        this.live = live;
    }

    @Override
    public Optional<ConnectionResource> describe(TenantId tenant, ConnectionId id) {
        try {
            CommandResult outcome = gateway.sendAndWait(new DescribeConnection(id, tenant));
            return Optional.of(outcome.connection());
        }
        catch (AggregateNotFoundException | ConnectionNotFound notFound) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<ConnectionId> find(TenantId tenant, String vendor, String configName, String workspaceId,
            String endUserId) {
        return live.find(tenant, vendor, configName, workspaceId, endUserId);
    }
}
