package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConnectionResource.Health;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.MintWebhookToken;
import dev.patchbay.contracts.connection.RevokeWebhookToken;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One connection's decisions. Its state is rebuilt from its events; handlers check, then apply. Time arrives on the
 * command. Each handler answers with the connection as its events left it, from which the HTTP response is built.
 */
@Aggregate
class Connection {

    /** The fields a PATCH may change, by their wire names. */
    static final List<String> UPDATABLE = List.of("display_name", "base_url", "account_ref", "config", "metadata");

    @AggregateIdentifier
    private ConnectionId id;
    private TenantId tenant;
    private long version;
    private String vendor;
    private String category;
    private String configName;
    private Scope scope;
    private String workspaceId;
    private String endUserId;
    private Map<String, Object> fields;
    private CredentialInfo credential;
    private Status status;
    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;
    private String updatedBy;
    private boolean deleted;
    private Set<String> webhookTokens;

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    CommandResult handle(CreateConnection cmd) {
        apply(new ConnectionCreated(cmd.connectionId(), cmd.tenantId(), 1, cmd.requestedAt(), cmd.actor(),
                cmd.vendor(), cmd.category(), cmd.configName(), cmd.displayName(), cmd.baseUrl(), cmd.accountRef(),
                cmd.config(), cmd.scope(), cmd.workspaceId(), cmd.endUserId(), cmd.metadata(), cmd.credential()));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    CommandResult handle(UpdateConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        requireVersion(cmd.expectedVersion());
        var next = new LinkedHashMap<>(fields);
        var changed = new ArrayList<String>();
        if (!UPDATABLE.containsAll(cmd.fields().keySet())) {
            throw new IllegalArgumentException("only " + UPDATABLE + " are updatable");
        }
        for (var name : UPDATABLE) {
            if (!cmd.fields().containsKey(name)) {
                continue;
            }
            var value = cmd.fields().get(name);
            var normalised = value == null && (name.equals("config") || name.equals("metadata")) ? Map.of() : value;
            if (!Objects.equals(next.get(name), normalised)) {
                next.put(name, normalised);
                changed.add(name);
            }
        }
        if (!changed.isEmpty()) {
            apply(new ConnectionUpdated(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), changed,
                    (String) next.get("display_name"), (String) next.get("base_url"), (String) next.get("account_ref"),
                    map(next.get("config")), map(next.get("metadata"))));
        }
        if (cmd.newCredential() != null) {
            if (cmd.newCredential().version() != credential.version() + 1) {
                throw new CredentialVersionConflict(cmd.newCredential().version(), credential.version() + 1);
            }
            apply(new ConnectionRotated(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(),
                    cmd.newCredential(), credential.fingerprint()));
        }
        return new CommandResult(resource(), !changed.isEmpty() || cmd.newCredential() != null);
    }

    @CommandHandler
    CommandResult handle(RevokeConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        requireVersion(cmd.expectedVersion());
        if (status == Status.REVOKED) {
            return new CommandResult(resource(), false);
        }
        apply(new ConnectionRevoked(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), credential.fingerprint()));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    CommandResult handle(SetWebhookSecret cmd) {
        requireVisibleTo(cmd.tenantId());
        apply(new WebhookSecretSet(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), cmd.secretVersion(),
                cmd.fingerprint()));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    WebhookTokenMinted handle(MintWebhookToken cmd) {
        requireVisibleTo(cmd.tenantId());
        var minted = new WebhookTokenMinted(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), cmd.tokenId(),
                cmd.vendor());
        apply(minted);
        return minted;
    }

    /** Answers the event applied, or null when the token was already revoked (or never this connection's). */
    @CommandHandler
    WebhookTokenRevoked handle(RevokeWebhookToken cmd) {
        requireVisibleTo(cmd.tenantId());
        if (!webhookTokens.contains(cmd.tokenId())) {
            return null;
        }
        var revoked = new WebhookTokenRevoked(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), cmd.tokenId());
        apply(revoked);
        return revoked;
    }

    @CommandHandler
    CommandResult handle(DescribeConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        return new CommandResult(resource(), false);
    }

    @CommandHandler
    CommandResult handle(DeleteConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        requireVersion(cmd.expectedVersion());
        apply(new ConnectionDeleted(id, tenant, version + 1, cmd.requestedAt(), cmd.actor(), configName));
        return new CommandResult(resource(), true);
    }

    private void requireVisibleTo(TenantId caller) {
        if (deleted || !tenant.equals(caller)) {
            throw new ConnectionNotFound(id);
        }
    }

    private void requireVersion(Long expected) {
        if (expected != null && expected != version) {
            throw new VersionMismatch(expected, version);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private ConnectionResource resource() {
        return new ConnectionResource(id, vendor, category, configName, (String) fields.get("display_name"),
                (String) fields.get("base_url"), (String) fields.get("account_ref"), map(fields.get("config")), scope,
                workspaceId, endUserId, map(fields.get("metadata")), status, credential, Health.unknown(), version,
                createdAt, updatedAt, createdBy, updatedBy);
    }

    @EventSourcingHandler
    void on(ConnectionCreated e) {
        id = e.connectionId();
        tenant = e.tenantId();
        vendor = e.vendor();
        category = e.category();
        configName = e.configName();
        scope = e.scope();
        workspaceId = e.workspaceId();
        endUserId = e.endUserId();
        fields = new LinkedHashMap<>();
        fields.put("display_name", e.displayName());
        fields.put("base_url", e.baseUrl());
        fields.put("account_ref", e.accountRef());
        fields.put("config", e.config());
        fields.put("metadata", e.metadata());
        credential = e.credential();
        status = Status.ACTIVE;
        webhookTokens = new HashSet<>();
        createdAt = e.occurredAt();
        createdBy = e.actor();
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionUpdated e) {
        fields.put("display_name", e.displayName());
        fields.put("base_url", e.baseUrl());
        fields.put("account_ref", e.accountRef());
        fields.put("config", e.config());
        fields.put("metadata", e.metadata());
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionRotated e) {
        credential = e.credential();
        status = Status.ACTIVE;
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionRevoked e) {
        status = Status.REVOKED;
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(WebhookSecretSet e) {
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(WebhookTokenMinted e) {
        webhookTokens.add(e.tokenId());
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(WebhookTokenRevoked e) {
        webhookTokens.remove(e.tokenId());
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionDeleted e) {
        deleted = true;
        touched(e.version(), e.occurredAt(), e.actor());
    }

    private void touched(long newVersion, Instant at, String actor) {
        version = newVersion;
        updatedAt = at;
        updatedBy = actor;
    }

    Connection() {
        // for Axon
    }
}
