package dev.patchbay.command.connection;

import dev.patchbay.command.platform.ConnectionDirectory;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.Repository;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The connection feature's answer to {@link ConnectionDirectory}, and the strongly consistent read of one connection
 * that the commands need. Blocking: call it off the event loop.
 */
@Component
class ConnectionLookup implements ConnectionDirectory {

    private final Repository<Connection> connections;
    private final TransactionManager transactions;
    private final LiveConnections live;

    ConnectionLookup(Repository<Connection> connections, TransactionManager transactions, LiveConnections live) {
        this.connections = connections;
        this.transactions = transactions;
        this.live = live;
    }

    @Override
    public Optional<ConnectionResource> describe(TenantId tenant, ConnectionId id) {
        try {
            return Optional.of(current(tenant, id));
        } catch (AggregateNotFoundException | ConnectionNotFound notFound) {
            return Optional.empty();
        }
    }

    /**
     * The connection as its events leave it, read from the write model (never the read side) in a unit of work of its
     * own, as a command's. Applies nothing. Axon is given no transaction manager of its own (only the relay has one,
     * RelayConfiguration), so the attached one is Axon's "none": the reads run in the caller's Spring transaction when
     * there is one, else each on its own, which a read of committed events needs no more than.
     *
     * @throws ConnectionNotFound when it is deleted or another tenant's
     * @throws AggregateNotFoundException when it never existed
     */
    ConnectionResource current(TenantId tenant, ConnectionId id) {
        var unitOfWork = DefaultUnitOfWork.startAndGet(new GenericMessage<>(id));
        unitOfWork.attachTransaction(transactions);
        var answer = unitOfWork.executeWithResult(
                () -> connections.load(id.toString()).invoke(connection -> connection.describeTo(tenant)));
        if (answer.isExceptional()) {
            var failure = answer.exceptionResult();
            if (failure instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(failure);
        }
        return answer.getPayload();
    }

    @Override
    public Optional<ConnectionId> find(
            TenantId tenant, String vendor, String configName, String workspaceId, String endUserId) {
        return live.find(tenant, vendor, configName, workspaceId, endUserId);
    }
}
