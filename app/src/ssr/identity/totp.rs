//! RFC 6238 TOTP, the second factor: HMAC-SHA1, 30-second steps, 6 digits; the check of a code at login (each
//! step used once, failures counted and locked), and the demo mode's current code.

use hmac::{Hmac, Mac};
use rand::RngCore;

use super::sessions::{MAX_TOTP_FAILURES, SESSION_TOTP_TRIES, TOTP_LOCK_SECONDS, end_session, hash_token};
use crate::ssr::db::{Db, now_unix};

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
    (current - 1..=current + 1).find(|&step| constant_time_eq(code_for_step(secret, step).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
    let secret = crate::ssr::secrets::open_totp(user_id, &secret)?;
    let Some(step) = matching_step(&secret, code, now).filter(|&s| s > last_step) else {
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
    if !crate::ssr::demo::is_demo_account(codice_fiscale) {
        return Ok(None);
    }
    let last_step: i64 =
        sqlx::query_scalar("SELECT last_totp_step FROM users WHERE id = $1").bind(user_id).fetch_one(db.pool()).await?;
    let now_step = step_at(now_unix());
    let step = now_step.max(last_step + 1);
    if step > now_step + 1 {
        return Ok(None);
    }
    Ok(Some(code_for_step(&crate::ssr::demo::demo_totp_secret(codice_fiscale), step)))
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
