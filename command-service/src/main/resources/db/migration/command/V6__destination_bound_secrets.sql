-- Destination-bound credentials. A credential row is sealed with the digest of its destination in its encryption
-- context (bound = true) and the digest is kept here too, so that a reseal can seal it again for the same place and
-- a worker can tell a moved connection from a broken key without trying to open anything.
-- Rows sealed before this change carry no destination in their context (bound = false). command-service records,
-- once, the destination of their connection as it stands (destination, still unbound); until then they open for
-- nothing, and afterwards only for that destination. A reseal binds them for good.
ALTER TABLE sealed_secrets ADD COLUMN destination TEXT;
ALTER TABLE sealed_secrets ADD COLUMN bound BOOLEAN NOT NULL DEFAULT false;
