//! Identity: password hashing (argon2id), TOTP second factor (RFC 6238), server-side sessions.
//! The other way in (SPID and CIE through OpenID Connect, `server::oidc`) ends in `start_session` too, at
//! `Stage::Active` with the provider named, and finds or makes its user with `provider_user`.

use std::sync::{Arc, LazyLock};

use anyhow::Context;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::db::{Db, now_unix};
use crate::model::Role;

/// Where argon2 runs (SECURITY.md, authentication): a few threads of their own, at most half the cores, at a lower
/// scheduling priority (nice +10). A burst of logins then queues for these threads and, on a busy machine, yields
/// the CPU to the threads that serve pages, which keep their latency; on an idle one it has every cycle it wants.
static HASH_POOL: LazyLock<HashPool> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    HashPool::start((cores / 2).max(1))
});

type HashJob = Box<dyn FnOnce() + Send>;

struct HashPool {
    jobs: std::sync::mpsc::Sender<HashJob>,
}

impl HashPool {
    fn start(threads: usize) -> HashPool {
        let (sender, receiver) = std::sync::mpsc::channel::<HashJob>();
        let receiver = Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the pool is gone
                        }
                    }
                })
                .expect("spawning an argon2 thread");
        }
        HashPool { jobs: sender }
    }

    /// Runs `work` on a pool thread and waits for its result without blocking the async threads.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs.send(job).map_err(|_| anyhow::anyhow!("argon2 threads stopped"))?;
        Ok(result.await?)
    }
}

/// Nice +10 for the calling thread (on Linux the nice value is per thread). Failing to lower it only costs
/// page latency during login bursts, so it is logged, not fatal.
fn lower_priority() {
    let thread = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(thread), 10) {
        tracing::warn!(error = %e, "argon2 thread: could not lower its priority");
    }
}

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Checks the length rules of SECURITY.md (no composition rules, no truncation).
pub fn check_password_policy(password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err("La password deve avere almeno 12 caratteri.");
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err("La password può avere al massimo 128 caratteri.");
    }
    Ok(())
}

/// Hashes with argon2id at the crate defaults (m=19456 KiB, t=2, p=1), off the async threads.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    HASH_POOL
        .run(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await?
}

/// A valid hash of a password nobody knows: verified against when the account does not exist,
/// so an unknown user costs the same time as a wrong password.
static DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1Zr3Yd7mM0VbsHPSSxS8Qk0m7UW0rW1m8N1l0kIvB5M";

pub async fn verify_password(stored_hash: Option<String>, password: String) -> anyhow::Result<bool> {
    HASH_POOL
        .run(move || {
            let known = stored_hash.is_some();
            let hash = stored_hash.unwrap_or_else(|| DUMMY_HASH.to_string());
            let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
            Ok(known && ok)
        })
        .await?
}

/// RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits.
pub mod totp {
    use super::*;

    pub const STEP_SECONDS: i64 = 30;

    pub fn new_secret() -> Vec<u8> {
        let mut secret = vec![0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        secret
    }

    pub fn encode_secret(secret: &[u8]) -> String {
        base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret)
    }

    pub fn decode_secret(encoded: &str) -> Option<Vec<u8>> {
        base32::decode(base32::Alphabet::Rfc4648 { padding: false }, encoded)
    }

    pub fn step_at(unix: i64) -> i64 {
        unix.div_euclid(STEP_SECONDS)
    }

    /// The code for a time step (RFC 4226 dynamic truncation).
    pub fn code_for_step(secret: &[u8], step: i64) -> String {
        let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
            return String::new();
        };
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[19] & 0x0f) as usize;
        let binary =
            u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
        format!("{:06}", binary % 1_000_000)
    }

    /// The step matched by `code` within ±1 step of `now` (clock drift), if any. The caller refuses
    /// a step not newer than the last one used, so a code works once.
    pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = step_at(now);
        (current - 1..=current + 1)
            .find(|&step| constant_time_eq(code_for_step(secret, step).as_bytes(), code.as_bytes()))
    }

    fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// RFC 6238 appendix B, SHA1 vectors (8 digits there; the last 6 digits are ours).
        #[test]
        fn rfc6238_vectors() {
            let secret = b"12345678901234567890";
            for (time, eight) in
                [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")]
            {
                assert_eq!(code_for_step(secret, step_at(time)), &eight[2..], "t={time}");
            }
        }

        #[test]
        fn accepts_adjacent_step_and_rejects_garbage() {
            let secret = b"12345678901234567890";
            let code = code_for_step(secret, step_at(1_000_000_000));
            assert_eq!(matching_step(secret, &code, 1_000_000_000 + 30), Some(step_at(1_000_000_000)));
            assert_eq!(matching_step(secret, &code, 1_000_000_000 + 95), None);
            assert_eq!(matching_step(secret, "abcdef", 1_000_000_000), None);
        }
    }
}

