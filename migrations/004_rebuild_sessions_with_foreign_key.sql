-- Sessions belong to a user row instead of repeating the `me` URL, and die with it. SQLite
-- cannot add a foreign key to an existing table, so sessions is rebuilt by the 12-step
-- procedure (https://www.sqlite.org/lang_altertable.html#otheralter); every session survives.

PRAGMA foreign_keys = OFF;

BEGIN TRANSACTION;

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    me TEXT UNIQUE NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One user for every identity that has a session today, as old as its first session.
INSERT INTO users (me, created_at)
SELECT me, min(created_at) FROM sessions GROUP BY me ORDER BY me;

CREATE TABLE new_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_token_hash TEXT UNIQUE NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

INSERT INTO new_sessions (id, session_token_hash, user_id, created_at, expires_at, last_used_at)
SELECT sessions.id, sessions.session_token_hash, users.id, sessions.created_at,
       sessions.expires_at, sessions.last_used_at
FROM sessions JOIN users ON users.me = sessions.me;

DROP TABLE sessions;

ALTER TABLE new_sessions RENAME TO sessions;

CREATE INDEX idx_sessions_expires_at ON sessions(expires_at);
CREATE INDEX idx_sessions_user_id ON sessions(user_id);

PRAGMA foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
