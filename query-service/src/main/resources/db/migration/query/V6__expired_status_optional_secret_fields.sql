-- OAuth2 connections and credential expiry (issue 21 §3). A connection may be expired (ConnectionExpired) until a
-- rotation makes it active again; rebuild tables copy this constraint (CREATE TABLE ... LIKE ... INCLUDING ALL).
ALTER TABLE connections DROP CONSTRAINT connections_status_is_known;
ALTER TABLE connections ADD CONSTRAINT connections_status_is_known
    CHECK (status IS NULL OR status IN ('active', 'revoked', 'expired'));

-- The secret fields a connector type's credential may carry beside its required ones (an OAuth2 refresh token).
ALTER TABLE connector_types ADD COLUMN optional_secret_fields jsonb NOT NULL DEFAULT '[]';
