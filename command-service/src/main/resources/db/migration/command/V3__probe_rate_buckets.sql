-- Bucket4j's token buckets for the per-tenant test rate limit (state serialised by Bucket4j, row-locked per use),
-- so the limit is exact across command-service instances.
CREATE TABLE probe_rate_buckets (
    id         TEXT   NOT NULL PRIMARY KEY,
    state      BYTEA,
    expires_at BIGINT
);
