package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Test;

import static dev.patchbay.command.connection.ConnectionFixtures.T0;
import static dev.patchbay.command.connection.ConnectionFixtures.TENANT;
import static dev.patchbay.command.connection.ConnectionFixtures.create;
import static dev.patchbay.command.connection.ConnectionFixtures.created;
import static dev.patchbay.command.connection.ConnectionFixtures.newId;

class ConnectionTest {

    private final FixtureConfiguration<Connection> fixture = new AggregateTestFixture<>(Connection.class);

    @Test
    void creatingAConnectionRecordsItAtVersionOne() {
        var id = newId();
        fixture.givenNoPriorActivity()
                .when(create(id))
                .expectSuccessfulHandlerExecution()
                .expectEvents(created(id))
                .expectResultMessagePayload(created(id));
    }

    @Test
    void deletingAConnectionRecordsTheNextVersionWithItsName() {
        var id = newId();
        var deleted = new ConnectionDeleted(id, TENANT, 2, T0.plusSeconds(5), "user-2", "warehouse");
        fixture.given(created(id))
                .when(new DeleteConnection(id, TENANT, "user-2", T0.plusSeconds(5)))
                .expectEvents(deleted)
                .expectResultMessagePayload(deleted);
    }

    @Test
    void deletingADeletedConnectionIsRejectedAsNotFound() {
        var id = newId();
        fixture.given(created(id), new ConnectionDeleted(id, TENANT, 2, T0, "user-1", "warehouse"))
                .when(new DeleteConnection(id, TENANT, "user-1", T0))
                .expectException(ConnectionNotFound.class)
                .expectNoEvents();
    }

    @Test
    void anotherTenantCannotDeleteAConnectionAndLearnsNothingOfIt() {
        var id = newId();
        fixture.given(created(id))
                .when(new DeleteConnection(id, TenantId.of("tenant-b"), "intruder", T0))
                .expectException(ConnectionNotFound.class)
                .expectNoEvents();
    }
}
