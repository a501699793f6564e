-- The per-day report reads events by day.

CREATE INDEX idx_events_day ON events(day);
