-- SPID and CIE logins (issue 17; docs/design/spid-cie-oidc.md).
--
-- A person who arrives through an identity provider with no account gets one with the role 'nessuno': no
-- position, no service, until an SC65 / SC62 request is approved or the Albo makes them an intermediary.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('datore','delegato','intermediario','subdelegato','operatore','idm','admin','nessuno'));
-- As SQLite's swapped column has it (it needs a default to be added NOT NULL): a user with no role given has none.
ALTER TABLE users ALTER COLUMN role SET DEFAULT 'nessuno';

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
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX oidc_login_attempts_expires ON oidc_login_attempts(expires_at);
CREATE INDEX oidc_login_attempts_browser ON oidc_login_attempts(browser_hash);
