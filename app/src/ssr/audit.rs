//! The audit log: append-only and hash-chained. Every entry's hash covers its own fields and the hash of
//! the entry before it, so changing, removing or reordering a row breaks the chain from that row on;
//! `audit_head` holds the newest hash, so cutting off the tail is caught too. Database triggers refuse
//! UPDATE and DELETE; the chain is what catches someone who gets around them.

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

/// The hash of one entry. Each field is length-prefixed, so no two different entries encode alike.
pub fn entry_hash(seq: i64, at: i64, entry: &Entry<'_>, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let actor = entry.actor_user_id.map(|id| id.to_string()).unwrap_or_default();
    for field in [&seq.to_string(), &at.to_string(), &actor, entry.action, entry.subject, entry.detail, prev_hash] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry inside the caller's write transaction, so it commits (or not) with the change it
/// records. Updating `audit_head` first takes its row lock (PostgreSQL) — SQLite's `BEGIN IMMEDIATE`
/// already serialises writers — so two appends never chain onto the same predecessor.
pub async fn append(tx: &mut Transaction<'static, Any>, entry: Entry<'_>, at: i64) -> sqlx::Result<i64> {
    let (seq, prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut **tx)
            .await?;
    let hash = entry_hash(seq, at, &entry, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_user_id, action, subject, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(entry.actor_user_id)
    .bind(entry.action)
    .bind(entry.subject)
    .bind(entry.detail)
    .bind(&prev_hash)
    .bind(&hash)
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
}

/// Walks the whole chain in order and names the first broken link.
pub async fn verify(db: &Db) -> anyhow::Result<Verification> {
    use futures_util::TryStreamExt;

    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT seq, at, actor_user_id, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq",
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
        if entry_hash(row.seq, row.at, &entry, &row.prev_hash) != row.hash {
            return broken("il contenuto della voce è stato alterato");
        }
        prev = row.hash;
        expected_seq += 1;
    }
    drop(rows);
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
}
