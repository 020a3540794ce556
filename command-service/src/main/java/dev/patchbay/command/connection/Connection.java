package dev.patchbay.command.connection;

import dev.patchbay.contracts.connection.ConnectionCreated;
import dev.patchbay.contracts.connection.ConnectionDeleted;
import dev.patchbay.contracts.connection.ConnectionExpired;
import dev.patchbay.contracts.connection.ConnectionHealthChanged;
import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource;
import dev.patchbay.contracts.connection.ConnectionResource.Health;
import dev.patchbay.contracts.connection.ConnectionResource.Status;
import dev.patchbay.contracts.connection.ConnectionRevoked;
import dev.patchbay.contracts.connection.ConnectionRotated;
import dev.patchbay.contracts.connection.ConnectionUpdated;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.MintWebhookToken;
import dev.patchbay.contracts.connection.RevokeWebhookToken;
import dev.patchbay.contracts.connection.Scope;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.connection.WebhookSecretSet;
import dev.patchbay.contracts.connection.WebhookTokenMinted;
import dev.patchbay.contracts.connection.WebhookTokenRevoked;
import dev.patchbay.contracts.refresh.RefreshRequested;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * One connection's decisions. Its state is rebuilt from its events; handlers check, then apply. Time arrives on the
 * command. Each handler answers with the connection as its events left it, from which the HTTP response is built.
 *
 * <p>Its fields are also its snapshot (AxonConfiguration): every so many events Axon saves them, and a load starts
 * from the latest snapshot instead of the first event. Raise the revision when a field is added, removed or changes
 * meaning; snapshots of another revision are then ignored and the events replayed, until the next snapshot.
 */
@Aggregate(snapshotTriggerDefinition = "connectionSnapshots")
@Revision("1")
class Connection {

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
    private ConnectionDetails details;
    private CredentialInfo credential;
    private Status status;
    private Instant createdAt;
    private String createdBy;
    private Instant updatedAt;
    private String updatedBy;
    private boolean deleted;
    private String healthState = Health.unknown().state();
    private String healthErrorCode;
    private Instant healthSince;
    /** The version of the last edit: any event but a health change. */
    private long editedVersion;