/// Session lifetimes (SECURITY.md V3.3): idle and absolute.
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
fn new_token() -> String {
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

/// What the password step found. `Invalid` covers an unknown account and a wrong password; `Disabled` a right
/// password on a disabled account, which the caller answers exactly as `Invalid` (only the audit log knows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    Valid(i64),
    Disabled(i64),
    Invalid,
}

/// Step one of the login: one read and one argon2 verify, whatever the account (unknown accounts verify against a
/// dummy hash), and no write: counting failures is the throttle's (`super::throttle`), keyed so that it does the
/// same work for known and unknown accounts.
pub async fn verify_login(db: &Db, codice_fiscale: &str, password: String) -> anyhow::Result<PasswordCheck> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, password_hash, enabled FROM users WHERE codice_fiscale = $1")
            .bind(codice_fiscale)
            .fetch_optional(db.pool())
            .await?;
    // An account made by a SPID/CIE login has no password (an empty hash): it answers as an unknown one,
    // after the same dummy verification.
    let (user, hash) = match row {
        Some((id, hash, enabled)) if !hash.is_empty() => (Some((id, enabled == 1)), Some(hash)),
        _ => (None, None),
    };
    let password_ok = verify_password(hash, password).await?;
    Ok(match user {
        Some((id, true)) if password_ok => PasswordCheck::Valid(id),
        Some((id, false)) if password_ok => PasswordCheck::Disabled(id),
        _ => PasswordCheck::Invalid,
    })
}

/// The user id when the password is right and the account enabled (no throttling: for tools and tests).
pub async fn check_password(db: &Db, codice_fiscale: &str, password: String) -> anyhow::Result<Option<i64>> {
    Ok(match verify_login(db, codice_fiscale, password).await? {
        PasswordCheck::Valid(id) => Some(id),
        _ => None,
    })
}

/// What the second-factor step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotpCheck {
    /// Right code: the login is complete.
    Accepted,
    /// Wrong (or reused) code; the session may try again, within its cap.
    Wrong,
    /// The session has used its tries: it is dead, back to the password.
    SessionSpent,
    /// The account's second factor is locked after `MAX_TOTP_FAILURES` wrong codes.
    Locked,
}

