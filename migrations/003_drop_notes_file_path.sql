-- Note bodies live in the content column now; file_path is dead weight. SQLite refuses to
-- drop a column that an index uses, so the index goes first.

DROP INDEX idx_notes_file_path;
ALTER TABLE notes DROP COLUMN file_path;
