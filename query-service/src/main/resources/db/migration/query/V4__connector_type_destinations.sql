-- What decides a connector type's destination, and where its connections may point: GET /v1/connector-types shows
-- them, so a client knows which changes need the credential again.
ALTER TABLE connector_types ADD COLUMN config_outside_destination jsonb NOT NULL DEFAULT '[]';
ALTER TABLE connector_types ADD COLUMN allowed_hosts jsonb NOT NULL DEFAULT '[]';
