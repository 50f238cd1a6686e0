//! TOTP secrets at rest. A user's secret is stored encrypted (XChaCha20-Poly1305 under the TOTP subkey of
//! `super::keys`), bound to the user's id as associated data: a copy of one user's stored secret into another
//! user's row does not open, so it cannot be used to log in as that other user. Stored form:
//! `v1:<key id>:<base64url(nonce ‖ ciphertext)>`; a random 24-byte nonce per sealing.
//!
//! Secrets written before this (plain base32), or sealed with a key that has since been retired, are sealed again
//! with the current key at start ([`seal_stored_totp_secrets`]); the step is idempotent and each row is replaced
//! only if it still holds what was read.

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use super::db::Db;
use super::keys::{Keys, installed};

const VERSION: &str = "v1";

fn aad(user_id: i64) -> String {
    format!("cassetto users.totp_secret id={user_id}")
}

fn cipher(keys: &Keys, key_id: &str) -> anyhow::Result<XChaCha20Poly1305> {
    let key = keys.totp_key(key_id).with_context(|| format!("TOTP secret sealed with unknown key {key_id}"))?;
    Ok(XChaCha20Poly1305::new(key.into()))
}

/// The stored form of `secret` for user `user_id`, sealed with the current key.
pub fn seal_totp(user_id: i64, secret: &[u8]) -> anyhow::Result<String> {
    seal_with(installed()?, user_id, secret)
}

pub fn seal_with(keys: &Keys, user_id: i64, secret: &[u8]) -> anyhow::Result<String> {
    let key_id = keys.current_id();
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let aad = aad(user_id);
    let sealed = cipher(keys, key_id)?
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad: aad.as_bytes() })
        .map_err(|_| anyhow::anyhow!("sealing a TOTP secret"))?;
    let mut blob = nonce.to_vec();
    blob.extend_from_slice(&sealed);
    Ok(format!("{VERSION}:{key_id}:{}", URL_SAFE_NO_PAD.encode(blob)))
}

/// The secret of user `user_id` from its stored form. Fails for a value sealed for another user, altered, or
/// sealed with a key no longer listed.
pub fn open_totp(user_id: i64, stored: &str) -> anyhow::Result<Vec<u8>> {
    open_with(installed()?, user_id, stored)
}

pub fn open_with(keys: &Keys, user_id: i64, stored: &str) -> anyhow::Result<Vec<u8>> {
    let Some((key_id, blob)) = stored.strip_prefix("v1:").and_then(|rest| rest.split_once(':')) else {
        bail!("TOTP secret of user {user_id} is not sealed");
    };
    let blob = URL_SAFE_NO_PAD.decode(blob).context("sealed TOTP secret: bad encoding")?;
    if blob.len() < 24 {
        bail!("sealed TOTP secret too short");
    }
    let (nonce, sealed) = blob.split_at(24);
    let aad = aad(user_id);
    cipher(keys, key_id)?
        .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: aad.as_bytes() })
        .map_err(|_| anyhow::anyhow!("the TOTP secret of user {user_id} does not open (altered, or another user's)"))
}

/// At start: seals every TOTP secret still stored in plain base32, and seals again with the current key those
/// sealed with a retired one. Returns how many rows changed. A row that opens with no known key is left alone
/// and logged (its account cannot complete a login until the IDM or an administrator gives it a new secret).
pub async fn seal_stored_totp_secrets(db: &Db) -> anyhow::Result<u64> {
    let keys = installed()?;
    let current = format!("{VERSION}:{}:", keys.current_id());
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, totp_secret FROM users ORDER BY id")
        .fetch_all(db.pool())
        .await
        .context("reading TOTP secrets")?;
    let mut changed = 0;
    for chunk in rows.chunks(500) {
        let mut tx = db.begin_write().await?;
        for (id, stored) in chunk.iter().filter(|(_, s)| !s.starts_with(&current)) {
            let secret = if stored.starts_with("v1:") {
                open_with(keys, *id, stored)
            } else {
                super::identity::totp::decode_secret(stored).context("a plain TOTP secret that is not base32")
            };
            let secret = match secret {
                Ok(secret) => secret,
                Err(e) => {
                    tracing::error!(user_id = id, error = %e, "TOTP secret left as it is: it cannot be read");
                    continue;
                }
            };
            changed += sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3")
                .bind(seal_with(keys, *id, &secret)?)
                .bind(id)
                .bind(stored)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
    }
    if changed > 0 {
        tracing::info!(users = changed, key = keys.current_id(), "TOTP secrets sealed with the current key");
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secret_opens_only_for_its_user_and_key() {
        let a = "11".repeat(32);
        let b = "22".repeat(32);
        let keys = Keys::parse(&format!("k1 {a}")).expect("keys");
        let stored = seal_with(&keys, 7, b"12345678901234567890").expect("seal");
        assert!(stored.starts_with("v1:k1:"), "{stored}");
        assert!(!stored.contains("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "no base32 of the secret");
        assert_eq!(open_with(&keys, 7, &stored).expect("open"), b"12345678901234567890");
        assert!(open_with(&keys, 8, &stored).is_err(), "bound to the user id");
        let rotated = Keys::parse(&format!("k2 {b}\nk1 {a}")).expect("keys");
        assert_eq!(open_with(&rotated, 7, &stored).expect("retired key opens"), b"12345678901234567890");
        let gone = Keys::parse(&format!("k2 {b}")).expect("keys");
        assert!(open_with(&gone, 7, &stored).is_err());
        assert!(open_with(&keys, 7, "GEZDGNBVGY3TQOJQ").is_err(), "plain is not accepted");
    }
}
