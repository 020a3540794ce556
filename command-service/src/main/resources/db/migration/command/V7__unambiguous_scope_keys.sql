-- Scope keys that cannot collide (issue 19, finding 7). Ids may hold ':' and '@', so 'user:<id>[@workspace:<id>]'
-- gave user 'u' in workspace 'w' and user 'u@workspace:w' in none the same key: the second could not be created,
-- and a lookup by name could find the other's connection. Each id is now written after its length in characters
-- (ScopeKeys in command-service builds the same strings):
--   organization | workspace:<n>:<workspace id> | user:<n>:<end user id>[:workspace:<n>:<workspace id>]
-- An old key cannot tell which of the two it meant, so each row's scope is read back from its ConnectionCreated
-- event, which was appended in the transaction that claimed the row (scope and ids never change after create).
CREATE TEMPORARY TABLE v7_scope_keys ON COMMIT DROP AS
SELECT live.connection_id,
       CASE created.payload ->> 'scope'
           WHEN 'organization' THEN 'organization'
           WHEN 'workspace' THEN 'workspace:' || char_length(created.payload ->> 'workspaceId') || ':'
               || (created.payload ->> 'workspaceId')
           WHEN 'user' THEN 'user:' || char_length(created.payload ->> 'endUserId') || ':'
               || (created.payload ->> 'endUserId')
               || COALESCE(':workspace:' || char_length(created.payload ->> 'workspaceId') || ':'
                   || (created.payload ->> 'workspaceId'), '')
       END AS scope_key
FROM live_connections AS live
JOIN LATERAL (
    -- json, not jsonb: only the three fields are read, and nothing else in the payload has to be storable as jsonb
    SELECT convert_from(event.payload, 'UTF8')::json AS payload
    FROM domainevententry AS event
    WHERE event.aggregateidentifier = live.connection_id::text
      AND event.payloadtype = 'dev.patchbay.contracts.connection.ConnectionCreated'
    ORDER BY event.sequencenumber
    LIMIT 1
) AS created ON true;

-- A row without its event cannot happen (the claim and the event share a transaction); if it ever did, keys that are
-- unambiguous are rewritten from themselves, and an ambiguous one stops the migration rather than guess.
INSERT INTO v7_scope_keys (connection_id, scope_key)
SELECT live.connection_id,
       CASE
           WHEN live.scope_key = 'organization' THEN 'organization'
           WHEN live.scope_key LIKE 'workspace:%' THEN
               'workspace:' || char_length(substr(live.scope_key, 11)) || ':' || substr(live.scope_key, 11)
           WHEN live.scope_key LIKE 'user:%' AND position('@workspace:' IN live.scope_key) = 0 THEN
               'user:' || char_length(substr(live.scope_key, 6)) || ':' || substr(live.scope_key, 6)
       END
FROM live_connections AS live
WHERE NOT EXISTS (SELECT 1 FROM v7_scope_keys AS known WHERE known.connection_id = live.connection_id);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM v7_scope_keys WHERE scope_key IS NULL) THEN
        RAISE EXCEPTION 'V7: a live connection has an ambiguous scope key and no ConnectionCreated event to settle it';
    END IF;
END
$$;

-- Two steps: the primary key is checked row by row, and a new key may equal another row's old one (workspace id
-- '3:abc' had the old key that workspace 'abc' has now).
UPDATE live_connections SET scope_key = 'v7-pending:' || connection_id;
UPDATE live_connections AS live SET scope_key = new.scope_key
FROM v7_scope_keys AS new
WHERE new.connection_id = live.connection_id;
