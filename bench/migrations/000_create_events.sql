-- The bench's base version: an activity log, as an app that kept it for years would have it.
-- `npm run bench` builds a 50 MB file of 500k events at this version, with no ledger (untracked).

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX idx_events_created_at ON events(created_at);
