-- The sweep of expired candidate credentials (sealed for one live check, destroyed after it) reads only
-- candidate rows, by age: a small partial index, empty when no check runs.
CREATE INDEX sealed_secrets_candidates ON sealed_secrets (sealed_at) WHERE purpose = 'candidate';
