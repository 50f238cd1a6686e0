//! Passwords: argon2id hashing on threads of its own, the length policy, the password step of the login, and
//! the change of one's own password.

use std::sync::{Arc, LazyLock};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use super::sessions::{SessionUser, hash_token, new_token};
use crate::ssr::db::{Db, now_unix};

/// Where argon2 runs (docs/security.md, authentication): a few threads of their own, at most half the cores, at a lower
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

/// Checks the length rules of docs/security.md (no composition rules, no truncation).
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

/// What the password step found. `Invalid` covers an unknown account and a wrong password; `Disabled` a right
/// password on a disabled account, which the caller answers exactly as `Invalid` (only the audit log knows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordCheck {
    Valid(i64),
    Disabled(i64),
    Invalid,
}

/// Step one of the login: one read and one argon2 verify, whatever the account (unknown accounts verify against a
/// dummy hash), and no write: counting failures is the throttle's (`crate::ssr::throttle`), keyed so that it does the
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

/// Changes the password of the session's user (docs/security.md V2.1, V2.2.3, V3.3.3): the current password is
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
    if crate::ssr::throttle::locked_until(db, &user.codice_fiscale, client, now).await?.is_some() {
        return Ok(Err(PasswordChangeRefused::Throttled));
    }
    let (hash, email): (String, Option<String>) =
        sqlx::query_as("SELECT password_hash, email FROM users WHERE id = $1")
            .bind(user.user_id)
            .fetch_one(db.pool())
            .await?;
    if !verify_password(Some(hash.clone()), current).await? {
        crate::ssr::throttle::record_failure(db, &user.codice_fiscale, client, now).await?;
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
        let notice = crate::ssr::avvisi::password_modificata(&user.full_name);
        let message = crate::ssr::outbox::NewMessage {
            channel: crate::ssr::outbox::Channel::Email,
            recipient: email,
            subject: &notice.subject,
            body: &notice.text,
            html: Some(&notice.html),
            calendar: None,
            secret: None,
            delega_id: None,
            richiesta_id: None,
        };
        crate::ssr::outbox::enqueue(&mut tx, message, now).await?;
    }
    crate::ssr::audit::append(
        &mut tx,
        crate::ssr::audit::Entry {
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
