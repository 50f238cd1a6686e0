//! Per-user daily limits (docs/security.md V11.1.3): how many richieste, uploaded files, bookings and outgoing
//! e-mail and SMS one account may cause in a day. Without them one account could queue an e-mail and an SMS to
//! any address typed in, as often as it likes. The limits are data (`limiti_giornalieri`, defaults from
//! migration 0016), so an administrator changes them without a release; the use is counted per account, Italian
//! day and kind in `uso_giornaliero`.
//!
//! [`consuma`] is called at the top of each action, after its authorization, inside the action's transaction:
//! the increment and the check are one statement under the transaction's write lock, so parallel requests
//! cannot all slip under the limit, and a refused action rolls back with its count and stores nothing.

use sqlx::{Any, Transaction};

use super::db::{Db, iso_date};
use crate::domain::time::rome_date;
use crate::error::AppError;

/// The kinds of use that are limited (the keys of `limiti_giornalieri`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uso {
    Richiesta,
    /// A file received: a DMA declaration, a tracciato, the attachments of a richiesta or a contestazione.
    Caricamento,
    Prenotazione,
    Email,
    Sms,
}

impl Uso {
    pub fn as_str(self) -> &'static str {
        match self {
            Uso::Richiesta => "richiesta",
            Uso::Caricamento => "caricamento",
            Uso::Prenotazione => "prenotazione",
            Uso::Email => "email",
            Uso::Sms => "sms",
        }
    }
}

/// Counts `quanti` uses of `uso` by `user_id` on the Italian day of `now`, inside the caller's write
/// transaction; past the limit, refuses with 429 and an Italian message (the caller's transaction then rolls
/// back, the count with it).
pub async fn consuma(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    uso: Uso,
    quanti: i64,
    now: i64,
) -> Result<(), AppError> {
    if quanti <= 0 {
        return Ok(());
    }
    let giorno = iso_date(rome_date(now));
    let usati: i64 = sqlx::query_scalar(
        "INSERT INTO uso_giornaliero (user_id, giorno, azione, conteggio) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, giorno, azione) DO UPDATE SET conteggio = uso_giornaliero.conteggio + $5 \
         RETURNING conteggio",
    )
    .bind(user_id)
    .bind(&giorno)
    .bind(uso.as_str())
    .bind(quanti)
    .bind(quanti)
    .fetch_one(&mut **tx)
    .await?;
    let limite: Option<(String, i64)> =
        sqlx::query_as("SELECT descrizione, massimo FROM limiti_giornalieri WHERE azione = $1")
            .bind(uso.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    // A missing row is a broken configuration, not "no limit": refuse rather than run unbounded.
    let (descrizione, massimo) = limite.ok_or_else(|| {
        tracing::error!(azione = uso.as_str(), "no row in limiti_giornalieri");
        AppError::Internal
    })?;
    if usati > massimo {
        tracing::warn!(user_id, azione = uso.as_str(), massimo, "daily limit reached");
        return Err(AppError::TooMany(format!(
            "Hai raggiunto il limite giornaliero di {descrizione} ({massimo}). Riprova domani."
        )));
    }
    Ok(())
}

/// [`consuma`] in a transaction of its own, for an action that must know before doing costly work (reading a
/// large file) and whose attempt is itself the use.
pub async fn consuma_subito(db: &Db, user_id: i64, uso: Uso, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    consuma(&mut tx, user_id, uso, 1, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The daily limits as stored: (azione, descrizione, massimo), for the `cassetto limiti` command.
pub async fn elenco(db: &Db) -> Result<Vec<(String, String, i64)>, AppError> {
    Ok(sqlx::query_as("SELECT azione, descrizione, massimo FROM limiti_giornalieri ORDER BY azione")
        .fetch_all(db.pool())
        .await?)
}

/// Sets the daily limit of one kind of use (an operator's change, without a release); an unknown kind is
/// refused rather than added, since no action would ever count it.
pub async fn imposta(db: &Db, azione: &str, massimo: i64) -> Result<(), AppError> {
    if massimo < 0 {
        return Err(AppError::Invalid("Il limite giornaliero non può essere negativo.".into()));
    }
    let changed = sqlx::query("UPDATE limiti_giornalieri SET massimo = $1 WHERE azione = $2")
        .bind(massimo)
        .bind(azione)
        .execute(db.pool())
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::Invalid(format!("Nessun limite giornaliero si chiama «{azione}».")));
    }
    Ok(())
}
