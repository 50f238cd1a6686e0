-- Login throttling (docs/security.md, "Login and accounts"). The old per-account counter, which a right password
-- reset and every attempt during the lock refreshed, is replaced by:
-- * the second factor's own counter and lock on the account, reset only by a completed login;
-- * the tries of one second-factor session (the session is dead after the cap);
-- * `login_throttle`: failures per account, per client address and per (account, address), with an exponential
--   lock that attempts during the lock do not extend. Keys are built from the codice fiscale as typed, so an
--   unknown account is throttled with exactly the same rows as a known one. Rows `noto:…` remember the addresses
--   from which an account completed a login (`updated_at`), which the account-wide lock does not apply to.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users ADD COLUMN totp_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_locked_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN totp_tries INTEGER NOT NULL DEFAULT 0;

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    lock_seconds INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
