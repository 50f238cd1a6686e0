//! What a SPID/CIE login keeps between the start and the provider's answer (the protocol itself is
//! `server::oidc`). A login attempt is bound to the browser that started it by a random cookie, of which only the
//! SHA-256 is stored, and is taken at most once: the callback deletes the row as it reads it.

use super::db::{Db, now_unix};
use super::identity::hash_token;

/// How long a login at a provider may take, from our redirect to its answer.
pub const ATTEMPT_SECONDS: i64 = 600;
/// Logins under way at once from one browser; the oldest give way to a new one.
pub const MAX_PENDING_PER_BROWSER: i64 = 5;

/// One login under way.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Tentativo {
    pub state: String,
    pub provider: String,
    pub issuer: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: Option<String>,
}

/// Stores a new attempt for the browser of `cookie`. Sweeps the expired attempts of everyone, and keeps at
/// most `MAX_PENDING_PER_BROWSER` of this browser's (a page reloaded many times cannot grow the table).
pub async fn salva_tentativo(db: &Db, cookie: &str, tentativo: &Tentativo) -> sqlx::Result<()> {
    let now = now_unix();
    // Stored as a session token is: its SHA-256 only.
    let hash = hash_token(cookie);
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM oidc_login_attempts WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
    sqlx::query(
        "DELETE FROM oidc_login_attempts WHERE browser_hash = $1 AND state NOT IN \
         (SELECT state FROM oidc_login_attempts WHERE browser_hash = $1 ORDER BY created_at DESC, state LIMIT $2)",
    )
    .bind(&hash)
    .bind(MAX_PENDING_PER_BROWSER - 1)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO oidc_login_attempts (state, browser_hash, provider, issuer, nonce, pkce_verifier, next, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&tentativo.state)
    .bind(&hash)
    .bind(&tentativo.provider)
    .bind(&tentativo.issuer)
    .bind(&tentativo.nonce)
    .bind(&tentativo.pkce_verifier)
    .bind(&tentativo.next)
    .bind(now)
    .bind(now + ATTEMPT_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Takes the attempt of `state` if this browser started it and it has not expired: it is deleted in the same
/// statement, so a callback replayed (or raced) finds nothing the second time.
pub async fn prendi_tentativo(db: &Db, cookie: &str, state: &str) -> sqlx::Result<Option<Tentativo>> {
    sqlx::query_as(
        "DELETE FROM oidc_login_attempts WHERE state = $1 AND browser_hash = $2 AND expires_at > $3 \
         RETURNING state, provider, issuer, nonce, pkce_verifier, next",
    )
    .bind(state)
    .bind(hash_token(cookie))
    .bind(now_unix())
    .fetch_optional(db.pool())
    .await
}