/// Step two: a TOTP code, valid once (its step must be newer than the last one used). Every try is counted before
/// the code is looked at, by conditional UPDATEs, so parallel guesses cannot all pass a check made before any of
/// them is written: first against the session's cap (`SESSION_TOTP_TRIES`), then against the account's own
/// second-factor counter, which only a completed login resets (a right password does not).
pub async fn check_totp(db: &Db, user_id: i64, session_token: &str, code: &str) -> anyhow::Result<TotpCheck> {
    let now = now_unix();
    let reserved = sqlx::query(
        "UPDATE sessions SET totp_tries = totp_tries + 1 \
         WHERE token_hash = $1 AND user_id = $2 AND stage = 'second_factor' AND totp_tries < $3",
    )
    .bind(hash_token(session_token))
    .bind(user_id)
    .bind(SESSION_TOTP_TRIES)
    .execute(db.pool())
    .await?;
    if reserved.rows_affected() != 1 {
        end_session(db, session_token).await?;
        return Ok(TotpCheck::SessionSpent);
    }
    let counted = sqlx::query(
        "UPDATE users SET totp_failures = totp_failures + 1, \
         totp_locked_until = CASE WHEN totp_failures + 1 >= $1 THEN $2 ELSE totp_locked_until END \
         WHERE id = $3 AND totp_locked_until <= $4",
    )
    .bind(MAX_TOTP_FAILURES)
    .bind(now + TOTP_LOCK_SECONDS)
    .bind(user_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    if counted.rows_affected() != 1 {
        return Ok(TotpCheck::Locked);
    }
    let (secret, last_step): (String, i64) =
        sqlx::query_as("SELECT totp_secret, last_totp_step FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
    let secret = super::secrets::open_totp(user_id, &secret)?;
    let Some(step) = totp::matching_step(&secret, code, now).filter(|&s| s > last_step) else {
        return Ok(TotpCheck::Wrong);
    };
    // The conditional update makes a code usable once even under two concurrent submissions; the try counted
    // above is taken back with the whole counter, as the login is now complete.
    let used = sqlx::query(
        "UPDATE users SET last_totp_step = $1, totp_failures = 0, totp_locked_until = 0 \
         WHERE id = $2 AND last_totp_step < $1",
    )
    .bind(step)
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(if used.rows_affected() == 1 { TotpCheck::Accepted } else { TotpCheck::Wrong })
}

/// Demo mode only (see `api::auth::demo_code`): the next code a seeded demo account can use — the current step's,
/// or the following one's when the current was already used — or `None` until then, and `None` for every other
/// account. The code is computed from the demo secret derived from the codice fiscale, never from the stored
/// secret: an account that is not a seeded demo one (added with `cassetto user add`, even under a demo codice
/// fiscale) gets no code, or one that its real secret does not accept.
pub async fn current_code(db: &Db, user_id: i64, codice_fiscale: &str) -> anyhow::Result<Option<String>> {
    if !super::demo::is_demo_account(codice_fiscale) {
        return Ok(None);
    }
    let last_step: i64 =
        sqlx::query_scalar("SELECT last_totp_step FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    let now_step = totp::step_at(now_unix());
    let step = now_step.max(last_step + 1);
    if step > now_step + 1 {
        return Ok(None);
    }
    Ok(Some(totp::code_for_step(&super::demo::demo_totp_secret(codice_fiscale), step)))
}

/// Whether the account is one of the INPS staff (operatore, IDM, administrator).
pub async fn is_inps_staff(db: &Db, user_id: i64) -> anyhow::Result<bool> {
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    Ok(Role::parse(&role).is_some_and(Role::is_inps_staff))
}

/// Whether the account may log in (the IDM of a Sede can disable its operators).
pub async fn is_enabled(db: &Db, user_id: i64) -> anyhow::Result<bool> {
    let enabled: i64 =
        sqlx::query_scalar("SELECT enabled FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    Ok(enabled == 1)
}

/// The operators of a Sede, for its IDM.
pub async fn operators_of(db: &Db, sede_id: i64) -> sqlx::Result<Vec<crate::model::OperatorRow>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT codice_fiscale, full_name, enabled, fascicolo_elettronico FROM users \
         WHERE role = 'operatore' AND sede_id = $1 ORDER BY full_name",
    )
    .bind(sede_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(codice_fiscale, full_name, enabled, fascicolo)| crate::model::OperatorRow {
            codice_fiscale,
            full_name,
            enabled: enabled == 1,
            fascicolo_elettronico: fascicolo == 1,
        })
        .collect())
}

/// Enables or disables an account (the caller checked it is an operator of the IDM's Sede). Disabling
/// ends the account's sessions at once.
pub async fn set_enabled(db: &Db, actor: i64, codice_fiscale: &str, enabled: bool) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    let user_id: i64 = sqlx::query_scalar("UPDATE users SET enabled = $1 WHERE codice_fiscale = $2 RETURNING id")
        .bind(i64::from(enabled))
        .bind(&cf)
        .fetch_one(&mut *tx)
        .await?;
    if !enabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    let action = if enabled { "utente.abilitato" } else { "utente.disabilitato" };
    audit_and_commit(tx, actor, action, &cf).await
}

