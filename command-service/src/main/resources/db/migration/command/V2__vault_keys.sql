-- The wrapping keys that have sealed secrets here, with a check value for each local key: a service started with a
-- different key under the same name refuses to start, instead of failing later on every open.
CREATE TABLE vault_keys (
    key_name    TEXT        NOT NULL PRIMARY KEY,
    check_value TEXT,
    first_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
);
