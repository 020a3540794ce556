package dev.patchbay.command.connection;

import dev.patchbay.command.platform.CommittedEventStore;
import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.problem.ProblemCode;
import dev.patchbay.platform.security.Caller;
import dev.patchbay.platform.web.ApiException;
import dev.patchbay.platform.web.FieldProblem;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * How a write travels: validated, the credential sealed before anything else touches it, then one PostgreSQL
 * transaction that claims or frees the name, writes or destroys the vault rows and appends the aggregate's events.
 * Nothing here talks to Kafka: the relay does, after the commit.
 */
@Service
class ConnectionCommands {

    private final ConnectionRequestRules rules;
    private final Vault vault;
    private final ConnectionNames names;
    private final SealedSecrets secrets;
    private final CommandGateway gateway;
    private final TransactionTemplate transactions;
    private final CommittedEventStore eventStore;
    private final Clock clock;

    ConnectionCommands(ConnectionRequestRules rules, Vault vault, ConnectionNames names, SealedSecrets secrets,
            CommandGateway gateway, TransactionTemplate transactions, CommittedEventStore eventStore, Clock clock) {
        this.rules = rules;
        this.vault = vault;
        this.names = names;
        this.secrets = secrets;
        this.gateway = gateway;
        this.transactions = transactions;
        this.eventStore = eventStore;
        this.clock = clock;
    }

    Mono<ConnectionCreated> create(Caller caller, CreateConnectionRequest request) {
        return blocking(() -> {
            try (var credential = request.credential()) {
                var valid = rules.checkCreate(request);
                var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
                var id = ConnectionIds.next(now);
                var context = new SealingContext(caller.tenant(), id, 1, SealingContext.CREDENTIAL);
                byte[] sealed = vault.seal(credential, context);
                var info = new CredentialInfo(List.copyOf(credential.fieldNames()), 1, vault.fingerprint(credential),
                        now);
                var command = new CreateConnection(id, caller.tenant(), caller.subject(), now, valid.type().vendor(),
                        valid.type().category(), request.configName(), request.displayName(), valid.baseUrl(),
                        request.accountRef(), request.config(), valid.scope(), request.workspaceId(),
                        request.endUserId(), request.metadata(), info);
                try {
                    return inTransaction(() -> {
                        names.claim(caller.tenant(), valid.scopeKey(), request.configName(), valid.type().vendor(), id,
                                now);
                        secrets.store(context, sealed, vault.keyName(), now);
                        return gateway.<ConnectionCreated>sendAndWait(command);
                    });
                }
                catch (DuplicateKeyException taken) {
                    throw new ApiException(ProblemCode.DUPLICATE_CONFIG_NAME, "A live connection named '"
                            + request.configName() + "' already exists in this scope.", List.of(new FieldProblem(
                                    "body.config_name", "is taken by a live connection", request.configName())));
                }
            }
        });
    }

    Mono<ConnectionDeleted> delete(Caller caller, ConnectionId id) {
        return blocking(() -> {
            var command = new DeleteConnection(id, caller.tenant(), caller.subject(),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS));
            return inTransaction(() -> {
                ConnectionDeleted deleted = gateway.sendAndWait(command);
                names.release(id);
                secrets.destroyAll(id);
                return deleted;
            });
        });
    }

    private <T> T inTransaction(Callable<T> work) {
        T result = transactions.execute(status -> {
            try {
                return work.call();
            }
            catch (AggregateNotFoundException | ConnectionNotFound notFound) {
                throw ApiException.notFound("The connection");
            }
            catch (RuntimeException e) {
                throw e;
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        eventStore.committed();
        return result;
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
