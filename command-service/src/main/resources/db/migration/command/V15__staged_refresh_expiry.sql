-- A staged refreshed credential keeps its expiry (issue 21 §3): not secret and never sealed, it lets the probe
-- worker's refresher describe a staged renewal again (outcome 'renewed', with the new credential's expires_at) when
-- its first result never reached command-service, so that the renewal is recorded instead of swept. Null for every
-- other row, and for a staged row whose provider gave no expiry.
ALTER TABLE sealed_secrets ADD COLUMN expires_at TIMESTAMPTZ;
