//! The audit log: append-only and chained. Every entry's hash covers its own fields and the hash of the entry
//! before it, so changing, removing or reordering a row breaks the chain from that row on; `audit_head` holds the
//! newest hash, so cutting off the tail is caught too. Database triggers refuse UPDATE and DELETE; the chain is
//! what catches someone who gets around them.
//!
//! The chain is keyed: each entry's hash is an HMAC-SHA256 under the audit subkey of a key kept outside the
//! database (`super::keys`), and the entry records the key's id (`key_id`). A plain hash could be recomputed by
//! whoever rewrites a row; the HMAC cannot without the key. Rotation: a new current key signs new entries, retired
//! keys (still listed in the key file) verify the old ones.
//!
//! Entries written before the keyed chain (migration 0017) keep their plain SHA-256 hashes and no key id;
//! `audit_head.keyed_from` is the first keyed sequence number. The first keyed entry's HMAC covers the last plain
//! hash, so rewriting any earlier entry (and recomputing the plain chain) breaks the chain at the first keyed
//! entry, and the newest entry must always be a keyed one (else moving `keyed_from` would turn the whole chain
//! into plain hashes that anyone can recompute). A fresh database has no plain entries: the seed and everything
//! after it are keyed. What no chain kept inside the database can catch is a cut of its newest entries by
//! someone who rewrites `audit_head` too: `audit verify` prints the head, to be kept elsewhere.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

