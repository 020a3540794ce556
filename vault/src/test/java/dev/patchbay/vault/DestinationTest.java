package dev.patchbay.vault;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationTest {

    private static final List<String> DATABASE = List.of("database");

    @Test
    void theOriginOfTheBaseUrlIsTheDestinationNotItsPath() {
        assertThat(Destination.of(List.of(), "https://api.example.com/v1", null))
                .isEqualTo(Destination.of(List.of(), "HTTPS://API.example.com:443/v2/", Map.of()))
                .isNotEqualTo(Destination.of(List.of(), "https://api.example.com:8443/v1", null))
                .isNotEqualTo(Destination.of(List.of(), "http://api.example.com/v1", null))
                .isNotEqualTo(Destination.of(List.of(), "https://api.example.com.attacker.example/v1", null))
                .isNotEqualTo(Destination.of(List.of(), "https://user@api.example.com/v1", null));
    }

    @Test
    void everyConfigFieldIsPartOfTheDestinationButThoseTheTypeNames() {
        var config = Map.<String, Object>of("host", "db.example.com", "port", 5432, "database", "app");
        var base = Destination.of(DATABASE, null, config);

        assertThat(Destination.of(DATABASE, null, with(config, "database", "reporting")))
                .isEqualTo(base);
        assertThat(Destination.of(DATABASE, null, with(config, "port", "5432"))).isEqualTo(base);
        assertThat(Destination.of(DATABASE, null, with(config, "tls_mode", " ")))
                .isEqualTo(base);
        for (var moved : List.of(
                with(config, "host", "collector.attacker.example"),
                with(config, "port", 6543),
                with(config, "tls_mode", "disable"),
                with(config, "anything_new", true),
                with(config, "proxy", Map.of("host", "evil")))) {
            assertThat(Destination.of(DATABASE, null, moved)).as("%s", moved).isNotEqualTo(base);
        }
        assertThat(Destination.of(List.of(), null, config)).isNotEqualTo(base);
    }

    @Test
    void bootstrapServersAreASetAndValuesCannotBeSplicedIntoEachOther() {
        assertThat(Destination.of(List.of(), null, Map.of("bootstrap_servers", "b:9092, a:9092")))
                .isEqualTo(Destination.of(List.of(), null, Map.of("bootstrap_servers", "a:9092,b:9092,")))
                .isNotEqualTo(Destination.of(List.of(), null, Map.of("bootstrap_servers", "a:9092")));
        assertThat(Destination.of(List.of(), null, Map.of("a", "x\nconfig.b=5:s:y")))
                .isNotEqualTo(Destination.of(List.of(), null, Map.of("a", "x", "b", "y")));
    }

    @Test
    void aCredentialSealedForOneDestinationOpensForThatOneOnly() {
        var vault = new Vault(VaultConfiguration.rawAesKeyring("k1", random()), "k1", random());
        var tenant = TenantId.of("t1");
        var connection = new ConnectionId(UUID.randomUUID());
        var home = Destination.of(DATABASE, null, Map.of("host", "db.example.com", "port", 5432));
        var elsewhere = Destination.of(DATABASE, null, Map.of("host", "collector.attacker.example", "port", 5432));
        byte[] sealed;
        try (var credential = Credential.of(Map.of("password", "pw"))) {
            sealed = vault.seal(credential, SealingContext.credential(tenant, connection, 1, home));
        }

        try (var opened = vault.open(sealed, SealingContext.credential(tenant, connection, 1, home))) {
            assertThat(opened.value("password")).isEqualTo("pw");
        }
        assertThatThrownBy(() -> vault.open(sealed, SealingContext.credential(tenant, connection, 1, elsewhere)))
                .isInstanceOf(SealedCredentialUnreadable.class);
        assertThatThrownBy(
                        () -> vault.open(sealed, new SealingContext(tenant, connection, 1, SealingContext.CREDENTIAL)))
                .isInstanceOf(SealedCredentialUnreadable.class);
    }

    @Test
    void aDestinationIsWrittenOutAsItsDigestOnly() {
        var destination = Destination.of(List.of(), "https://internal.example.com", Map.of("host", "db.secret"));
        assertThat(destination.toString())
                .startsWith("Destination(sha256:")
                .doesNotContain("internal")
                .doesNotContain("db.secret");
    }

    private static Map<String, Object> with(Map<String, Object> config, String field, Object value) {
        var changed = new HashMap<>(config);
        changed.put(field, value);
        return changed;
    }

    private static byte[] random() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
