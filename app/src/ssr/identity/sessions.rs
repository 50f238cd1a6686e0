//! Server-side sessions: lifetimes, the token (only its SHA-256 is stored), start, end and lookup.

use anyhow::Context;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::model::Role;
use crate::ssr::db::{Db, now_unix};

/// Session lifetimes (docs/security.md V3.3): idle and absolute.
pub const SESSION_IDLE_SECONDS: i64 = 30 * 60;
pub const SESSION_ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;
/// Time allowed between the password step and the second factor.
pub const SECOND_FACTOR_SECONDS: i64 = 5 * 60;
/// Codes one second-factor session may try; then it is dead and the login starts again from the password.
pub const SESSION_TOTP_TRIES: i64 = 3;
/// Wrong codes per account, across sessions, before its second factor locks; only a completed login resets them.
pub const MAX_TOTP_FAILURES: i64 = 5;
/// The second factor's lock, from the wrong code that reaches `MAX_TOTP_FAILURES` (and each one after it, once the
/// lock has ended); codes tried during it are not counted and do not extend it.
pub const TOTP_LOCK_SECONDS: i64 = 15 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    SecondFactor,
    Active,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::SecondFactor => "second_factor",
            Stage::Active => "active",
        }
    }
}

/// The user behind a valid session cookie.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub user_id: i64,
    pub codice_fiscale: String,
    pub full_name: String,
    pub role: Role,
    pub sede_id: Option<i64>,
    pub stage: Stage,
}

/// A new random session token: only its SHA-256 is stored, so a leaked table holds no usable cookie.
pub(super) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for `user_id` at `stage` and returns the cookie token. Any session carried
/// by `replacing` is deleted first: the id is rotated at every step of the login. `provider` names the
/// identity provider of a SPID/CIE login (`spid:<id>`, `cie`), which the logout may end as well.
pub async fn start_session(
    db: &Db,
    user_id: i64,
    stage: Stage,
    replacing: Option<&str>,
    provider: Option<&str>,
) -> anyhow::Result<String> {
    let token = new_token();
    let now = now_unix();
    let expires = now + if stage == Stage::Active { SESSION_ABSOLUTE_SECONDS } else { SECOND_FACTOR_SECONDS };
    let mut tx = db.begin_write().await?;
    if let Some(old) = replacing {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_token(old)).execute(&mut *tx).await?;
    }
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, provider) \
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(stage.as_str())
    .bind(now)
    .bind(expires)
    .bind(provider)
    .execute(&mut *tx)
    .await?;
    tx.commit().await.context("committing session")?;
    Ok(token)
}

/// The identity provider the session of `token` was opened through, if any.
pub async fn session_provider(db: &Db, token: &str) -> anyhow::Result<Option<String>> {
    let provider: Option<Option<String>> = sqlx::query_scalar("SELECT provider FROM sessions WHERE token_hash = $1")
        .bind(hash_token(token))
        .fetch_optional(db.pool())
        .await?;
    Ok(provider.flatten())
}

pub async fn end_session(db: &Db, token: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(hash_token(token)).execute(db.pool()).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    user_id: i64,
    codice_fiscale: String,
    full_name: String,
    role: String,
    sede_id: Option<i64>,
    stage: String,
    last_seen_at: i64,
    expires_at: i64,
}

/// Looks up the session of `token`, enforcing idle and absolute expiry, and refreshes its idle clock
/// (at most once a minute, to spare writes).
pub async fn session_user(db: &Db, token: &str) -> anyhow::Result<Option<SessionUser>> {
    let now = now_unix();
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id AS user_id, u.codice_fiscale, u.full_name, u.role, u.sede_id, s.stage, s.last_seen_at, s.expires_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.enabled = 1",
    )
    .bind(hash_token(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(SessionRow { user_id, codice_fiscale, full_name, role, sede_id, stage, last_seen_at, expires_at }) = row
    else {
        return Ok(None);
    };
    if now >= expires_at || now - last_seen_at > SESSION_IDLE_SECONDS {
        end_session(db, token).await?;
        return Ok(None);
    }
    if now - last_seen_at > 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(hash_token(token))
            .execute(db.pool())
            .await?;
    }
    let role = Role::parse(&role).context("role stored in users")?;
    let stage = if stage == "active" { Stage::Active } else { Stage::SecondFactor };
    Ok(Some(SessionUser { user_id, codice_fiscale, full_name, role, sede_id, stage }))
}
