-- Since when a connection's health has held: the check time of the first result in the current run of like results
-- (same state and, while unhealthy, the same error code). Rows checked before this migration start at their last check.
ALTER TABLE connections ADD COLUMN health_since timestamptz;
UPDATE connections SET health_since = health_checked_at;
ALTER TABLE connection_health ADD COLUMN since timestamptz;
UPDATE connection_health SET since = checked_at;
