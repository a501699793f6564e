-- What the public feed reads: published notes, newest first, each with an excerpt even when
-- the app that wrote it left the column empty.

CREATE VIEW published_notes AS
SELECT id, slug, content, coalesce(excerpt, substr(content, 1, 80)) AS excerpt, created_at, updated_at
FROM notes
WHERE published = 1
ORDER BY created_at DESC;
