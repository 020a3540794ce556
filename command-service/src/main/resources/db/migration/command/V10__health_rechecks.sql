-- Scheduled re-checks (issue 21 §2): when each live connection is next checked. Instances lease due rows with
-- SELECT ... FOR UPDATE SKIP LOCKED and push them a period on in the same statement, so across any number of
-- instances each connection is checked once per period, with no leader. Rows are seeded from live_connections
-- (spread at random over the period) and dropped when their connection is no longer live.
CREATE TABLE health_rechecks (
    connection_id UUID        PRIMARY KEY,
    tenant_id     TEXT        NOT NULL,
    next_check_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX health_rechecks_due ON health_rechecks (next_check_at);
