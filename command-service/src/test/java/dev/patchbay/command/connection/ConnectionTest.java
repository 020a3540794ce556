package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.refresh.RefreshRequested;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.patchbay.command.connection.ConnectionFixtures.CREDENTIAL;
import static dev.patchbay.command.connection.ConnectionFixtures.T0;
import static dev.patchbay.command.connection.ConnectionFixtures.T1;
import static dev.patchbay.command.connection.ConnectionFixtures.TENANT;
import static dev.patchbay.command.connection.ConnectionFixtures.aConnection;
import static dev.patchbay.command.connection.ConnectionFixtures.anUpdateOf;
import static dev.patchbay.command.connection.ConnectionFixtures.create;
import static dev.patchbay.command.connection.ConnectionFixtures.created;
import static dev.patchbay.command.connection.ConnectionFixtures.credential;
import static dev.patchbay.command.connection.ConnectionFixtures.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.test.matchers.Matchers.predicate;

class ConnectionTest {

    private final FixtureConfiguration<Connection> fixture = new AggregateTestFixture<>(Connection.class);

    @Test
    void creatingAConnectionRecordsItAtVersionOne() {
        var id = newId();
        fixture.givenNoPriorActivity()
                .when(create(id))
                .expectSuccessfulHandlerExecution()
                .expectEvents(created(id))
                .expectResultMessagePayloadMatching(result(outcome ->
                        outcome.version() == 1 && outcome.connection().status() == Status.ACTIVE));
    }

    @Test
    void anUpdateRecordsOnlyWhatChangedWithEveryFieldAsItNowIs() {
        var id = newId();
        fixture.given(created(id))
                .when(anUpdateOf(id)
                        .withDisplayName("Warehouse (EU)")
                        .withAccountRef("acct-9")
                        .command())
                .expectEvents(new ConnectionUpdated(
                        id,
                        TENANT,
                        2,
                        T1,
                        "user-2",
                        List.of("display_name", "account_ref"),
                        "Warehouse (EU)",
                        null,
                        "acct-9",
                        created(id).config(),
                        Map.of()));
    }

    @Test
    void anUpdateListsWhatChangedInWireOrderAndKeepsWhatItDoesNotName() {
        var id = newId();
        var connection =
                aConnection().withId(id).withBaseUrl("https://a.example").withAccountRef("acct-1");
        fixture.given(connection.created())
                .when(anUpdateOf(id)
                        .withConfig(Map.of("host", "db2"))
                        .withBaseUrl("https://b.example")
                        .command())
                .expectEvents(new ConnectionUpdated(
                        id,
                        TENANT,
                        2,
                        T1,
                        "user-2",
                        List.of("base_url", "config"),
                        "Warehouse",
                        "https://b.example",
                        "acct-1",
                        Map.of("host", "db2"),
                        Map.of()));
    }

    @Test
    void anUpdateThatChangesNothingAppliesNoEvent() {
        var id = newId();
        fixture.given(created(id))
                .when(anUpdateOf(id).withDisplayName("Warehouse").command())
                .expectNoEvents()
                .expectResultMessagePayloadMatching(result(outcome -> !outcome.changed() && outcome.version() == 1));
    }

    @Test
    void aNullClearsAFieldAndAnEmptyMapStandsForClearedConfig() {
        var id = newId();
        fixture.given(created(id))
                .when(anUpdateOf(id)
                        .by("u")
                        .withDisplayName(null)
                        .withMetadata(null)
                        .command())
                .expectEvents(new ConnectionUpdated(
                        id,
                        TENANT,
                        2,
                        T1,
                        "u",
                        List.of("display_name"),
                        null,
                        null,
                        null,
                        created(id).config(),
                        Map.of()));
        fixture.given(created(id))
                .when(anUpdateOf(id).by("u").withConfig(null).command())
                .expectEvents(new ConnectionUpdated(
                        id, TENANT, 2, T1, "u", List.of("config"), "Warehouse", null, null, Map.of(), Map.of()));
    }

    @Test
    void aStaleIfMatchIsRejectedWithTheCurrentVersion() {
        var id = newId();
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(anUpdateOf(id).by("u").ifMatch(1).withDisplayName("x").command())
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }

    @Test
    void rotatingARevokedConnectionGivesItTheNextCredentialVersionAndMakesItActive() {
        var id = newId();
        var next = credential(2, "fp_2222222222222222");
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(anUpdateOf(id).by("u").ifMatch(2).rotatingTo(next).command())
                .expectEvents(new ConnectionRotated(id, TENANT, 3, T1, "u", next, CREDENTIAL.fingerprint()))
                .expectResultMessagePayloadMatching(
                        result(outcome -> outcome.connection().status() == Status.ACTIVE
                                && outcome.connection().credential().version() == 2));
    }

    @Test
    void aRotationSealedForAnotherVersionIsRefused() {
        var id = newId();
        fixture.given(created(id))
                .when(anUpdateOf(id).by("u").rotatingTo(credential(3, "fp_3")).command())
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
                .expectResultMessagePayloadMatching(result(outcome -> !outcome.changed()));
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
        fixture.given(created(id))
                .when(anUpdateOf(id)
                        .fromTenant(TenantId.of("tenant-b"))
                        .withDisplayName("mine")
                        .command())
                .expectException(ConnectionNotFound.class)
                .expectNoEvents();
    }

