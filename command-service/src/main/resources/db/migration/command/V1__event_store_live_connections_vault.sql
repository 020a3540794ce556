-- Axon's event store, snapshots and tracking tokens (JdbcEventStorageEngine / JdbcTokenStore default schema).
-- Unquoted names: PostgreSQL folds them to lower case, as it does in Axon's own unquoted queries.
CREATE TABLE DomainEventEntry (
    globalIndex         BIGSERIAL    NOT NULL,
    aggregateIdentifier VARCHAR(255) NOT NULL,
    sequenceNumber      BIGINT       NOT NULL,
    type                VARCHAR(255),
    eventIdentifier     VARCHAR(255) NOT NULL,
    metaData            BYTEA,
    payload             BYTEA        NOT NULL,
    payloadRevision     VARCHAR(255),
    payloadType         VARCHAR(255) NOT NULL,
    timeStamp           VARCHAR(255),
    PRIMARY KEY (globalIndex),
    UNIQUE (aggregateIdentifier, sequenceNumber),
    UNIQUE (eventIdentifier)
);

CREATE TABLE SnapshotEventEntry (
    aggregateIdentifier VARCHAR(255) NOT NULL,
    sequenceNumber      BIGINT       NOT NULL,
    type                VARCHAR(255) NOT NULL,
    eventIdentifier     VARCHAR(255) NOT NULL,
    metaData            BYTEA,
    payload             BYTEA        NOT NULL,
    payloadRevision     VARCHAR(255),
    payloadType         VARCHAR(255) NOT NULL,
    timeStamp           VARCHAR(255),
    PRIMARY KEY (aggregateIdentifier, sequenceNumber),
    UNIQUE (eventIdentifier)
);

CREATE TABLE TokenEntry (
    processorName VARCHAR(255) NOT NULL,
    segment       INTEGER      NOT NULL,
    token         BYTEA        NULL,
    tokenType     VARCHAR(255) NULL,
    timestamp     VARCHAR(255) NULL,
    owner         VARCHAR(255) NULL,
    PRIMARY KEY (processorName, segment)
);

-- The live (not deleted) connections: the name index and each connection's lock. The primary key makes a
-- duplicate exact under concurrent creates: the second insert waits for the first transaction, then fails. Every
-- command on an existing connection locks its row first, so commands on one connection are serialised and none is
-- lost. A delete frees the name in the same transaction as its event.
-- scope_key is 'organization', 'workspace:<id>' or 'user:<id>[@workspace:<id>]': a name is unique within its
-- scope, which is what lets GET /v1/connections/resolve choose the most specific of several.
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
    PRIMARY KEY (tenant_id, scope_key, config_name)
);

-- Live connections per tenant, for the quota. Incremented under a row lock in the create transaction, so the
-- quota holds exactly under concurrent creates and across instances.
CREATE TABLE tenant_usage (
    tenant_id        TEXT    NOT NULL PRIMARY KEY,
    live_connections INTEGER NOT NULL CHECK (live_connections >= 0)
);

-- Sealed secrets (AWS Encryption SDK messages), bound by their encryption context to tenant, connection, version
-- and purpose. Destroyed in the same transaction as the event that revokes or deletes the connection.
CREATE TABLE sealed_secrets (
    connection_id UUID        NOT NULL,
    purpose       TEXT        NOT NULL,
    version       INTEGER     NOT NULL,
    tenant_id     TEXT        NOT NULL,
    ciphertext    BYTEA       NOT NULL,
    key_name      TEXT        NOT NULL,
    sealed_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, purpose, version)
);
