package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.patchbay.command.connection.ConnectionFixtures.CREDENTIAL;
import static dev.patchbay.command.connection.ConnectionFixtures.T0;
import static dev.patchbay.command.connection.ConnectionFixtures.TENANT;
import static dev.patchbay.command.connection.ConnectionFixtures.create;
import static dev.patchbay.command.connection.ConnectionFixtures.created;
import static dev.patchbay.command.connection.ConnectionFixtures.credential;
import static dev.patchbay.command.connection.ConnectionFixtures.newId;

class ConnectionTest {

    private static final java.time.Instant T1 = T0.plusSeconds(60);

    private final FixtureConfiguration<Connection> fixture = new AggregateTestFixture<>(Connection.class);

    @Test
    void creatingAConnectionRecordsItAtVersionOne() {
        var id = newId();
        fixture.givenNoPriorActivity()
                .when(create(id))
                .expectSuccessfulHandlerExecution()
                .expectEvents(created(id))
                .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                        outcome -> ((CommandResult) outcome).version() == 1
                                && ((CommandResult) outcome).connection().status() == Status.ACTIVE));
    }

    @Test
    void anUpdateRecordsOnlyWhatChangedWithEveryFieldAsItNowIs() {
        var id = newId();
        fixture.given(created(id))
                .when(new UpdateConnection(id, TENANT, "user-2", T1, null,
                        Map.of("display_name", "Warehouse (EU)", "account_ref", "acct-9"), null))
                .expectEvents(new ConnectionUpdated(id, TENANT, 2, T1, "user-2",
                        List.of("display_name", "account_ref"), "Warehouse (EU)", null, "acct-9",
                        created(id).config(), Map.of()));
    }

    @Test
    void anUpdateThatChangesNothingAppliesNoEvent() {
        var id = newId();
        fixture.given(created(id))
                .when(new UpdateConnection(id, TENANT, "user-2", T1, null, Map.of("display_name", "Warehouse"), null))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                        outcome -> !((CommandResult) outcome).changed() && ((CommandResult) outcome).version() == 1));
    }

    @Test
    void aNullClearsAFieldAndAnEmptyMapStandsForClearedConfig() {
        var id = newId();
        var fields = new HashMap<String, Object>();
        fields.put("display_name", null);
        fields.put("metadata", null);
        fixture.given(created(id))
                .when(new UpdateConnection(id, TENANT, "u", T1, null, fields, null))
                .expectEvents(new ConnectionUpdated(id, TENANT, 2, T1, "u", List.of("display_name"), null, null, null,
                        created(id).config(), Map.of()));
    }

    @Test
    void aStaleIfMatchIsRejectedWithTheCurrentVersion() {
        var id = newId();
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(new UpdateConnection(id, TENANT, "u", T1, 1L, Map.of("display_name", "x"), null))
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }

    @Test
    void rotatingARevokedConnectionGivesItTheNextCredentialVersionAndMakesItActive() {
        var id = newId();
        var next = credential(2, "fp_2222222222222222");
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(new UpdateConnection(id, TENANT, "u", T1, 2L, Map.of(), next))
                .expectEvents(new ConnectionRotated(id, TENANT, 3, T1, "u", next, CREDENTIAL.fingerprint()))
                .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                        outcome -> ((CommandResult) outcome).connection().status() == Status.ACTIVE
                                && ((CommandResult) outcome).connection().credential().version() == 2));
    }

    @Test
    void aRotationSealedForAnotherVersionIsRefused() {
        var id = newId();
        fixture.given(created(id))
                .when(new UpdateConnection(id, TENANT, "u", T1, null, Map.of(), credential(3, "fp_3")))
                .expectException(CredentialVersionConflict.class)
                .expectNoEvents();
    }

    @Test
    void revokingTwiceAppliesOneEventAndSaysAlreadyTheSecondTime() {
        var id = newId();
        fixture.given(created(id))
                .when(new RevokeConnection(id, TENANT, "u", T1, null))
                .expectEvents(new ConnectionRevoked(id, TENANT, 2, T1, "u", CREDENTIAL.fingerprint()));
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T1, "u", CREDENTIAL.fingerprint()))
                .when(new RevokeConnection(id, TENANT, "u", T1, null))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(org.axonframework.test.matchers.Matchers.predicate(
                        outcome -> !((CommandResult) outcome).changed()));
    }

    @Test
    void settingAWebhookSecretRecordsItsFingerprintOnly() {
        var id = newId();
        fixture.given(created(id))
                .when(new SetWebhookSecret(id, TENANT, "u", T1, 1, "fp_abababababababab"))
                .expectEvents(new WebhookSecretSet(id, TENANT, 2, T1, "u", 1, "fp_abababababababab"));
    }

    @Test
    void deletingAConnectionRecordsTheNextVersionWithItsName() {
        var id = newId();
        fixture.given(created(id))
                .when(new DeleteConnection(id, TENANT, "user-2", T0.plusSeconds(5), null))
                .expectEvents(new ConnectionDeleted(id, TENANT, 2, T0.plusSeconds(5), "user-2", "warehouse"));
    }

    @Test
    void aDeletedConnectionTakesNoMoreCommands() {
        var id = newId();
        fixture.given(created(id), new ConnectionDeleted(id, TENANT, 2, T0, "user-1", "warehouse"))
                .when(new RevokeConnection(id, TENANT, "user-1", T0, null))
                .expectException(ConnectionNotFound.class)
                .expectNoEvents();
    }

    @Test
    void anotherTenantCannotTouchAConnectionAndLearnsNothingOfIt() {
        var id = newId();
        fixture.given(created(id))
                .when(new DeleteConnection(id, TenantId.of("tenant-b"), "intruder", T0, null))
                .expectException(ConnectionNotFound.class)
                .expectNoEvents();
    }
}
