-- Lists show a short excerpt instead of the whole note. Existing notes get theirs computed
-- here; only rows still without one are touched, so running the backfill again changes nothing.

ALTER TABLE notes ADD COLUMN excerpt TEXT;

UPDATE notes SET excerpt = substr(content, 1, 80) WHERE excerpt IS NULL;
