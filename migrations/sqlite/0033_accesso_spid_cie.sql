-- SPID and CIE logins (issue 17; docs/design/spid-cie-oidc.md).
--
-- A person who arrives through an identity provider with no account gets one with the role 'nessuno': no
-- position, no service, until an SC65 / SC62 request is approved or the Albo makes them an intermediary.
-- SQLite cannot alter a CHECK constraint: the column is swapped for a new one (its own CHECK goes with the
-- old column; no index, view or trigger names users.role). A column added NOT NULL needs a default: 'nessuno',
-- which the PostgreSQL tree gives too (server/tests/schema.rs compares the two).
ALTER TABLE users RENAME COLUMN role TO role_old;
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'nessuno'
    CHECK (role IN ('datore','delegato','intermediario','subdelegato','operatore','idm','admin','nessuno'));
UPDATE users SET role = role_old;
ALTER TABLE users DROP COLUMN role_old;

-- The provider a session was opened through (NULL: password and second factor), for the logout.
ALTER TABLE sessions ADD COLUMN provider TEXT;

-- A login under way at a provider: what the callback must find again. Bound to the browser that started it
-- (the SHA-256 of a random cookie), used once (deleted as it is read), short-lived.
CREATE TABLE oidc_login_attempts (
    state TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    provider TEXT NOT NULL,
    issuer TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_login_attempts_expires ON oidc_login_attempts(expires_at);
CREATE INDEX oidc_login_attempts_browser ON oidc_login_attempts(browser_hash);
