-- How far each partition of a relayed topic is accounted for by the relay's stored token: written in the same
-- transaction as the token, so records at or beyond next_offset were published by a batch whose token was never
-- stored (a crash, or a batch that failed after some of its records reached Kafka). The relay reads that tail
-- before it publishes again and skips what is already there, so each event is on the topic once.
CREATE TABLE relay_positions (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset BIGINT  NOT NULL CHECK (next_offset >= 0),
    PRIMARY KEY (topic, partition)
);