/// Records a change to the account `cf` (an IDM's, or the user's own) in the audit log and commits it with the
/// change.
pub(super) async fn audit_and_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    actor: i64,
    action: &str,
    cf: &str,
) -> anyhow::Result<()> {
    super::audit::append(
        &mut tx,
        super::audit::Entry { actor_user_id: Some(actor), action, subject: &format!("utente:{cf}"), detail: "" },
        now_unix(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The IDM's unlock of an account (the caller checked it is an operator of the IDM's Sede): the login throttle's
/// counters for the account, from every address, and its second factor's counter start again. Audited.
pub async fn unlock_login(db: &Db, actor: i64, codice_fiscale: &str) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    super::throttle::unlock_account(&mut tx, &cf).await?;
    sqlx::query("UPDATE users SET totp_failures = 0, totp_locked_until = 0 WHERE codice_fiscale = $1")
        .bind(&cf)
        .execute(&mut *tx)
        .await?;
    audit_and_commit(tx, actor, "utente.accesso_sbloccato", &cf).await
}

/// Why a password change was refused (the message is for the user).
#[derive(Debug, PartialEq, Eq)]
pub enum PasswordChangeRefused {
    WrongCurrent,
    Throttled,
    Policy(&'static str),
    Unchanged,
}

impl PasswordChangeRefused {
    pub fn message(&self) -> &'static str {
        match self {
            PasswordChangeRefused::WrongCurrent => "La password attuale non è corretta.",
            PasswordChangeRefused::Throttled => {
                "Troppi tentativi non riusciti: la modifica della password è sospesa per qualche minuto."
            }
            PasswordChangeRefused::Policy(m) => m,
            PasswordChangeRefused::Unchanged => "La nuova password deve essere diversa da quella attuale.",
        }
    }
}

/// Changes the password of the session's user (SECURITY.md V2.1, V2.2.3, V3.3.3): the current password is
/// required (wrong ones count in the login throttle, so a stolen session cannot guess it at leisure), the new one
/// must meet the policy; in one transaction the hash changes, every other session of the account ends, the
/// current one is rotated (its id changes, its lifetime does not), the change is audited and an e-mail notice is
/// queued in the outbox. Returns the rotated session's token.
pub async fn change_password(
    db: &Db,
    user: &SessionUser,
    session_token: &str,
    client: Option<std::net::IpAddr>,
    current: String,
    new: String,
) -> anyhow::Result<Result<String, PasswordChangeRefused>> {
    if let Err(m) = check_password_policy(&new) {
        return Ok(Err(PasswordChangeRefused::Policy(m)));
    }
    if new == current {
        return Ok(Err(PasswordChangeRefused::Unchanged));
    }
    if current.chars().count() > PASSWORD_MAX_CHARS {
        return Ok(Err(PasswordChangeRefused::WrongCurrent));
    }
    let now = now_unix();
    if super::throttle::locked_until(db, &user.codice_fiscale, client, now).await?.is_some() {
        return Ok(Err(PasswordChangeRefused::Throttled));
    }
    let (hash, email): (String, Option<String>) =
        sqlx::query_as("SELECT password_hash, email FROM users WHERE id = $1")
            .bind(user.user_id)
            .fetch_one(db.pool())
            .await?;
    if !verify_password(Some(hash.clone()), current).await? {
        super::throttle::record_failure(db, &user.codice_fiscale, client, now).await?;
        return Ok(Err(PasswordChangeRefused::WrongCurrent));
    }
    let new_hash = hash_password(new).await?;
    let token = new_token();
    let mut tx = db.begin_write().await?;
    // Only if the hash is still the one verified: two concurrent changes cannot both win.
    let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
        .bind(&new_hash)
        .bind(user.user_id)
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    if changed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Err(PasswordChangeRefused::WrongCurrent));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.user_id)
        .bind(hash_token(session_token))
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sessions SET token_hash = $1 WHERE token_hash = $2")
        .bind(hash_token(&token))
        .bind(hash_token(session_token))
        .execute(&mut *tx)
        .await?;
    if let Some(email) = email.as_deref().filter(|e| !e.trim().is_empty()) {
        let notice = super::avvisi::password_modificata(&user.full_name);
        let message = super::outbox::NewMessage {
            channel: super::outbox::Channel::Email,
            recipient: email,
            subject: &notice.subject,
            body: &notice.text,
            html: Some(&notice.html),
            calendar: None,
            secret: None,
            delega_id: None,
            richiesta_id: None,
        };
        super::outbox::enqueue(&mut tx, message, now).await?;
    }
    super::audit::append(
        &mut tx,
        super::audit::Entry {
            actor_user_id: Some(user.user_id),
            action: "utente.password_modificata",
            subject: &format!("utente:{}", user.codice_fiscale),
            detail: "",
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(token))
}

/// Enables or disables an operator for the Fascicolo Elettronico (the caller checked it is an operator of
/// the IDM's Sede). Takes effect at the operator's next request: `authorize` reads the flag every time.
pub async fn set_fascicolo_elettronico(db: &Db, actor: i64, codice_fiscale: &str, enabled: bool) -> anyhow::Result<()> {
    let cf = codice_fiscale.trim().to_uppercase();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET fascicolo_elettronico = $1 WHERE codice_fiscale = $2")
        .bind(i64::from(enabled))
        .bind(&cf)
        .execute(&mut *tx)
        .await?;
    let action =
        if enabled { "utente.fascicolo_elettronico.abilitato" } else { "utente.fascicolo_elettronico.revocato" };
    audit_and_commit(tx, actor, action, &cf).await
}

