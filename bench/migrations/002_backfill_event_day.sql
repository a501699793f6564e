-- Every existing event gets its day. Only rows still without one are touched, so running the
-- backfill again changes nothing.

UPDATE events SET day = substr(created_at, 1, 10) WHERE day IS NULL;
