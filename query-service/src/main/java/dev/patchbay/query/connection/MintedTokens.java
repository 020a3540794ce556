package dev.patchbay.query.connection;

import dev.patchbay.contracts.connection.ConnectionId;
import dev.patchbay.contracts.connection.TenantId;
import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;

import java.time.Instant;

/**
 * The {@code webhook_tokens} read table: which tokens were minted for a connection, by whom, and whether they were
 * revoked. There is no token value here to leak: the events carry only the token's id.
 */
@Repository
class MintedTokens {

    /** One token as {@code GET /v1/connections/{id}/webhook-tokens} lists it. */
    @Schema(name = "WebhookToken")
    record Token(String tokenId, String vendor, Instant mintedAt, String mintedBy, Instant revokedAt) {}

    private final DatabaseClient db;

    MintedTokens(DatabaseClient db) {
        this.db = db;
    }

    /** The connection's tokens, oldest first, of that tenant only. */
    Flux<Token> of(TenantId tenant, ConnectionId id) {
        return db.sql("""
                SELECT token_id, vendor, minted_at, minted_by, revoked_at FROM webhook_tokens
                WHERE connection_id = :id AND tenant_id = :tenant ORDER BY minted_at, token_id""")
                .bind("id", id.value())
                .bind("tenant", tenant.value())
                .map(row -> new Token(
                        row.get("token_id", String.class),
                        row.get("vendor", String.class),
                        row.get("minted_at", Instant.class),
                        row.get("minted_by", String.class),
                        row.get("revoked_at", Instant.class)))
                .all();
    }
}
