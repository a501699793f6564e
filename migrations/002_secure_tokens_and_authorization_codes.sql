-- Access tokens were stored in plain text; store only their SHA-256 hash from now on. Old
-- tokens cannot be hashed in SQL, so they are dropped and clients sign in again (intended).
-- Also adds single-use authorization codes for the IndieAuth token endpoint.

DROP TABLE tokens;

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
-- Only live tokens are ever looked up by expiry, so index just those.
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
