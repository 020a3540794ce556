-- Where each live connection's credential goes, kept beside the name index (issue 22): the probe worker's proxy looks
-- a connection up here by id (one indexed row, in the database it already reads), instead of holding every
-- connection of the topic in memory. command-service writes these columns in the transaction of each create and
-- update, so they are never behind the event store.
-- config and metadata are JSON text, not jsonb: jsonb refuses a \u0000 that a JSON string may hold, and the reader
-- only parses them.
ALTER TABLE live_connections ADD COLUMN base_url TEXT;
ALTER TABLE live_connections ADD COLUMN config TEXT;
ALTER TABLE live_connections ADD COLUMN metadata TEXT;

-- Existing rows: the state their newest ConnectionCreated or ConnectionUpdated carries (both carry every updatable
-- field as it now is).
UPDATE live_connections AS live
SET base_url = latest.payload ->> 'baseUrl',
    config = COALESCE((latest.payload -> 'config')::text, '{}'),
    metadata = COALESCE((latest.payload -> 'metadata')::text, '{}')
FROM (
    SELECT DISTINCT ON (event.aggregateidentifier)
           event.aggregateidentifier AS connection_id,
           convert_from(event.payload, 'UTF8')::json AS payload
    FROM domainevententry AS event
    WHERE event.payloadtype IN ('dev.patchbay.contracts.connection.ConnectionCreated',
                                'dev.patchbay.contracts.connection.ConnectionUpdated')
    ORDER BY event.aggregateidentifier, event.sequencenumber DESC
) AS latest
WHERE latest.connection_id = live.connection_id::text;
