-- PKCE: remember the code verifier of each login in progress, so the token exchange can
-- prove it is the same client that started the login. Rows already present get ''.

ALTER TABLE auth_state ADD COLUMN code_verifier TEXT NOT NULL DEFAULT '';
