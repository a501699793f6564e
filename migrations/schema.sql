-- The current full schema, for a fresh install: what a new database gets in one step.
-- It must equal the result of running every migration in this folder, in order, on an empty
-- database; `npm run cli -- verify` checks that. Change it together with each new migration.
-- (The schema_migrations ledger is not here: the runner creates and owns it.)

CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT UNIQUE NOT NULL,
    content TEXT NOT NULL,
    excerpt TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_notes_created_at ON notes(created_at DESC);
CREATE INDEX idx_notes_published ON notes(published);

-- Full-text search; FTS4 because sql.js has no FTS5. docid is the note's id.
CREATE VIRTUAL TABLE notes_fts USING fts4(content, slug, tokenize=unicode61);

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

CREATE VIEW published_notes AS
SELECT id, slug, content, coalesce(excerpt, substr(content, 1, 80)) AS excerpt, created_at, updated_at
FROM notes
WHERE published = 1
ORDER BY created_at DESC;

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT UNIQUE NOT NULL COLLATE NOCASE
);

CREATE TABLE note_tags (
    note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (note_id, tag_id)
);

CREATE INDEX idx_note_tags_tag_id ON note_tags(tag_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    me TEXT UNIQUE NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_token_hash TEXT UNIQUE NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

CREATE INDEX idx_sessions_expires_at ON sessions(expires_at);
CREATE INDEX idx_sessions_user_id ON sessions(user_id);

-- Only SHA-256 hashes of access tokens are stored, never the tokens.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT UNIQUE NOT NULL,
    me TEXT NOT NULL,
    client_id TEXT,
    scope TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE INDEX idx_tokens_me ON tokens(me);
CREATE INDEX idx_tokens_expires_at ON tokens(expires_at);
CREATE INDEX idx_tokens_active ON tokens(expires_at) WHERE revoked_at IS NULL;

CREATE TABLE authorization_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code_hash TEXT UNIQUE NOT NULL,
    me TEXT NOT NULL,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT,
    state TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE INDEX idx_authorization_codes_expires_at ON authorization_codes(expires_at);
CREATE INDEX idx_authorization_codes_unused ON authorization_codes(expires_at) WHERE used_at IS NULL;

-- Logins in progress; code_verifier is the PKCE secret of each.
CREATE TABLE auth_state (
    state TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    redirect_uri TEXT,
    code_verifier TEXT NOT NULL DEFAULT ''
);

CREATE INDEX idx_auth_state_expires_at ON auth_state(expires_at);