/// What a provider login found for a codice fiscale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderUser {
    /// An enabled account that may enter this way: its id, its role, and whether this login made it.
    Enter { user_id: i64, role: Role, created: bool },
    /// An account of the INPS staff: their roles never come from a provider login.
    InpsStaff(i64),
    /// A disabled account.
    Disabled(i64),
}

/// The account of `codice_fiscale` for a SPID/CIE login, made when missing: role `nessuno`, no password, no
/// second factor (the provider's level 2 already is two-factor), the name and e-mail the provider gave. Two
/// concurrent first logins of one person make one account (the insert does nothing on a conflict).
pub async fn provider_user(
    db: &Db,
    codice_fiscale: &str,
    full_name: &str,
    email: Option<&str>,
) -> anyhow::Result<ProviderUser> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (codice_fiscale, full_name, role, email, password_hash, totp_secret, created_at) \
         VALUES ($1, $2, 'nessuno', $3, '', '', $4) ON CONFLICT (codice_fiscale) DO NOTHING RETURNING id",
    )
    .bind(codice_fiscale)
    .bind(full_name)
    .bind(email)
    .bind(now_unix())
    .fetch_optional(db.pool())
    .await?;
    if let Some(user_id) = inserted {
        return Ok(ProviderUser::Enter { user_id, role: Role::Nessuno, created: true });
    }
    let (user_id, role, enabled): (i64, String, i64) =
        sqlx::query_as("SELECT id, role, enabled FROM users WHERE codice_fiscale = $1")
            .bind(codice_fiscale)
            .fetch_one(db.pool())
            .await?;
    let role = Role::parse(&role).context("role stored in users")?;
    Ok(if role.is_inps_staff() {
        ProviderUser::InpsStaff(user_id)
    } else if enabled != 1 {
        ProviderUser::Disabled(user_id)
    } else {
        ProviderUser::Enter { user_id, role, created: false }
    })
}

/// Creates a user (the `user add` command and the demo seed).
pub async fn add_user(db: &Db, new: &NewUser<'_>) -> anyhow::Result<i64> {
    check_password_policy(new.password).map_err(|m| anyhow::anyhow!(m))?;
    let hash = hash_password(new.password.to_string()).await?;
    // The sealed secret is bound to the user's id, known only once the row exists: both in one transaction.
    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (codice_fiscale, full_name, role, email, sede_id, employer_user_id, password_hash, totp_secret, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(new.codice_fiscale)
    .bind(new.full_name)
    .bind(new.role.as_str())
    .bind(new.email)
    .bind(new.sede_id)
    .bind(new.employer_user_id)
    .bind(hash)
    .bind("")
    .bind(now_unix())
    .fetch_one(&mut *tx)
    .await
    .with_context(|| format!("inserting user {}", new.codice_fiscale))?;
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(super::secrets::seal_totp(id, new.totp_secret)?)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub struct NewUser<'a> {
    pub codice_fiscale: &'a str,
    pub full_name: &'a str,
    pub role: Role,
    pub email: Option<&'a str>,
    pub sede_id: Option<i64>,
    pub employer_user_id: Option<i64>,
    pub password: &'a str,
    pub totp_secret: &'a [u8],
}

#[cfg(test)]
mod hash_pool_tests {
    use super::*;

    /// argon2 runs on the pool's threads, and they run below the priority of the threads that serve pages.
    #[tokio::test]
    async fn argon2_threads_run_at_lower_priority() {
        let (name, nice) = HASH_POOL
            .run(|| {
                let name = std::thread::current().name().map(str::to_string);
                (name, rustix::process::getpriority_process(Some(rustix::thread::gettid())))
            })
            .await
            .expect("pool");
        assert!(name.is_some_and(|n| n.starts_with("argon2-")));
        assert_eq!(nice.expect("getpriority"), 10);
        let hash = hash_password("una password lunga abbastanza".into()).await.expect("hash");
        assert!(verify_password(Some(hash), "una password lunga abbastanza".into()).await.expect("verify"));
    }
}
