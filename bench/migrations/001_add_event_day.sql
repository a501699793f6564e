-- Reports group events by day; store the day instead of computing it on every read.

ALTER TABLE events ADD COLUMN day TEXT;
