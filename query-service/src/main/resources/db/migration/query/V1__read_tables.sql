-- The read side of Patchbay: secret-free descriptors projected from patchbay.connections.v1 and the connector
-- types registered on patchbay.connector-types.v1. Everything here can be rebuilt by replaying the topics.

CREATE TABLE connections (
    id                   uuid        PRIMARY KEY,
    tenant_id            text        NOT NULL,
    -- the connection's event sequence: an event at or below it has been applied already and changes nothing
    version              bigint      NOT NULL CHECK (version >= 1),
    vendor               text,
    category             text,
    config_name          text,
    display_name         text,
    base_url             text,
    account_ref          text,
    config               jsonb,
    scope                text,
    workspace_id         text,
    end_user_id          text,
    metadata             jsonb,
    status               text,
    -- which secret fields exist, their version and fingerprint; never a value
    credential           jsonb,
    health_state         text        NOT NULL DEFAULT 'unknown',
    health_checked_at    timestamptz,
    health_latency_ms    bigint,
    health_error_code    text,
    health_error_message text,
    created_at           timestamptz,
    updated_at           timestamptz,
    created_by           text,
    updated_by           text,
    -- a tombstone, so that a Consistency-Token for a delete can be seen as applied; never returned
    deleted              boolean     NOT NULL DEFAULT false,
    deleted_at           timestamptz,
    -- only a tombstone may lack the descriptor (a delete replayed without its create)
    CONSTRAINT connections_live_rows_are_complete CHECK (deleted OR (
        vendor IS NOT NULL AND category IS NOT NULL AND config_name IS NOT NULL AND config IS NOT NULL
        AND scope IS NOT NULL AND metadata IS NOT NULL AND status IS NOT NULL AND credential IS NOT NULL
        AND created_at IS NOT NULL AND updated_at IS NOT NULL AND created_by IS NOT NULL
        AND updated_by IS NOT NULL)),
    CONSTRAINT connections_status_is_known CHECK (status IS NULL OR status IN ('active', 'revoked')),
    CONSTRAINT connections_health_is_known CHECK (health_state IN ('unknown', 'healthy', 'unhealthy'))
);

-- GET /v1/connections: newest first, keyset pagination on (created_at, id), live rows only
CREATE INDEX connections_list ON connections (tenant_id, created_at DESC, id DESC) WHERE NOT deleted;

CREATE TABLE connector_types (
    vendor            text        PRIMARY KEY,
    category          text        NOT NULL,
    display_name      text        NOT NULL,
    required_config   jsonb       NOT NULL,
    secret_fields     jsonb       NOT NULL,
    supports_webhooks boolean     NOT NULL,
    registered_at     timestamptz NOT NULL
);
