-- Tags for notes: one row per tag name (case-insensitive, so "SQLite" and "sqlite" are one
-- tag) and a join table that cleans itself up when a note or a tag is deleted.

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL COLLATE NOCASE
);
--> statement-breakpoint
CREATE TABLE note_tags (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, tag_id)
);
--> statement-breakpoint
-- The primary key already serves "tags of a note"; this serves "notes with a tag".
CREATE INDEX idx_note_tags_tag_id ON note_tags(tag_id);
