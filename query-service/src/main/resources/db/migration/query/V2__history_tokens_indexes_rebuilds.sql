-- Every event of a connection (the audit trail of GET /v1/connections/{id}/history), the webhook tokens minted for
-- it, the indexes that keep the reads fast at 100,000 connections per tenant, and what a projection rebuild needs.
-- connections, connection_history and webhook_tokens are rebuilt together from patchbay.connections.v1
-- (ProjectionRebuild): keep every later change to them expressible with CREATE TABLE ... (LIKE ...).
-- Deployments that projected events before this migration get their history and tokens by one rebuild.

CREATE TABLE connection_history (
    connection_id uuid        NOT NULL,
    version       bigint      NOT NULL CHECK (version >= 1),
    tenant_id     text        NOT NULL,
    -- a short, stable logical name: connection.created, connection.updated, connection.webhook-token-minted, ...
    type          text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    actor         text        NOT NULL,
    -- what changed, secret-free: never a credential, a secret or a token value (the events hold none)
    changes       jsonb       NOT NULL,
    PRIMARY KEY (connection_id, version)
);

CREATE TABLE webhook_tokens (
    token_id      text        PRIMARY KEY,
    connection_id uuid        NOT NULL,
    tenant_id     text        NOT NULL,
    vendor        text,
    minted_at     timestamptz NOT NULL,
    minted_by     text        NOT NULL,
    revoked_at    timestamptz,
    revoked_by    text
);

CREATE INDEX webhook_tokens_by_connection ON webhook_tokens (connection_id, minted_at, token_id);

-- The newest probe result of each connection (patchbay.probe-results.v1), kept apart from the descriptor: results
-- travel on another topic and may be projected before the connection's creation is; the creation then picks the
-- result up from here. connections.health_* is its copy that reads and the health filter use. Not rebuilt from
-- patchbay.connections.v1: a rebuild leaves it as it is.
CREATE TABLE connection_health (
    connection_id uuid        NOT NULL,
    tenant_id     text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('healthy', 'unhealthy')),
    checked_at    timestamptz NOT NULL,
    latency_ms    bigint,
    error_code    text,
    error_message text,
    PRIMARY KEY (connection_id, tenant_id)
);

-- GET /v1/connections with one filter: newest first within the tenant's rows of that value, so a rare value
-- (a vendor, status revoked, health unhealthy, one workspace or end user) is a short range scan, not a walk through
-- every row of the tenant. Several filters at once: the planner takes the most selective and filters the rest.
CREATE INDEX connections_list_vendor ON connections (tenant_id, vendor, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX connections_list_status ON connections (tenant_id, status, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX connections_list_health ON connections (tenant_id, health_state, created_at DESC, id DESC)
    WHERE NOT deleted;
CREATE INDEX connections_list_workspace ON connections (tenant_id, workspace_id, created_at DESC, id DESC)
    WHERE NOT deleted;
CREATE INDEX connections_list_end_user ON connections (tenant_id, end_user_id, created_at DESC, id DESC)
    WHERE NOT deleted;

-- GET /v1/connections/resolve: each of its branches (user in that workspace, user without workspace, workspace,
-- organization) is an equality lookup on a prefix of this index.
CREATE INDEX connections_resolve ON connections (tenant_id, vendor, config_name, scope, workspace_id, end_user_id)
    WHERE NOT deleted;

-- How far the live projection has got on each partition: written in the same transaction as the event it applied,
-- so a rebuild can tell exactly when its copies hold everything the live tables hold.
CREATE TABLE projection_offsets (
    topic       text   NOT NULL,
    partition   int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);

-- POST /v1/admin/projections/rebuild: one row per rebuild, readable from every instance.
CREATE TABLE projection_rebuilds (
    rebuild_id     uuid        PRIMARY KEY,
    status         text        NOT NULL,
    requested_by   text        NOT NULL,
    requested_at   timestamptz NOT NULL,
    started_at     timestamptz,
    heartbeat_at   timestamptz NOT NULL,
    finished_at    timestamptz,
    events_read    bigint      NOT NULL DEFAULT 0,
    error          text,
    CONSTRAINT projection_rebuilds_status_is_known CHECK (status IN ('pending', 'copying', 'catching_up', 'swapping',
        'completed', 'failed'))
);

-- at most one rebuild at a time, across every instance
CREATE UNIQUE INDEX projection_rebuilds_one_at_a_time ON projection_rebuilds ((true)) WHERE finished_at IS NULL;
