-- command-service's vault tables (db/migration/command/V1, V2, V6 and V15), which the probe worker reads and
-- never creates:
-- tests create them in a fresh database, with the same DDL.
CREATE TABLE sealed_secrets (
    connection_id UUID        NOT NULL,
    purpose       TEXT        NOT NULL,
    version       INTEGER     NOT NULL,
    tenant_id     TEXT        NOT NULL,
    ciphertext    BYTEA       NOT NULL,
    key_name      TEXT        NOT NULL,
    sealed_at     TIMESTAMPTZ NOT NULL,
    destination   TEXT,
    bound         BOOLEAN     NOT NULL DEFAULT false,
    expires_at    TIMESTAMPTZ,
    PRIMARY KEY (connection_id, purpose, version)
);
CREATE TABLE vault_keys (
    key_name    TEXT        NOT NULL PRIMARY KEY,
    check_value TEXT,
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- command-service's live connections' index (V1, V7, V11, V12), which the proxy reads by id and never writes.
CREATE TABLE live_connections (
    tenant_id              TEXT        NOT NULL,
    scope_key              TEXT        NOT NULL,
    config_name            TEXT        NOT NULL,
    vendor                 TEXT        NOT NULL,
    category               TEXT        NOT NULL,
    connection_id          UUID        NOT NULL UNIQUE,
    credential_version     INTEGER     NOT NULL,
    webhook_secret_version INTEGER     NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL,
    base_url               TEXT,
    config                 TEXT,
    metadata               TEXT,
    status                 TEXT        NOT NULL DEFAULT 'active',
    PRIMARY KEY (tenant_id, scope_key, config_name)
);
