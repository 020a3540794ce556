-- The webhook ids (Standard Webhooks' webhook-id) each connection has seen, and the delivery id each was given: a
-- repeated id is the same delivery, answered with the same delivery_id and published once. The primary key decides
-- between two copies that arrive at once. Rows older than 15 minutes (twice the signature tolerance of 5 minutes, and
-- a margin) are deleted by command-service; a replay older than that fails the timestamp check anyway.
CREATE TABLE webhook_deliveries (
    connection_id UUID        NOT NULL,
    webhook_id    TEXT        NOT NULL,
    delivery_id   TEXT        NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (connection_id, webhook_id)
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