use super::db::{Db, now_unix};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, to what. `subject` names the record (`delega:42`, `utente:RSSMRA…`).
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// The plain hash of one entry written before the keyed chain. Each field is length-prefixed, so no two
/// different entries encode alike.
pub fn entry_hash(seq: i64, at: i64, entry: &Entry<'_>, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let actor = entry.actor_user_id.map(|id| id.to_string()).unwrap_or_default();
    for field in [&seq.to_string(), &at.to_string(), &actor, entry.action, entry.subject, entry.detail, prev_hash] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The keyed hash of one entry: HMAC-SHA256 under `key` over the same length-prefixed fields and the key's id.
pub fn entry_mac(key: &[u8; 32], key_id: &str, seq: i64, at: i64, entry: &Entry<'_>, prev_hash: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { unreachable!("HMAC takes keys of any length") };
    let actor = entry.actor_user_id.map(|id| id.to_string()).unwrap_or_default();
    let fields =
        [key_id, &seq.to_string(), &at.to_string(), &actor, entry.action, entry.subject, entry.detail, prev_hash];
    for field in fields {
        mac.update(&(field.len() as u64).to_be_bytes());
        mac.update(field.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

/// Appends an entry inside the caller's write transaction, so it commits (or not) with the change it
/// records. Updating `audit_head` first takes its row lock (PostgreSQL) — SQLite's `BEGIN IMMEDIATE`
/// already serialises writers — so two appends never chain onto the same predecessor.
pub async fn append(tx: &mut Transaction<'static, Any>, entry: Entry<'_>, at: i64) -> sqlx::Result<i64> {
    // Without keys nothing is recorded, and so nothing is done: the caller's transaction fails with it.
    let keys = super::keys::installed().map_err(|e| sqlx::Error::Configuration(e.into()))?;
    let key_id = keys.current_id();
    let key = keys.audit_key(key_id).ok_or_else(|| sqlx::Error::Configuration("no current audit key".into()))?;
    let (seq, prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
    let hash = entry_mac(key, key_id, seq, at, &entry, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_user_id, action, subject, detail, prev_hash, hash, key_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(at)
    .bind(entry.actor_user_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(&prev_hash)
    .bind(&hash)
    .bind(key_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut **tx).await?;
    Ok(seq)
}

/// Appends an entry in a transaction of its own (for events that change nothing else, like a login).
pub async fn record(db: &Db, entry: Entry<'_>) -> sqlx::Result<i64> {
    let mut tx = db.begin_write().await?;
    let seq = append(&mut tx, entry, now_unix()).await?;
    tx.commit().await?;
    Ok(seq)
}

/// The outcome of `verify`.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact {
        entries: i64,
    },
    /// The first entry that does not fit the chain (or `seq` 0 for a mismatch of the head).
    Broken {
        seq: i64,
        reason: String,
    },
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: i64,
    actor_user_id: Option<i64>,
    action: String,
    subject: String,
    detail: String,
    prev_hash: String,
    hash: String,
    key_id: Option<String>,
}

/// The first sequence number of the keyed chain (entries before it are plain, from before migration 0017).
pub async fn keyed_from(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT keyed_from FROM audit_head WHERE id = 1").fetch_one(db.pool()).await?)
}

/// Walks the whole chain in order with the process's keys and names the first broken link.
pub async fn verify(db: &Db) -> anyhow::Result<Verification> {
    verify_with(db, super::keys::installed()?).await
}

/// Walks the whole chain in order and names the first broken link: an entry from the keyed part must carry the
/// HMAC of a known key (current or retired); an entry before it, the plain hash.
pub async fn verify_with(db: &Db, keys: &super::keys::Keys) -> anyhow::Result<Verification> {
    use futures_util::TryStreamExt;

    let keyed_from = keyed_from(db).await?;
    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT seq, at, actor_user_id, action, subject, detail, prev_hash, hash, key_id FROM audit_log ORDER BY seq",
    )
    .fetch(db.pool());
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    while let Some(row) = rows.try_next().await? {
        let broken = |reason: &str| Ok(Verification::Broken { seq: row.seq, reason: reason.to_string() });
        if row.seq != expected_seq {
            return Ok(Verification::Broken {
                seq: expected_seq,
                reason: format!("voce mancante: dopo la {} segue la {}", expected_seq - 1, row.seq),
            });
        }
        if row.prev_hash != prev {
            return broken("l'impronta precedente non corrisponde");
        }
        let entry =
            Entry { actor_user_id: row.actor_user_id, action: &row.action, subject: &row.subject, detail: &row.detail };
        let expected = match (row.seq >= keyed_from, row.key_id.as_deref()) {
            (true, Some(id)) => match keys.audit_key(id) {
                Some(key) => entry_mac(key, id, row.seq, row.at, &entry, &row.prev_hash),
                None => return broken(&format!("firmata con la chiave «{id}», che non è tra le chiavi note")),
            },
            (true, None) => return broken("voce senza firma nella parte del registro protetta da chiave"),
            (false, None) => entry_hash(row.seq, row.at, &entry, &row.prev_hash),
            (false, Some(_)) => return broken("voce firmata prima dell'inizio della catena con chiave"),
        };
        if !constant_time_eq(expected.as_bytes(), row.hash.as_bytes()) {
            return broken("il contenuto della voce è stato alterato");
        }
        prev = row.hash;
        expected_seq += 1;
    }
    drop(rows);
    let last = expected_seq - 1;
    // The newest entry must be signed. Otherwise whoever can write the database could declare the whole chain
    // "from before the key" (raise `keyed_from`, recompute plain hashes) and rewrite it at will.
    if last > 0 && last < keyed_from {
        return Ok(Verification::Broken {
            seq: last,
            reason: "l'ultima voce non è firmata con la chiave: la catena firmata manca o è stata tolta".to_string(),
        });
    }
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(db.pool()).await?;
    if head_seq != expected_seq - 1 || head_hash != prev {
        return Ok(Verification::Broken {
            seq: expected_seq,
            reason: format!("il registro termina alla voce {} ma ne risultano {head_seq}", expected_seq - 1),
        });
    }
    Ok(Verification::Intact { entries: expected_seq - 1 })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field_and_on_the_predecessor() {
        let e = Entry { actor_user_id: Some(7), action: "delega.attivata", subject: "delega:1", detail: "" };
        let base = entry_hash(1, 100, &e, GENESIS);
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash(2, 100, &e, GENESIS));
        assert_ne!(base, entry_hash(1, 101, &e, GENESIS));
        assert_ne!(base, entry_hash(1, 100, &Entry { actor_user_id: None, ..e }, GENESIS));
        assert_ne!(base, entry_hash(1, 100, &Entry { detail: "x", ..e }, GENESIS));
        assert_ne!(base, entry_hash(1, 100, &e, &"1".repeat(64)));
        // Moving text from one field to the next changes the hash (fields are length-prefixed).
        let a = Entry { actor_user_id: None, action: "ab", subject: "c", detail: "" };
        let b = Entry { actor_user_id: None, action: "a", subject: "bc", detail: "" };
        assert_ne!(entry_hash(1, 1, &a, GENESIS), entry_hash(1, 1, &b, GENESIS));
    }

    #[test]
    fn keyed_hash_depends_on_the_key_and_its_id() {
        let e = Entry { actor_user_id: Some(7), action: "delega.attivata", subject: "delega:1", detail: "" };
        let base = entry_mac(&[1; 32], "k1", 1, 100, &e, GENESIS);
        assert_eq!(base.len(), 64);
        assert_ne!(base, entry_hash(1, 100, &e, GENESIS));
        assert_ne!(base, entry_mac(&[2; 32], "k1", 1, 100, &e, GENESIS));
        assert_ne!(base, entry_mac(&[1; 32], "k2", 1, 100, &e, GENESIS));
        assert_ne!(base, entry_mac(&[1; 32], "k1", 1, 100, &Entry { detail: "x", ..e }, GENESIS));
    }
}
