package dev.patchbay.probe.refresh;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.ConnectionResource.ProbeError;
import dev.patchbay.contracts.connection.CredentialInfo;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.contracts.refresh.RefreshCompleted;
import dev.patchbay.contracts.refresh.RefreshRequested;
import dev.patchbay.probe.check.CheckFailed;
import dev.patchbay.probe.check.Checks;
import dev.patchbay.probe.check.CredentialRenewal;
import dev.patchbay.probe.check.ProbeTarget;
import dev.patchbay.probe.check.VaultKeysInUse;
import dev.patchbay.vault.Credential;
import dev.patchbay.vault.SealedCredentialUnreadable;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import dev.patchbay.vault.Vault;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Renews an OAuth2 connection's access token (RFC 6749 §6), for a refresh request of command-service's scheduler
 * ({@link #refresh}) or for a call through the proxy that the API refused with 401 ({@link #renew}); both go the same
 * way, one at a time per connection across every worker:
 *
 * <ol>
 * <li>the connection's lock ({@link RefreshLocks}), waiting a while for another refresher to finish;</li>
 * <li>under it, what is there now: the live connection (none: deleted; revoked), its current credential version
 * (beyond the one to renew: {@code already_renewed}), a staged renewal of the next version
 * ({@code already_renewed}), the sealed credential of the version to renew, sealed for the destination this very
 * descriptor points at, as the worker's own connector type computes it (else nothing is opened), and its refresh
 * token ({@code not_refreshable} without one);</li>
 * <li>the refresh grant ({@link TokenEndpoint});</li>
 * <li>new tokens: the credential of the next version, with the new access token and the new refresh token, or the
 * old refresh token when the provider sent none, sealed under that version's credential context and destination,
 * and staged in the vault for command-service to promote ({@code renewed}); a refusal for good
 * ({@code refused}) or a failure that may pass ({@code transient}, with the provider's {@code Retry-After}).</li>
 * </ol>
 *
 * The result goes to {@code patchbay.refresh-results.v1}, whoever asked: command-service records the rotation, the
 * expiry or the retry. Nothing of a token or of the provider's answer is logged or published.
 */
@Component
final class Refresher implements CredentialRenewal {

    private static final Logger log = LoggerFactory.getLogger(Refresher.class);

    /** The fixed message of each error code a result may carry: never the provider's words. */
    static final Map<String, String> MESSAGES = Map.of(
            "invalid_grant",
            "The token endpoint refused the refresh token (invalid_grant): access was revoked, or the refresh token "
                    + "expired. A new credential is needed.",
            "invalid_client",
            "The token endpoint refused the client's id or secret (invalid_client). A new credential is needed.",
            "unauthorized_client",
            "The token endpoint does not let this client use refresh tokens (unauthorized_client).",
            "timeout",
            "The token endpoint did not answer within the time allowed.",
            "unreachable",
            "The token endpoint could not be reached, or its address is not allowed.",
            "tls_error",
            "The TLS handshake with the token endpoint failed.",
            "server_error",
            "The token endpoint failed or is unavailable for now.",
            "rate_limited",
            "The token endpoint asked for fewer requests (429).",
            "unexpected_response",
            "The token endpoint answered, but not with a bearer token or an RFC 6749 error this refresher acts on.");

    private final Checks checks;
    private final RefreshLocks locks;
    private final TokenEndpoint tokens;
    private final Vault vault;
    private final RefreshResultPublisher publisher;
    private final RefreshProperties properties;
    private final VaultKeysInUse keys;

    Refresher(
            Checks checks,
            VaultKeysInUse keys,
            RefreshLocks locks,
            TokenEndpoint tokens,
            Vault vault,
            RefreshResultPublisher publisher,
            RefreshProperties properties) {
        this.checks = checks;
        this.keys = keys;
        this.locks = locks;
        this.tokens = tokens;
        this.vault = vault;
        this.publisher = publisher;
        this.properties = properties;
    }

    /** A refresh request of command-service's scheduler: the result, published; empty when none can be given. */
    Optional<RefreshCompleted> refresh(RefreshRequested request) {
        var target = new ProbeTarget(request.connectionId(), request.vendor(), request.baseUrl(), request.config());
        var attempt = attempt(request.correlationId(), request.tenantId(), target, request.credentialVersion(), false);
        attempt.result().ifPresent(publisher::publish);
        return attempt.result();
    }

    /**
     * The proxy's renewal after a 401: the credential that follows {@code version}, renewed now (and the result
     * published, as for a request), or renewed already by another refresher.
     */
    @Override
    public Optional<Renewed> renew(TenantId tenant, ProbeTarget target, int version) {
        var attempt = attempt("proxy-" + UUID.randomUUID(), tenant, target, version, true);
        attempt.result().ifPresent(publisher::publish);
        return Optional.ofNullable(attempt.renewed());
    }

    /** What one attempt came to: the result to publish (if any), and for the proxy the credential that follows. */
    private record Attempt(Optional<RefreshCompleted> result, Renewed renewed) {

        static Attempt none() {
            return new Attempt(Optional.empty(), null);
        }
    }

    private Attempt attempt(
            String correlationId, TenantId tenant, ProbeTarget target, int fromVersion, boolean wantCredential) {
        var id = target.connectionId();
        if (!keys.usable()) {
            log.warn(
                    "Dropped refresh {} of connection {}: this worker's vault keys do not match the vault's",
                    correlationId,
                    id);
            return Attempt.none();
        }
        var check = checks.forVendor(target.vendor()).orElse(null);
        if (check == null) {
            log.warn(
                    "Skipped refresh {} of connection {}: this worker has no connector type '{}'",
                    correlationId,
                    id,
                    target.vendor());
            return Attempt.none();
        }
        var result = new Results(correlationId, id, tenant, fromVersion);
        if (!check.injector()
                .map(injector -> injector.renewsCredentialOnUnauthorized())
                .orElse(false)) {
            return new Attempt(Optional.of(result.of(RefreshCompleted.NOT_REFRESHABLE)), null);
        }
        if (!check.allows(target)) {
            return new Attempt(Optional.of(result.transientFailure("unreachable", null)), null);
        }
        var destination = check.destination(target);
        var digest = destination.digest();
        var held = locks.hold(id, properties.lockWait());
        if (held.isEmpty()) {
            log.info(
                    "Refresh {} of connection {}: another refresher held the connection for {} s; it answers",
                    correlationId,
                    id,
                    properties.lockWait().toSeconds());
            return new Attempt(Optional.of(result.of(RefreshCompleted.ALREADY_RENEWED)), null);
        }
        try (var lock = held.get()) {
            var store = new SealedSecretStore(lock.jdbc());
            var live = lock.jdbc()
                    .sql("SELECT credential_version, status FROM live_connections WHERE connection_id = ? "
                            + "AND tenant_id = ?")
                    .params(id.value(), tenant.value())
                    .query((rows, n) -> new Live(rows.getInt(1), rows.getString(2)))
                    .optional();
            if (live.isEmpty() || "revoked".equals(live.get().status())) {
                return new Attempt(Optional.of(result.of(RefreshCompleted.NOT_REFRESHABLE)), null);
            }
            if (live.get().credentialVersion() > fromVersion) {
                return new Attempt(
                        Optional.of(result.of(RefreshCompleted.ALREADY_RENEWED)),
                        wantCredential ? current(store, tenant, id, live.get().credentialVersion(), digest) : null);
            }
            var staged = store.findStagedRenewal(id, tenant, fromVersion + 1);
            if (staged.isPresent()) {
                return stagedAlready(result, staged.get(), destination, wantCredential);
            }
            var row = store.findSendable(id, tenant, fromVersion, SealingContext.CREDENTIAL);
            if (row.isEmpty()) {
                return new Attempt(Optional.of(result.of(RefreshCompleted.NOT_REFRESHABLE)), null);
            }
            if (!digest.equals(row.get().destination())) {
                log.warn(
                        "Refresh {} of connection {}: the request points the credential at another destination than "
                                + "it was sealed for; nothing was opened or sent",
                        correlationId,
                        id);
                return new Attempt(Optional.of(result.of(RefreshCompleted.NOT_REFRESHABLE)), null);
            }
            var context = new SealingContext(
                    tenant,
                    id,
                    fromVersion,
                    SealingContext.CREDENTIAL,
                    row.get().bound() ? digest : null);
            try (var credential = vault.open(row.get().ciphertext(), context)) {
                if (!credential.fieldNames().contains("refresh_token")) {
                    return new Attempt(Optional.of(result.of(RefreshCompleted.NOT_REFRESHABLE)), null);
                }
                TokenAnswer answer;
                try {
                    answer = tokens.refresh(
                            target.requiredText("token_endpoint"),
                            target.text("client_auth", null),
                            target.text("scope", null),
                            credential);
                } catch (CheckFailed unusable) {
                    answer = new TokenAnswer.Failed("unexpected_response", null);
                }
                if (answer instanceof TokenAnswer.Issued issued) {
                    return stage(
                            result, store, credential, issued, tenant, id, fromVersion, destination, wantCredential);
                }
                if (answer instanceof TokenAnswer.Refused refused) {
                    log.info(
                            "Refresh {} of connection {}: the token endpoint refused it ({})",
                            correlationId,
                            id,
                            refused.error());
                    return new Attempt(Optional.of(result.refused(refused.error())), null);
                }
                var failed = (TokenAnswer.Failed) answer;
                log.info(
                        "Refresh {} of connection {}: failed for now ({}{})",
                        correlationId,
                        id,
                        failed.code(),
                        failed.retryAfter() == null ? "" : ", retry after " + failed.retryAfter());
                return new Attempt(Optional.of(result.transientFailure(failed.code(), failed.retryAfter())), null);
            }
        } catch (SealedCredentialUnreadable unreadable) {
            log.error("Refresh {}: {}", correlationId, unreadable.getMessage());
            return Attempt.none();
        }
    }

    private record Live(int credentialVersion, String status) {}

    /**
     * A renewal of the next version is staged and not yet promoted (the connection is still at the version to
     * renew). Young, its result is on its way: {@code already_renewed}. Older than {@code
     * patchbay.refresher.republish-after}, its {@code renewed} result was lost (a broker outage longer than the
     * producer's delivery timeout, a worker that died between staging and publishing): it is described again from the
     * staged row and published as {@code renewed}, whichever refresher staged it, so that command-service records it
     * (RecordRefresh is idempotent) instead of its sweep removing it and a later grant using a spent refresh token.
     */
    private Attempt stagedAlready(
            Results result,
            SealedSecretStore.StagedRenewal staged,
            dev.patchbay.vault.Destination destination,
            boolean wantCredential) {
        var context = SealingContext.credential(result.tenant(), result.id(), result.fromVersion() + 1, destination);
        boolean lost = staged.sealedAt().isBefore(Instant.now().minus(properties.republishAfter()));
        if (!lost) {
            return new Attempt(
                    Optional.of(result.of(RefreshCompleted.ALREADY_RENEWED)),
                    wantCredential ? open(staged.row(), context) : null);
        }
        var renewed = open(staged.row(), context);
        boolean handedOver = false;
        try {
            var info = new CredentialInfo(
                    renewed.credential().fieldNames().stream().toList(),
                    renewed.version(),
                    vault.fingerprint(renewed.credential()),
                    staged.sealedAt().truncatedTo(ChronoUnit.MILLIS),
                    staged.expiresAt() == null ? null : staged.expiresAt().truncatedTo(ChronoUnit.MILLIS));
            log.warn(
                    "Refresh {} of connection {}: credential version {} was staged at {} and its result never "
                            + "recorded; its renewed result is published again",
                    result.correlationId(),
                    result.id(),
                    renewed.version(),
                    staged.sealedAt());
            handedOver = wantCredential;
            return new Attempt(Optional.of(result.renewed(info)), wantCredential ? renewed : null);
        } finally {
            if (!handedOver) {
                renewed.credential().close();
            }
        }
    }

    /** The new credential: sealed as the next version, staged, described. */
    private Attempt stage(
            Results result,
            SealedSecretStore store,
            Credential old,
            TokenAnswer.Issued issued,
            TenantId tenant,
            ConnectionId id,
            int fromVersion,
            dev.patchbay.vault.Destination destination,
            boolean wantCredential) {
        var fields = new TreeMap<String, String>();
        for (var field : old.fieldNames()) {
            fields.put(field, old.value(field));
        }
        fields.put("access_token", issued.accessToken());
        if (issued.refreshToken() != null) {
            fields.put("refresh_token", issued.refreshToken());
        }
        var now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var next = Credential.of(fields);
        fields.clear();
        boolean handedOver = false;
        try {
            var context = SealingContext.credential(tenant, id, fromVersion + 1, destination);
            var sealed = vault.seal(next, context);
            var expiresAt = issued.expiresIn() == null ? null : now.plusSeconds(issued.expiresIn());
            if (!store.stageRefreshed(context, sealed, vault.keyName(), now, expiresAt)) {
                // Cannot happen under the lock unless a lock was lost with its session; the staged row wins.
                return new Attempt(Optional.of(result.of(RefreshCompleted.ALREADY_RENEWED)), null);
            }
            var info = new CredentialInfo(
                    next.fieldNames().stream().toList(), fromVersion + 1, vault.fingerprint(next), now, expiresAt);
            log.info(
                    "Refresh {} of connection {}: renewed as credential version {}{}",
                    result.correlationId(),
                    id,
                    fromVersion + 1,
                    issued.refreshToken() == null ? " (the provider sent no refresh token: the old one is kept)" : "");
            handedOver = wantCredential;
            return new Attempt(
                    Optional.of(result.renewed(info)), wantCredential ? new Renewed(fromVersion + 1, next) : null);
        } finally {
            if (!handedOver) {
                next.close();
            }
        }
    }

    /** The credential of the connection's current version, for the proxy; null when it cannot be had. */
    private Renewed current(SealedSecretStore store, TenantId tenant, ConnectionId id, int version, String digest) {
        var row = store.findSendable(id, tenant, version, SealingContext.CREDENTIAL);
        if (row.isEmpty() || !digest.equals(row.get().destination())) {
            return null;
        }
        var context = new SealingContext(
                tenant, id, version, SealingContext.CREDENTIAL, row.get().bound() ? digest : null);
        return new Renewed(version, vault.open(row.get().ciphertext(), context));
    }

    private Renewed open(SealedSecretStore.SealedRow row, SealingContext context) {
        return new Renewed(context.version(), vault.open(row.ciphertext(), context));
    }

    /** The results of one attempt, each with its fixed message. */
    private record Results(String correlationId, ConnectionId id, TenantId tenant, int fromVersion) {

        RefreshCompleted of(String outcome) {
            return new RefreshCompleted(correlationId, id, tenant, fromVersion, outcome, null, null, null, now());
        }

        RefreshCompleted renewed(CredentialInfo info) {
            return new RefreshCompleted(
                    correlationId, id, tenant, fromVersion, RefreshCompleted.RENEWED, info, null, null, now());
        }

        RefreshCompleted refused(String error) {
            return new RefreshCompleted(
                    correlationId,
                    id,
                    tenant,
                    fromVersion,
                    RefreshCompleted.REFUSED,
                    null,
                    new ProbeError(error, MESSAGES.get(error)),
                    null,
                    now());
        }

        RefreshCompleted transientFailure(String code, Instant retryAfter) {
            return new RefreshCompleted(
                    correlationId,
                    id,
                    tenant,
                    fromVersion,
                    RefreshCompleted.TRANSIENT,
                    null,
                    new ProbeError(code, MESSAGES.get(code)),
                    retryAfter == null ? null : retryAfter.truncatedTo(ChronoUnit.MILLIS),
                    now());
        }

        private static Instant now() {
            return Instant.now().truncatedTo(ChronoUnit.MILLIS);
        }
    }
}
