-- Credential expiry and OAuth2 refresh (issue 21 §3).
--
-- credential_expiries: each live connection whose credential has an expiry, maintained in the transactions of the
-- commands (create, rotation, revoke, delete, expiry) as health_rechecks is. Instances lease due rows with
-- SELECT ... FOR UPDATE SKIP LOCKED and push next_attempt_at on in the same transaction, so across any number of
-- instances one request (or one expiry) is made per row at a time, with no leader:
--   refreshable (an oauth2 credential with a refresh_token): next_attempt_at is expires_at minus the refresh margin,
--     then pushed by the request timeout while a request is unanswered, or by the backoff after a transient failure;
--     failing_since and attempts count the transient failures since the last success;
--   not refreshable: next_attempt_at is expires_at, when the connection is made expired.
-- leased_until: until when the last request is waited for (a result after it is still recorded).
CREATE TABLE credential_expiries (
    connection_id      UUID        PRIMARY KEY,
    tenant_id          TEXT        NOT NULL,
    vendor             TEXT        NOT NULL,
    credential_version INTEGER     NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    refreshable        BOOLEAN     NOT NULL,
    next_attempt_at    TIMESTAMPTZ NOT NULL,
    failing_since      TIMESTAMPTZ,
    attempts           INTEGER     NOT NULL DEFAULT 0,
    leased_until       TIMESTAMPTZ
);

CREATE INDEX credential_expiries_due ON credential_expiries (next_attempt_at);

-- Staged refreshed credentials (a refresher's renewal, purpose 'refreshed', until command-service promotes it to
-- 'credential' or destroys it) are swept when older than a bound, as candidates are.
CREATE INDEX sealed_secrets_refreshed ON sealed_secrets (sealed_at) WHERE purpose = 'refreshed';

-- The connection's status beside its destination, for the probe worker's proxy, which refuses an expired connection
-- (and finds no credential for a revoked one): 'active', 'revoked' or 'expired', written in each command's
-- transaction. Existing rows: revoked if their newest ConnectionRevoked is newer than their newest rotation.
ALTER TABLE live_connections ADD COLUMN status TEXT NOT NULL DEFAULT 'active';

UPDATE live_connections AS live
SET status = 'revoked'
FROM (
    SELECT DISTINCT ON (event.aggregateidentifier)
           event.aggregateidentifier AS connection_id,
           event.payloadtype AS payloadtype
    FROM domainevententry AS event
    WHERE event.payloadtype IN ('dev.patchbay.contracts.connection.ConnectionCreated',
                                'dev.patchbay.contracts.connection.ConnectionRotated',
                                'dev.patchbay.contracts.connection.ConnectionRevoked')
    ORDER BY event.aggregateidentifier, event.sequencenumber DESC
) AS latest
WHERE latest.connection_id = live.connection_id::text
  AND latest.payloadtype = 'dev.patchbay.contracts.connection.ConnectionRevoked';
