-- Full-text search over notes. FTS4 rather than FTS5 because sql.js is built without FTS5.
-- The index keys each row by the note's id (docid); triggers keep it in step with notes.

CREATE VIRTUAL TABLE notes_fts USING fts4(content, slug, tokenize=unicode61);

INSERT INTO notes_fts (docid, content, slug) SELECT id, content, slug FROM notes;

CREATE TRIGGER notes_fts_after_insert AFTER INSERT ON notes
BEGIN
    INSERT INTO notes_fts (docid, content, slug) VALUES (new.id, new.content, new.slug);
END;

CREATE TRIGGER notes_fts_after_update AFTER UPDATE OF content, slug ON notes
BEGIN
    DELETE FROM notes_fts WHERE docid = old.id;
    INSERT INTO notes_fts (docid, content, slug) VALUES (new.id, new.content, new.slug);
END;

CREATE TRIGGER notes_fts_after_delete AFTER DELETE ON notes
BEGIN
    DELETE FROM notes_fts WHERE docid = old.id;
END;
