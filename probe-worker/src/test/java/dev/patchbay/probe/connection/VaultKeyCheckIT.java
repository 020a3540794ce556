package dev.patchbay.probe.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.probe.TestVaults;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up key comparison and the sealed-row lookup, against real PostgreSQL databases. */
class VaultKeyCheckIT {

    private final Vault vault = TestVaults.vault(TestVaults.randomKey(), TestVaults.randomKey());

    @Test
    void keysThatMatchTheRecordedOnesPass() {
        var database = TestVaults.vaultDatabase("keys_match");
        TestVaults.recordKeys(database, vault.keyCheckValues());
        var check = new VaultKeyCheck(vault, jdbc(database));

        check.afterPropertiesSet();

        assertThat(check.state()).isInstanceOf(VaultKeyCheck.State.Matched.class);
        assertThat(check.usable()).isTrue();
        assertThat(new VaultKeysHealthIndicator(check).health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void anotherKeyUnderTheSameNameStopsTheWorkerAtStartNamingTheKey() {
        var database = TestVaults.vaultDatabase("keys_differ");
        TestVaults.recordKeys(database, Map.of("local-1", "0123456789abcdef"));

        assertThatThrownBy(() -> new VaultKeyCheck(vault, jdbc(database)).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'local-1'")
                .hasMessageContaining("recorded 0123456789abcdef");
    }

    @Test
    void rowsSealedUnderAKeyTheWorkerLacksStopItToo() throws Exception {
        var database = TestVaults.vaultDatabase("keys_missing");
        TestVaults.recordKeys(database, vault.keyCheckValues());
        try (var db = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var statement = db.createStatement()) {
            statement.execute("INSERT INTO sealed_secrets VALUES (gen_random_uuid(), 'credential', 1, 't', "
                    + "'\\x00'::bytea, 'retired-2025', now())");
        }

        assertThatThrownBy(() -> new VaultKeyCheck(vault, jdbc(database)).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retired-2025");
    }

    @Test
    void beforeCommandServiceMadeItsTablesTheWorkerStartsAndComparesLater() throws Exception {
        var database = TestInfrastructure.freshDatabase("keys_later");
        var check = new VaultKeyCheck(vault, jdbc(database));
        var stops = new AtomicInteger();
        check.onLateMismatch(stops::incrementAndGet);
        var health = new VaultKeysHealthIndicator(check);

        check.afterPropertiesSet();

        assertThat(check.state()).isInstanceOf(VaultKeyCheck.State.NothingRecorded.class);
        assertThat(health.health().getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(check.usable()).isTrue();

        try (var db = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var statement = db.createStatement();
                var ddl = getClass().getResourceAsStream("/vault-tables.sql")) {
            statement.execute(new String(ddl.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        TestVaults.recordKeys(database, Map.of("local-1", "fedcba9876543210"));

        assertThat(check.usable()).isFalse();
        assertThat(stops).hasValue(1);
        var down = health.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("reason")).asString().contains("'local-1'");
        assertThat(check.usable()).isFalse();
        assertThat(stops).hasValue(1);
    }

    @Test
    void aDatabaseThatCannotBeReachedKeepsTheWorkerDownNotStopped() {
        var nowhere =
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1", "postgres", "");
        var check = new VaultKeyCheck(vault, JdbcClient.create(nowhere));

        check.afterPropertiesSet();

        assertThat(check.state()).isInstanceOf(VaultKeyCheck.State.Unavailable.class);
        assertThat(new VaultKeysHealthIndicator(check).health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void theSealedRowIsFoundOnlyForItsConnectionVersionAndTenant() {
        var database = TestVaults.vaultDatabase("sealed_rows");
        var tenant = TenantId.of("tenant-" + UUID.randomUUID());
        var connection = new ConnectionId(UUID.randomUUID());
        TestVaults.seal(
                database,
                vault,
                tenant,
                connection,
                2,
                Map.of("username", "u", "password", "p"),
                Destination.of(List.of(), null, Map.of("host", "db.example.com")));
        var table = new VaultRows(jdbc(database));

        assertThat(table.find(connection, tenant, 2, SealingContext.CREDENTIAL)).isPresent();
        assertThat(table.find(connection, tenant, 1, SealingContext.CREDENTIAL)).isEmpty();
        assertThat(table.find(connection, TenantId.of("other"), 2, SealingContext.CREDENTIAL))
                .isEmpty();
        assertThat(table.find(new ConnectionId(UUID.randomUUID()), tenant, 2, SealingContext.CREDENTIAL))
                .isEmpty();
        assertThat(table.find(connection, tenant, 2, SealingContext.CANDIDATE)).isEmpty();
        assertThat(table.find(connection, tenant, 2, SealingContext.WEBHOOK_SECRET))
                .isEmpty();
    }

    private static JdbcClient jdbc(TestInfrastructure.Database database) {
        return JdbcClient.create(new DriverManagerDataSource(database.jdbcUrl(), database.username(), ""));
    }
}
