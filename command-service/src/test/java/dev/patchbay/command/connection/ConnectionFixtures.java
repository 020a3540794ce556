package dev.patchbay.command.connection;

import dev.patchbay.command.connection.DetailsPatch.Field;
import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Test-data builders for the connection aggregate: {@code aConnection().withBaseUrl(...).created()} for a connection
 * that differs from the default in one respect, {@code anUpdateOf(id).withDisplayName(...).command()} for a PATCH.
 */
final class ConnectionFixtures {

    static final TenantId TENANT = TenantId.of("tenant-a");
    static final Instant T0 = Instant.parse("2026-11-24T10:00:00.000Z");
    static final Instant T1 = T0.plusSeconds(60);
    static final CredentialInfo CREDENTIAL =
            new CredentialInfo(List.of("password", "username"), 1, "fp_0123456789abcdef", T0);

    static ConnectionId newId() {
        return new ConnectionId(UUID.randomUUID());
    }

    /** The default connection: an organization's PostgreSQL warehouse, created by user-1 at T0. */
    static ConnectionBuilder aConnection() {
        return new ConnectionBuilder();
    }

    static CreateConnection create(ConnectionId id) {
        return aConnection().withId(id).create();
    }

    static ConnectionCreated created(ConnectionId id) {
        return aConnection().withId(id).created();
    }

    /** An update of that connection that changes nothing yet, sent by user-2 at T1 without If-Match. */
    static UpdateBuilder anUpdateOf(ConnectionId id) {
        return new UpdateBuilder(id);
    }

    static CredentialInfo credential(int version, String fingerprint) {
        return new CredentialInfo(List.of("password", "username"), version, fingerprint, T0.plusSeconds(version));
    }

    static final class ConnectionBuilder {

        private ConnectionId id = newId();
        private String displayName = "Warehouse";
        private String baseUrl;
        private String accountRef;
        private Map<String, Object> config = Map.of("host", "db", "port", 5432, "database", "dw");
        private Map<String, Object> metadata = Map.of();

        ConnectionBuilder withId(ConnectionId id) {
            this.id = id;
            return this;
        }

        ConnectionBuilder withDisplayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        ConnectionBuilder withBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        ConnectionBuilder withAccountRef(String accountRef) {
            this.accountRef = accountRef;
            return this;
        }

        ConnectionBuilder withConfig(Map<String, Object> config) {
            this.config = config;
            return this;
        }

        ConnectionBuilder withMetadata(Map<String, Object> metadata) {
            this.metadata = metadata;
            return this;
        }

        CreateConnection create() {
            return new CreateConnection(
                    id,
                    TENANT,
                    "user-1",
                    T0,
                    "postgresql",
                    "database",
                    "warehouse",
                    displayName,
                    baseUrl,
                    accountRef,
                    config,
                    Scope.ORGANIZATION,
                    null,
                    null,
                    metadata,
                    CREDENTIAL);
        }

        /** The event {@link #create()} applies, spelled out here rather than derived the way the aggregate does. */
        ConnectionCreated created() {
            return new ConnectionCreated(
                    id,
                    TENANT,
                    1,
                    T0,
                    "user-1",
                    "postgresql",
                    "database",
                    "warehouse",
                    displayName,
                    baseUrl,
                    accountRef,
                    config,
                    Scope.ORGANIZATION,
                    null,
                    null,
                    metadata,
                    CREDENTIAL);
        }
    }

    static final class UpdateBuilder {

        private final ConnectionId id;
        private TenantId tenant = TENANT;
        private String actor = "user-2";
        private Instant at = T1;
        private Long expectedVersion;
        private final EnumSet<Field> named = EnumSet.noneOf(Field.class);
        private String displayName;
        private String baseUrl;
        private String accountRef;
        private Map<String, Object> config;
        private Map<String, Object> metadata;
        private CredentialInfo newCredential;

        private UpdateBuilder(ConnectionId id) {
            this.id = id;
        }

        UpdateBuilder by(String actor) {
            this.actor = actor;
            return this;
        }

        UpdateBuilder fromTenant(TenantId tenant) {
            this.tenant = tenant;
            return this;
        }

        UpdateBuilder ifMatch(long version) {
            this.expectedVersion = version;
            return this;
        }

        UpdateBuilder withDisplayName(String displayName) {
            named.add(Field.DISPLAY_NAME);
            this.displayName = displayName;
            return this;
        }

        UpdateBuilder withBaseUrl(String baseUrl) {
            named.add(Field.BASE_URL);
            this.baseUrl = baseUrl;
            return this;
        }

        UpdateBuilder withAccountRef(String accountRef) {
            named.add(Field.ACCOUNT_REF);
            this.accountRef = accountRef;
            return this;
        }

        UpdateBuilder withConfig(Map<String, Object> config) {
            named.add(Field.CONFIG);
            this.config = config;
            return this;
        }

        UpdateBuilder withMetadata(Map<String, Object> metadata) {
            named.add(Field.METADATA);
            this.metadata = metadata;
            return this;
        }

        UpdateBuilder rotatingTo(CredentialInfo newCredential) {
            this.newCredential = newCredential;
            return this;
        }

        UpdateConnection command() {
            return new UpdateConnection(
                    id,
                    tenant,
                    actor,
                    at,
                    expectedVersion,
                    new DetailsPatch(named, new ConnectionDetails(displayName, baseUrl, accountRef, config, metadata)),
                    newCredential);
        }
    }

    private ConnectionFixtures() {}
}
