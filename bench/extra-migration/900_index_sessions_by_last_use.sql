-- The bench's migrating load: one more migration on top of the demo's, an index on a small
-- table, so it changes a few pages of the 50 MB database.
CREATE INDEX idx_sessions_last_used_at ON sessions(last_used_at);
