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
-- field as it now is). PostgreSQL's json operators refuse a document that holds an escaped NUL (\u0000) anywhere:
-- such a connection keeps NULLs here, which the proxy takes for a destination its credential was not sealed for (409,
-- nothing opened) until the connection's next update writes its row. Never an older event's state instead.
WITH latest AS MATERIALIZED (
    SELECT DISTINCT ON (event.aggregateidentifier)
           event.aggregateidentifier AS connection_id,
           convert_from(event.payload, 'UTF8') AS payload
    FROM domainevententry AS event
    WHERE event.payloadtype IN ('dev.patchbay.contracts.connection.ConnectionCreated',
                                'dev.patchbay.contracts.connection.ConnectionUpdated')
    ORDER BY event.aggregateidentifier, event.sequencenumber DESC
), readable AS MATERIALIZED (
    SELECT connection_id,
           payload::json ->> 'baseUrl' AS base_url,
           (payload::json -> 'config')::text AS config,
           (payload::json -> 'metadata')::text AS metadata
    FROM latest
    WHERE strpos(payload, '\u0000') = 0
)
UPDATE live_connections AS live
SET base_url = readable.base_url,
    config = COALESCE(readable.config, '{}'),
    metadata = COALESCE(readable.metadata, '{}')
FROM readable
WHERE readable.connection_id = live.connection_id::text;