    private final Set<String> webhookTokens = new HashSet<>();

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    CommandResult handle(CreateConnection cmd) {
        apply(new Stamp(cmd.connectionId(), cmd.tenantId(), 1, cmd.requestedAt(), cmd.actor()).created(cmd));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    CommandResult handle(UpdateConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        requireVersion(cmd.expectedVersion());
        var after = cmd.changes().applyTo(details);
        var changed = DetailsPatch.changed(details, after);
        if (!changed.isEmpty()) {
            apply(next(cmd.requestedAt(), cmd.actor()).updated(changed, after));
        }
        if (cmd.newCredential() != null) {
            if (cmd.newCredential().version() != credential.version() + 1) {
                throw new CredentialVersionConflict(cmd.newCredential().version(), credential.version() + 1);
            }
            apply(next(cmd.requestedAt(), cmd.actor()).rotated(cmd.newCredential(), credential.fingerprint()));
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
        apply(next(cmd.requestedAt(), cmd.actor()).revoked(credential.fingerprint()));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    CommandResult handle(SetWebhookSecret cmd) {
        requireVisibleTo(cmd.tenantId());
        apply(next(cmd.requestedAt(), cmd.actor()).webhookSecretSet(cmd.secretVersion(), cmd.fingerprint()));
        return new CommandResult(resource(), true);
    }

    @CommandHandler
    WebhookTokenMinted handle(MintWebhookToken cmd) {
        requireVisibleTo(cmd.tenantId());
        var minted = next(cmd.requestedAt(), cmd.actor()).webhookTokenMinted(cmd.tokenId(), cmd.vendor());
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
        var revoked = next(cmd.requestedAt(), cmd.actor()).webhookTokenRevoked(cmd.tokenId());
        apply(revoked);
        return revoked;
    }

    @CommandHandler
    CommandResult handle(DeleteConnection cmd) {
        requireVisibleTo(cmd.tenantId());
        requireVersion(cmd.expectedVersion());
        apply(next(cmd.requestedAt(), cmd.actor()).deleted(configName));
        return new CommandResult(resource(), true);
    }

    /**
     * A probe result changes the health only when its state, or its error code while unhealthy, differs from the
     * last change's; like results, results for another tenant or a deleted connection, and results checked before
     * the last change are no event. Answers the event applied, or null.
     */
    @CommandHandler
    ConnectionHealthChanged handle(RecordHealth cmd) {
        if (deleted || !tenant.equals(cmd.tenantId())) {
            return null;
        }
        if (healthSince != null && !cmd.checkedAt().isAfter(healthSince)) {
            return null;
        }
        var state = cmd.healthy() ? "healthy" : "unhealthy";
        var error = cmd.healthy() ? null : cmd.error();
        var errorCode = error == null ? null : error.code();
        if (state.equals(healthState) && Objects.equals(errorCode, healthErrorCode)) {
            return null;
        }
        var changed = new Stamp(id, tenant, version + 1, cmd.checkedAt(), ConnectionHealthChanged.ACTOR)
                .healthChanged(state, healthState, error, healthErrorCode);
        apply(changed);
        return changed;
    }

    /**
     * An expiry applies only to the credential it names, on an active connection: a credential rotated since, a
     * revoked or already expired connection, another tenant's or a deleted one are left as they are. Answers the
     * event applied, or null.
     */
    @CommandHandler
    ConnectionExpired handle(ExpireConnection cmd) {
        if (deleted || !tenant.equals(cmd.tenantId())) {
            return null;
        }
        if (status != Status.ACTIVE || credential.version() != cmd.credentialVersion()) {
            return null;
        }
        var expired = next(cmd.requestedAt(), cmd.actor()).expired(cmd.credentialVersion(), cmd.reason());
        apply(expired);
        return expired;
    }

    /**
     * A refresher's renewal becomes a rotation by {@code patchbay:refresher} when it renews the current credential
     * of a connection that is neither revoked nor deleted; an expired connection is active again. Answers what was
     * decided; the caller promotes or destroys the staged credential accordingly.
     */
    @CommandHandler
    Refreshed handle(RecordRefresh cmd) {
        if (deleted || !tenant.equals(cmd.tenantId()) || status == Status.REVOKED) {
            return new Refreshed(RefreshDecision.GONE, null);
        }
        if (credential.version() != cmd.fromVersion() || cmd.refreshed().version() != cmd.fromVersion() + 1) {
            return new Refreshed(RefreshDecision.STALE, resource());
        }
        apply(next(cmd.requestedAt(), RefreshRequested.REFRESHER).rotated(cmd.refreshed(), credential.fingerprint()));
        return new Refreshed(RefreshDecision.ROTATED, resource());
    }

    /** What became of a refresher's renewal, and the connection after it (null when gone). */
    record Refreshed(RefreshDecision decision, ConnectionResource connection) {}

    /** What became of a refresher's renewal. */
    enum RefreshDecision {
        /** It is the connection's credential now. */
        ROTATED,
        /** The credential it renewed was replaced before it arrived. */
        STALE,
        /** The connection is revoked, deleted, or not that tenant's. */
        GONE
    }

    /** The connection as its events leave it, to the tenant that owns it; applies nothing. */
    ConnectionResource describeTo(TenantId caller) {
        requireVisibleTo(caller);
        return resource();
    }

    private void requireVisibleTo(TenantId caller) {
        if (deleted || !tenant.equals(caller)) {
            throw new ConnectionNotFound(id);
        }
    }

    /**
     * A client's {@code If-Match} holds when it names the current version or any version since the last edit: a
     * health change takes the connection's next version, so that the topic orders it among the edits, but it
     * changes nothing a client edits, and a client that read the connection before it has not missed an edit.
     */
    private void requireVersion(Long expected) {
        if (expected != null && (expected < editedVersion || expected > version)) {
            throw new VersionMismatch(expected, version);
        }
    }

    /** The start of the event that takes this connection to its next version. */
    private Stamp next(Instant at, String actor) {
        return new Stamp(id, tenant, version + 1, at, actor);
    }

    private ConnectionResource resource() {
        return new ConnectionResource(
                id,
                vendor,
                category,
                configName,
                details.displayName(),
                details.baseUrl(),
                details.accountRef(),
                details.config(),
                scope,
                workspaceId,
                endUserId,
                details.metadata(),
                status,
                credential,
                Health.unknown(),
                version,
                createdAt,
                updatedAt,
                createdBy,
                updatedBy);
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
        details = new ConnectionDetails(e.displayName(), e.baseUrl(), e.accountRef(), e.config(), e.metadata());
        credential = e.credential();
        status = Status.ACTIVE;
        createdAt = e.occurredAt();
        createdBy = e.actor();
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionUpdated e) {
        details = new ConnectionDetails(e.displayName(), e.baseUrl(), e.accountRef(), e.config(), e.metadata());
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

    /** Health is no edit of the connection: only its version moves, not who updated it when. */
    @EventSourcingHandler
    void on(ConnectionHealthChanged e) {
        healthState = e.state();
        healthErrorCode = e.error() == null ? null : e.error().code();
        healthSince = e.occurredAt();
        version = e.version();
    }

    @EventSourcingHandler
    void on(ConnectionExpired e) {
        status = Status.EXPIRED;
        touched(e.version(), e.occurredAt(), e.actor());
    }

    @EventSourcingHandler
    void on(ConnectionDeleted e) {
        deleted = true;
        touched(e.version(), e.occurredAt(), e.actor());
    }

    private void touched(long newVersion, Instant at, String actor) {
        version = newVersion;
        editedVersion = newVersion;
        updatedAt = at;
        updatedBy = actor;
    }

    Connection() {
        // for Axon
    }
}
