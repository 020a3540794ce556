package dev.patchbay.command.webhook;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import dev.patchbay.vault.SealedSecretStore;
import dev.patchbay.vault.SealingContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/** Webhook tokens by their SHA-256 hash: a raw token is never stored. */
@Repository
class WebhookTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token's binding, as a delivery needs it. */
    record Binding(String tokenId, TenantId tenant, ConnectionId connectionId, String vendor) {}

    private final JdbcClient jdbc;
    private final SealedSecretStore vault;

    WebhookTokens(JdbcClient jdbc, SealedSecretStore vault) {
        this.jdbc = jdbc;
        this.vault = vault;
    }

    /** 32 random bytes, base64url: the raw token, returned once. */
    static String newRawToken() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "pbwh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String newTokenId() {
        return "wht_" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 12);
    }

    static byte[] hash(String rawToken) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(rawToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void store(
            String tokenId,
            String rawToken,
            TenantId tenant,
            ConnectionId connectionId,
            String vendor,
            Instant at,
            String actor) {
        jdbc.sql("INSERT INTO webhook_tokens (token_id, token_hash, tenant_id, connection_id, vendor, minted_at, "
                        + "minted_by) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(
                        tokenId,
                        hash(rawToken),
                        tenant.value(),
                        connectionId.value(),
                        vendor,
                        Timestamp.from(at),
                        actor)
                .update();
    }

    /** The live binding of a raw token for that vendor; empty when unknown, revoked or another vendor's. */
    Optional<Binding> findActive(String vendor, String rawToken) {
        return jdbc.sql("SELECT token_id, tenant_id, connection_id FROM webhook_tokens WHERE token_hash = ? "
                        + "AND vendor = ? AND revoked_at IS NULL")
                .params(hash(rawToken), vendor)
                .query((rs, n) -> new Binding(
                        rs.getString(1),
                        TenantId.of(rs.getString(2)),
                        new ConnectionId(rs.getObject(3, UUID.class)),
                        vendor))
                .optional();
    }

    /** The token of that tenant, by id, whether revoked or not. */
    Optional<Binding> find(TenantId tenant, String tokenId) {
        return jdbc.sql("SELECT connection_id, vendor FROM webhook_tokens WHERE token_id = ? AND tenant_id = ?")
                .params(tokenId, tenant.value())
                .query((rs, n) ->
                        new Binding(tokenId, tenant, new ConnectionId(rs.getObject(1, UUID.class)), rs.getString(2)))
                .optional();
    }

    void revoke(String tokenId, Instant at) {
        jdbc.sql("UPDATE webhook_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(at), tokenId)
                .update();
    }

    /** The sealed webhook signing secret of the connection, newest version, if it has one. */
    Optional<SealedSecret> signingSecret(ConnectionId connectionId) {
        return vault.newest(connectionId, SealingContext.WEBHOOK_SECRET)
                .map(row -> new SealedSecret(row.version(), row.tenant(), row.ciphertext()));
    }

    record SealedSecret(int version, TenantId tenant, byte[] ciphertext) {}
}
