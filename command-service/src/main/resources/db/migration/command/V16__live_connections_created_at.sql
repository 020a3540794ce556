-- The re-check scheduler seeds only the live connections created since its last look (issue 23 §2): a full pass over
-- live_connections every minute on every instance cost seconds of PostgreSQL's CPU a minute at 1,000,000
-- connections, and that grew with the store. The full pass remains, hourly and at start, for what it alone does.
CREATE INDEX live_connections_created_at ON live_connections (created_at);
