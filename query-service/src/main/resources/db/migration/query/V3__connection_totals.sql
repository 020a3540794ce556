-- How many live connections each tenant has (revoked ones count, deleted ones do not): the total of an unfiltered
-- GET /v1/connections, which otherwise counted the tenant's rows on every first page (count(*) over 100,000 rows is
-- most of what that page costs). Filtered first pages still count, with the indexes of V2.
--
-- Written by the connection projection (ConnectionWrites) in the transaction of the row change it counts: +1 when a
-- creation inserted a live row or revived a tombstone, -1 when a deletion turned a live row into a tombstone;
-- anything that changes no row's liveness (replays, redeliveries, a delete before its create) counts nothing. A
-- tenant without a row has none. Rebuilt from patchbay.connections.v1 together with connections, connection_history
-- and webhook_tokens (ProjectionRebuild), so it is expressible with CREATE TABLE ... (LIKE ...) too.
--
-- Counted here once from the rows there are. A query-service of an earlier version that keeps projecting while
-- this runs (a rolling upgrade) would not count its changes: upgrade every instance at once, or rebuild after.
CREATE TABLE connection_totals (
    tenant_id text   PRIMARY KEY,
    live      bigint NOT NULL
);

INSERT INTO connection_totals (tenant_id, live)
SELECT tenant_id, count(*) FILTER (WHERE NOT deleted) FROM connections GROUP BY tenant_id;