    @Test
    void aConnectionDescribesItselfToItsTenantOnlyAndNotOnceDeleted() {
        var id = newId();
        var connection = new Connection();
        connection.on(aConnection().withId(id).withBaseUrl("https://a.example").created());

        var described = connection.describeTo(TENANT);
        assertThat(described.id()).isEqualTo(id);
        assertThat(described.baseUrl()).isEqualTo("https://a.example");
        assertThat(described.version()).isEqualTo(1);
        assertThat(described.status()).isEqualTo(Status.ACTIVE);
        assertThatThrownBy(() -> connection.describeTo(TenantId.of("tenant-b"))).isInstanceOf(ConnectionNotFound.class);

        connection.on(new ConnectionDeleted(id, TENANT, 2, T1, "user-1", "warehouse"));
        assertThatThrownBy(() -> connection.describeTo(TENANT)).isInstanceOf(ConnectionNotFound.class);
    }

    @Test
    void anExpiryOfTheCurrentCredentialMakesAnActiveConnectionExpiredOnce() {
        var id = newId();
        var expired = new ConnectionExpired(
                id, TENANT, 2, T1, ConnectionExpired.EXPIRY, 1, ConnectionExpired.CREDENTIAL_EXPIRED);
        fixture.given(created(id))
                .when(new ExpireConnection(
                        id, TENANT, ConnectionExpired.EXPIRY, T1, 1, ConnectionExpired.CREDENTIAL_EXPIRED))
                .expectEvents(expired);
        fixture.given(created(id), expired)
                .when(new ExpireConnection(
                        id, TENANT, RefreshRequested.REFRESHER, T1, 1, ConnectionExpired.GRANT_REFUSED))
                .expectNoEvents();
    }

    @Test
    void anExpiryOfAReplacedCredentialOrOfARevokedConnectionOrAnotherTenantsChangesNothing() {
        var id = newId();
        var rotated = new ConnectionRotated(id, TENANT, 2, T0, "u", credential(2, "fp_2"), CREDENTIAL.fingerprint());
        fixture.given(created(id), rotated)
                .when(new ExpireConnection(
                        id, TENANT, ConnectionExpired.EXPIRY, T1, 1, ConnectionExpired.CREDENTIAL_EXPIRED))
                .expectNoEvents();
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(new ExpireConnection(
                        id, TENANT, ConnectionExpired.EXPIRY, T1, 1, ConnectionExpired.CREDENTIAL_EXPIRED))
                .expectNoEvents();
        fixture.given(created(id))
                .when(new ExpireConnection(
                        id,
                        TenantId.of("tenant-b"),
                        ConnectionExpired.EXPIRY,
                        T1,
                        1,
                        ConnectionExpired.CREDENTIAL_EXPIRED))
                .expectNoEvents();
    }

    @Test
    void aRotationMakesAnExpiredConnectionActiveAgain() {
        var id = newId();
        var next = credential(2, "fp_2222222222222222");
        fixture.given(
                        created(id),
                        new ConnectionExpired(
                                id, TENANT, 2, T0, ConnectionExpired.EXPIRY, 1, ConnectionExpired.CREDENTIAL_EXPIRED))
                .when(anUpdateOf(id).by("u").rotatingTo(next).command())
                .expectEvents(new ConnectionRotated(id, TENANT, 3, T1, "u", next, CREDENTIAL.fingerprint()))
                .expectResultMessagePayloadMatching(
                        result(outcome -> outcome.connection().status() == Status.ACTIVE));
    }

    @Test
    void aRenewalOfTheCurrentCredentialIsARotationByTheRefresherAndActivatesAnExpiredConnection() {
        var id = newId();
        var renewed = new CredentialInfo(
                List.of("access_token", "client_id", "client_secret", "refresh_token"),
                2,
                "fp_renewed",
                T1,
                T1.plusSeconds(3600));
        fixture.given(
                        created(id),
                        new ConnectionExpired(
                                id, TENANT, 2, T0, RefreshRequested.REFRESHER, 1, ConnectionExpired.REFRESH_FAILING))
                .when(new RecordRefresh(id, TENANT, T1, 1, renewed))
                .expectEvents(new ConnectionRotated(
                        id, TENANT, 3, T1, RefreshRequested.REFRESHER, renewed, CREDENTIAL.fingerprint()))
                .expectResultMessagePayloadMatching(predicate(outcome -> outcome instanceof Connection.Refreshed r
                        && r.decision() == Connection.RefreshDecision.ROTATED
                        && r.connection().status() == Status.ACTIVE
                        && r.connection().credential().equals(renewed)));
    }

    @Test
    void aRenewalOfAReplacedCredentialOrOfARevokedConnectionIsNotRecorded() {
        var id = newId();
        var renewed = credential(2, "fp_renewed");
        fixture.given(created(id), new ConnectionRotated(id, TENANT, 2, T0, "u", credential(2, "fp_2"), "fp"))
                .when(new RecordRefresh(id, TENANT, T1, 1, renewed))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(predicate(outcome ->
                        outcome instanceof Connection.Refreshed r && r.decision() == Connection.RefreshDecision.STALE));
        fixture.given(created(id), new ConnectionRevoked(id, TENANT, 2, T0, "u", CREDENTIAL.fingerprint()))
                .when(new RecordRefresh(id, TENANT, T1, 1, renewed))
                .expectNoEvents()
                .expectResultMessagePayloadMatching(predicate(outcome ->
                        outcome instanceof Connection.Refreshed r && r.decision() == Connection.RefreshDecision.GONE));
    }

    /** Matches a command's result that is a {@link CommandResult} for which {@code expected} holds. */
    private static Matcher<Object> result(Predicate<CommandResult> expected) {
        return predicate(outcome -> outcome instanceof CommandResult result && expected.test(result));
    }
}
