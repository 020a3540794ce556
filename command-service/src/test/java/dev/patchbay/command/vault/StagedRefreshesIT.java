package dev.patchbay.command.vault;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The vault's staging of refreshed OAuth2 credentials (issue 21 §3), on the real database: a refresher stages the
 * renewed credential as version n + 1 under the credential context it will have; a second refresher's stage of the
 * same version is refused; command-service promotes it to the connection's credential of that version, or the
 * staged row is destroyed (by connection, or by the sweep of old ones). Here the test plays the refresher, sealing
 * and staging through the same vault API a probe worker uses.
 */
class StagedRefreshesIT extends CommandServiceTestBase {

    private static final String CANARY = "canary-refreshed-" + UUID.randomUUID();

    @Autowired
    SealedSecretStore store;

    @Autowired
    Vault vault;

    private final String tenant = TestTokens.newTenant();

    @Test
    void aStagedRefreshIsFoundOnlyForItsTenantOpensAsTheCredentialItBecomesAndIsPromotedOnce() {
        var id = ConnectionId.of(
                create(tenant, "staged-" + UUID.randomUUID().toString().substring(0, 8), "pw"));
        var destination = store.destinationOf(id, 1).orElseThrow();
        var context = new SealingContext(TenantId.of(tenant), id, 2, SealingContext.CREDENTIAL, destination);
        var sealed = vault.seal(Credential.of(Map.of("username", "app", "password", CANARY)), context);

        assertThat(store.stageRefreshed(context, sealed, vault.keyName(), Instant.now()))
                .isTrue();
        assertThat(store.stageRefreshed(
                        context,
                        vault.seal(Credential.of(Map.of("password", "other")), context),
                        vault.keyName(),
                        Instant.now()))
                .as("a second refresher's stage of the same version")
                .isFalse();

        assertThat(store.findStagedRefresh(id, TenantId.of("another-tenant"), 2))
                .isEmpty();
        assertThat(store.findCredential(id, TenantId.of(tenant), 2))
                .as("not the credential before it is promoted")
                .isEmpty();
        var staged = store.findStagedRefresh(id, TenantId.of(tenant), 2).orElseThrow();
        assertThat(staged.destination()).isEqualTo(destination);
        try (var opened = vault.open(staged.ciphertext(), context)) {
            assertThat(opened.value("password")).as("the first stage kept").isEqualTo(CANARY);
        }

        assertThat(store.promoteRefreshed(id, 2)).isEqualTo(1);
        assertThat(store.promoteRefreshed(id, 2)).as("promoted once").isZero();
        assertThat(store.findStagedRefresh(id, TenantId.of(tenant), 2)).isEmpty();
        var credential = store.findCredential(id, TenantId.of(tenant), 2).orElseThrow();
        try (var opened = vault.open(credential.ciphertext(), context)) {
            assertThat(opened.value("password")).isEqualTo(CANARY);
        }
        assertThat(store.destinationOf(id, 2)).contains(destination);
    }

    @Test
    void stagedRowsAreDestroyedByConnectionOrWhenOlderThanTheSweepBoundAndOnlyThey() {
        var id = ConnectionId.of(
                create(tenant, "swept-" + UUID.randomUUID().toString().substring(0, 8), "pw"));
        var other = ConnectionId.of(
                create(tenant, "kept-" + UUID.randomUUID().toString().substring(0, 8), "pw"));
        var old = Instant.now().minusSeconds(3600);
        stage(id, 2, old);
        stage(other, 2, Instant.now());

        int swept = store.destroyStagedBefore(Instant.now().minusSeconds(600));

        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(store.findStagedRefresh(id, TenantId.of(tenant), 2)).isEmpty();
        assertThat(store.findStagedRefresh(other, TenantId.of(tenant), 2)).isPresent();
        assertThat(store.findCredential(id, TenantId.of(tenant), 1))
                .as("the connection's credential is no staged row")
                .isPresent();

        assertThat(store.destroyStaged(other)).isEqualTo(1);
        assertThat(store.findStagedRefresh(other, TenantId.of(tenant), 2)).isEmpty();
        assertThat(store.findCredential(other, TenantId.of(tenant), 1)).isPresent();
    }

    @Test
    void onlyACredentialContextBoundToADestinationIsStaged() {
        var id = new ConnectionId(UUID.randomUUID());
        var unbound = new SealingContext(TenantId.of(tenant), id, 2, SealingContext.CREDENTIAL);
        var webhook = new SealingContext(TenantId.of(tenant), id, 2, SealingContext.WEBHOOK_SECRET, "d");

        for (var context : new SealingContext[] {unbound, webhook}) {
            assertThatThrownBy(() -> store.stageRefreshed(context, new byte[] {1}, vault.keyName(), Instant.now()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private void stage(ConnectionId id, int version, Instant at) {
        var context = new SealingContext(
                TenantId.of(tenant),
                id,
                version,
                SealingContext.CREDENTIAL,
                store.destinationOf(id, 1).orElseThrow());
        assertThat(store.stageRefreshed(
                        context, vault.seal(Credential.of(Map.of("password", CANARY)), context), vault.keyName(), at))
                .isTrue();
    }
}
