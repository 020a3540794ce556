package dev.patchbay.probe;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.platform.test.TestInfrastructure;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.Destination;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import dev.patchbay.vault.VaultConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Vaults built by the vault module's own configuration, as command-service and the worker build theirs. */
public final class TestVaults {

    private TestVaults() {}

    public static String randomKey() {
        var key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The vault that {@code patchbay.vault.key=key} and {@code fingerprint-key=fingerprintKey} configure. */
    public static Vault vault(String key, String fingerprintKey) {
        var vault = new AtomicReference<Vault>();
        new ApplicationContextRunner()
                .withUserConfiguration(VaultConfiguration.class)
                .withPropertyValues("patchbay.vault.key=" + key, "patchbay.vault.fingerprint-key=" + fingerprintKey)
                .run(context -> vault.set(context.getBean(Vault.class)));
        return vault.get();
    }

    /** A fresh database with command-service's two vault tables, empty. */
    public static TestInfrastructure.Database vaultDatabase(String purpose) {
        var database = TestInfrastructure.freshDatabase(purpose);
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var statement = connection.createStatement()) {
            try (var ddl = TestVaults.class.getResourceAsStream("/vault-tables.sql")) {
                statement.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the vault tables in " + database.name(), e);
        }
        return database;
    }

    /**
     * Seals a credential for {@code destination} as command-service does and writes its row (and the sealing key's
     * check value).
     */
    public static void seal(
            TestInfrastructure.Database database,
            Vault vault,
            TenantId tenant,
            ConnectionId connection,
            int version,
            Map<String, String> fields,
            Destination destination) {
        write(database, vault, tenant, connection, version, fields, destination.digest(), true);
    }

    /**
     * A row as command-service sealed it before destinations were bound: no destination in its context, and in its
     * row the destination recorded since the upgrade ({@code recorded}), or none yet (null).
     */
    public static void sealUnbound(
            TestInfrastructure.Database database,
            Vault vault,
            TenantId tenant,
            ConnectionId connection,
            int version,
            Map<String, String> fields,
            Destination recorded) {
        write(database, vault, tenant, connection, version, fields, recorded == null ? null : recorded.digest(), false);
    }

    private static void write(
            TestInfrastructure.Database database,
            Vault vault,
            TenantId tenant,
            ConnectionId connection,
            int version,
            Map<String, String> fields,
            String destination,
            boolean bound) {
        byte[] sealed;
        try (var credential = Credential.of(fields)) {
            sealed = vault.seal(
                    credential,
                    new SealingContext(
                            tenant, connection, version, SealingContext.CREDENTIAL, bound ? destination : null));
        }
        try (var db = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var insert = db.prepareStatement("INSERT INTO sealed_secrets (connection_id, purpose, version, "
                        + "tenant_id, ciphertext, key_name, sealed_at, destination, bound) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, connection.value());
            insert.setString(2, SealingContext.CREDENTIAL);
            insert.setInt(3, version);
            insert.setString(4, tenant.value());
            insert.setBytes(5, sealed);
            insert.setString(6, vault.keyName());
            insert.setTimestamp(7, Timestamp.from(Instant.now()));
            insert.setString(8, destination);
            insert.setBoolean(9, bound);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        recordKeys(database, vault.keyCheckValues());
    }

    /** What command-service's VaultKeyCheck records at its start. */
    public static void recordKeys(TestInfrastructure.Database database, Map<String, String> checkValues) {
        try (var db = DriverManager.getConnection(database.jdbcUrl(), database.username(), "");
                var insert = db.prepareStatement("INSERT INTO vault_keys (key_name, check_value) VALUES (?, ?) "
                        + "ON CONFLICT (key_name) DO NOTHING")) {
            for (var key : checkValues.entrySet()) {
                insert.setString(1, key.getKey());
                insert.setString(2, key.getValue());
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
