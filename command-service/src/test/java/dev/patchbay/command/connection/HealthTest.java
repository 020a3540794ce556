package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.TenantId;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.patchbay.command.connection.ConnectionFixtures.T0;
import static dev.patchbay.command.connection.ConnectionFixtures.T1;
import static dev.patchbay.command.connection.ConnectionFixtures.TENANT;
import static dev.patchbay.command.connection.ConnectionFixtures.anUpdateOf;
import static dev.patchbay.command.connection.ConnectionFixtures.created;
import static dev.patchbay.command.connection.ConnectionFixtures.newId;

/** The connection's decisions on probe results: a change of health is an event, a like result is none. */
class HealthTest {

    private static final ProbeError REFUSED = new ProbeError("credentials_rejected", "The database refused the login.");
    private static final ProbeError UNREACHABLE = new ProbeError("unreachable", "No answer from the host.");

    private final FixtureConfiguration<Connection> fixture = new AggregateTestFixture<>(Connection.class);

    @Test
    void theFirstResultChangesUnknownHealth() {
        var id = newId();
        fixture.given(created(id))
                .when(healthy(id, at(1)))
                .expectEvents(changed(id, 2, at(1), "healthy", "unknown", null, null));
    }

    @Test
    void aResultLikeTheLastChangeIsNoEvent() {
        var id = newId();
        fixture.given(created(id), changed(id, 2, at(1), "healthy", "unknown", null, null))
                .when(healthy(id, at(2)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void healthyToUnhealthyAndBackAreEachAnEvent() {
        var id = newId();
        fixture.given(created(id), changed(id, 2, at(1), "healthy", "unknown", null, null))
                .when(unhealthy(id, at(2), REFUSED))
                .expectEvents(changed(id, 3, at(2), "unhealthy", "healthy", REFUSED, null));
        fixture.given(
                        created(id),
                        changed(id, 2, at(1), "healthy", "unknown", null, null),
                        changed(id, 3, at(2), "unhealthy", "healthy", REFUSED, null))
                .when(healthy(id, at(3)))
                .expectEvents(changed(id, 4, at(3), "healthy", "unhealthy", null, "credentials_rejected"));
    }

    @Test
    void aCredentialThatStartsBeingRefusedIsAChangeWhileUnhealthy() {
        var id = newId();
        fixture.given(created(id), changed(id, 2, at(1), "unhealthy", "unknown", UNREACHABLE, null))
                .when(unhealthy(id, at(2), REFUSED))
                .expectEvents(changed(id, 3, at(2), "unhealthy", "unhealthy", REFUSED, "unreachable"));
    }

    @Test
    void aResultCheckedBeforeTheLastChangeIsNoEvent() {
        var id = newId();
        fixture.given(created(id), changed(id, 2, at(5), "healthy", "unknown", null, null))
                .when(unhealthy(id, at(4), REFUSED))
                .expectNoEvents();
    }

    @Test
    void resultsForADeletedConnectionOrAnotherTenantAreNoEvent() {
        var id = newId();
        fixture.given(created(id), new ConnectionDeleted(id, TENANT, 2, T0, "u", "warehouse"))
                .when(healthy(id, at(1)))
                .expectNoEvents();
        fixture.given(created(id))
                .when(new RecordHealth(id, TenantId.of("tenant-b"), true, null, at(1)))
                .expectNoEvents();
    }

    @Test
    void aHealthChangeTakesTheNextVersionButLeavesAClientsIfMatchOfTheLastEditValid() {
        var id = newId();
        fixture.given(created(id), changed(id, 2, at(1), "unhealthy", "unknown", UNREACHABLE, null))
                .when(anUpdateOf(id).by("u").ifMatch(1).withDisplayName("x").command())
                .expectEvents(new ConnectionUpdated(
                        id,
                        TENANT,
                        3,
                        T1,
                        "u",
                        List.of("display_name"),
                        "x",
                        created(id).baseUrl(),
                        created(id).accountRef(),
                        created(id).config(),
                        created(id).metadata()));
        fixture.given(created(id), changed(id, 2, at(1), "unhealthy", "unknown", UNREACHABLE, null))
                .when(anUpdateOf(id).by("u").ifMatch(2).withDisplayName("x").command())
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void anIfMatchOlderThanTheLastEditOrNewerThanTheConnectionIsStill412() {
        var id = newId();
        var edited = new ConnectionUpdated(
                id, TENANT, 2, T1, "u", List.of("display_name"), "y", null, null, Map.of(), Map.of());
        fixture.given(created(id), edited, changed(id, 3, at(2), "healthy", "unknown", null, null))
                .when(anUpdateOf(id).by("u").ifMatch(1).withDisplayName("x").command())
                .expectException(VersionMismatch.class)
                .expectNoEvents();
        fixture.given(created(id), edited, changed(id, 3, at(2), "healthy", "unknown", null, null))
                .when(anUpdateOf(id).by("u").ifMatch(4).withDisplayName("x").command())
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }

    private static Instant at(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }

    private static RecordHealth healthy(ConnectionId id, Instant at) {
        return new RecordHealth(id, TENANT, true, null, at);
    }

    private static RecordHealth unhealthy(ConnectionId id, Instant at, ProbeError error) {
        return new RecordHealth(id, TENANT, false, error, at);
    }

    private static ConnectionHealthChanged changed(
            ConnectionId id,
            long version,
            Instant at,
            String state,
            String previous,
            ProbeError error,
            String previousCode) {
        return new ConnectionHealthChanged(
                id, TENANT, version, at, ConnectionHealthChanged.ACTOR, state, previous, error, previousCode);
    }
}
