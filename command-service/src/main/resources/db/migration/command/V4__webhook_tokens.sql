-- Webhook tokens: only the SHA-256 hash of each raw token is kept; the raw token was returned once, at minting.
CREATE TABLE webhook_tokens (
    token_id      TEXT        NOT NULL PRIMARY KEY,
    token_hash    BYTEA       NOT NULL UNIQUE,
    tenant_id     TEXT        NOT NULL,
    connection_id UUID        NOT NULL,
    vendor        TEXT        NOT NULL,
    minted_at     TIMESTAMPTZ NOT NULL,
    minted_by     TEXT        NOT NULL,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX webhook_tokens_connection ON webhook_tokens (connection_id);
