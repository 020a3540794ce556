package dev.patchbay.command.vault;

import dev.patchbay.command.support.CommandServiceTestBase;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestTokens;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upgrade path of destination binding: a credential sealed before it (no destination in its encryption context)
 * is given the destination its connection has at the upgrade, then bound to it for good by a reseal.
 */
class LegacyBindingIT extends CommandServiceTestBase {

    private final String tenant = TestTokens.newTenant();

    @Autowired
    private Vault vault;

    @Autowired
    private LegacyDestinations legacy;

    @Autowired
    private Reseal reseal;

    @Test
    void aCredentialSealedBeforeBindingIsGivenItsDestinationOnceAndBoundByAReseal() {
        var id = create(tenant, "legacy-" + UUID.randomUUID().toString().substring(0, 8), "legacy-pw");
        var connection = new ConnectionId(UUID.fromString(id));
        var unbound = new SealingContext(TenantId.of(tenant), connection, 1, SealingContext.CREDENTIAL);
        // What a row written by the previous version looks like: sealed without a destination, none recorded.
        try (var credential = Credential.of(Map.of("username", "app", "password", "legacy-pw"))) {
            jdbc.sql("UPDATE sealed_secrets SET ciphertext = ?, destination = NULL, bound = false "
                            + "WHERE connection_id = ?::uuid")
                    .params(vault.seal(credential, unbound), id)
                    .update();
        }
        var destination = Destination.of(
                List.of("database"), null, Map.of("host", "db.internal", "port", 5432, "database", "dw"));

        legacy.recordPass();

        assertThat(row(id)).containsEntry("destination", destination.digest()).containsEntry("bound", false);
        try (var opened = vault.open(ciphertext(id), unbound)) {
            assertThat(opened.value("password")).isEqualTo("legacy-pw");
        }

        var result = reseal.run();

        assertThat(result.resealed()).isGreaterThanOrEqualTo(1);
        assertThat(row(id)).containsEntry("destination", destination.digest()).containsEntry("bound", true);
        var bound = SealingContext.credential(TenantId.of(tenant), connection, 1, destination);
        try (var opened = vault.open(ciphertext(id), bound)) {
            assertThat(opened.value("password")).isEqualTo("legacy-pw");
        }
        assertThatThrownBy(() -> vault.open(ciphertext(id), unbound)).isInstanceOf(SealedCredentialUnreadable.class);
        assertThat(jdbc.sql("SELECT count(*) FROM sealed_secrets WHERE purpose = 'credential' AND NOT bound")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aLegacyConnectionCannotBeMovedWithoutItsCredentialEither() {
        var id = create(tenant, "legacy-moved", "legacy-pw");
        jdbc.sql("UPDATE sealed_secrets SET destination = NULL, bound = false WHERE connection_id = ?::uuid")
                .param(id)
                .update();

        client().patch()
                .uri("/v1/connections/" + id)
                .header("Authorization", editor(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(
                        Map.of("config", Map.of("host", "collector.attacker.example", "port", 5432, "database", "dw")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PBAY-0010");
        legacy.recordPass();

        assertThat(row(id))
                .containsEntry(
                        "destination",
                        Destination.of(
                                        List.of("database"),
                                        null,
                                        Map.of("host", "db.internal", "port", 5432, "database", "dw"))
                                .digest());
    }

    private Map<String, Object> row(String id) {
        return jdbc.sql("SELECT destination, bound FROM sealed_secrets WHERE connection_id = ?::uuid")
                .param(id)
                .query()
                .singleRow();
    }

    private byte[] ciphertext(String id) {
        return jdbc.sql("SELECT ciphertext FROM sealed_secrets WHERE connection_id = ?::uuid")
                .param(id)
                .query(byte[].class)
                .single();
    }
}
