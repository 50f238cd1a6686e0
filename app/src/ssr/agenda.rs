//! Agenda appuntamenti on the database: the slots a Sede publishes, bookings and their cancellation, the outcome
//! the operator records, and what a richiesta's page shows about booking (`appuntamento`). A user books only for
//! a richiesta that went unanswered past its soglia or was not accepted (`domain::agenda::prenotabile`).
//!
//! The callers (server functions) have already checked access with `authz`; the functions here still scope every
//! read by the owner or the Sede they are given, so a wrong id answers `NotFound`.

use super::audit::{self, Entry};
use super::avvisi;
use super::comunicazioni::{notifica, per_avviso};
use super::db::Db;
use super::limiti::{self, Uso};
use crate::domain::agenda::{StatoPrenotazione, prenotabile};
use crate::domain::comunicazioni::{self as rules, Esito, Stato};
use crate::error::AppError;
use crate::model::{Agenda, Appuntamento, PrenotazioneId, PrenotazioneRow, RichiestaId, RichiestaRow, SlotRow};

/// The longest note a user may leave with a booking.
const MAX_NOTE: usize = 500;

/// An operator publishes a slot at their Sede.
pub async fn publish_slot(
    db: &Db,
    operator_id: i64,
    sede_id: i64,
    inizio_at: i64,
    durata_minuti: i64,
    now: i64,
) -> Result<i64, AppError> {
    if inizio_at <= now {
        return Err(AppError::invalid("Lo slot deve essere nel futuro."));
    }
    if !(5..=240).contains(&durata_minuti) {
        return Err(AppError::invalid("La durata deve essere tra 5 e 240 minuti."));
    }
    // UNIQUE (sede_id, inizio_at) decides, also between two operators publishing at once.
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO slot (sede_id, inizio_at, durata_minuti, pubblicato_da) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(sede_id)
    .bind(inizio_at)
    .bind(durata_minuti)
    .bind(operator_id)
    .fetch_one(db.pool())
    .await;
    match inserted {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(AppError::invalid("Esiste già uno slot con lo stesso inizio."))
        }
        other => Ok(other?),
    }
}

/// How a booking is named in the audit log.
fn booking_subject(id: PrenotazioneId) -> String {
    format!("prenotazione:{id}")
}

pub const SLOT_NON_DISPONIBILE: &str = "Lo slot non è più disponibile: ne scelga un altro.";

/// Books `slot_id` for the user's richiesta. Eligibility follows the circular; that the slot is free is
/// decided by the database (a partial unique index), not by a check before the insert, so concurrent
/// bookings from any number of server processes get exactly one winner.
pub async fn book(
    db: &Db,
    user_id: i64,
    richiesta_id: RichiestaId,
    slot_id: i64,
    telefono: &str,
    note: &str,
    now: i64,
) -> Result<PrenotazioneId, AppError> {
    let row: Option<(String, Option<String>, i64, i64)> =
        sqlx::query_as("SELECT stato, esito, scade_at, sede_id FROM richieste WHERE id = $1 AND user_id = $2")
            .bind(richiesta_id)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    let (stato, esito, scade_at, sede_id) = row.ok_or(AppError::NotFound)?;
    let stato = Stato::parse(&stato).ok_or(AppError::Internal)?;
    prenotabile(stato, esito.as_deref().and_then(Esito::parse), scade_at, now).map_err(AppError::invalid)?;
    let telefono = telefono.trim();
    if !rules::telefono_valido(telefono) {
        return Err(AppError::invalid("Indichi un numero di telefono valido per l'appuntamento."));
    }
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::invalid("Indichi nelle note l'argomento dell'appuntamento."));
    }
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(format!("Le note superano i {MAX_NOTE} caratteri.")));
    }
    let slot: Option<(i64, i64)> =
        sqlx::query_as("SELECT inizio_at, durata_minuti FROM slot WHERE id = $1 AND sede_id = $2")
            .bind(slot_id)
            .bind(sede_id)
            .fetch_optional(db.pool())
            .await?;
    let (inizio_at, durata_minuti) = slot.ok_or_else(|| AppError::invalid(SLOT_NON_DISPONIBILE))?;
    if inizio_at <= now {
        return Err(AppError::invalid(SLOT_NON_DISPONIBILE));
    }

    let mut tx = db.begin_write().await?;
    limiti::consuma(&mut tx, user_id, Uso::Prenotazione, 1, now).await?;
    let inserted = sqlx::query_scalar::<_, PrenotazioneId>(
        "INSERT INTO prenotazioni (slot_id, richiesta_id, user_id, telefono, note, stato, creata_at, aggiornata_at) \
         VALUES ($1, $2, $3, $4, $5, 'prenotata', $6, $6) RETURNING id",
    )
    .bind(slot_id)
    .bind(richiesta_id)
    .bind(user_id)
    .bind(telefono)
    .bind(note)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            // Which unique index refused: the slot's (taken by someone) or the richiesta's (already booked).
            return Err(AppError::invalid(if e.message().contains("slot") {
                SLOT_NON_DISPONIBILE
            } else {
                "Per questa richiesta ha già un appuntamento prenotato."
            }));
        }
        Err(e) => return Err(e.into()),
    };
    let avviso = per_avviso(&mut tx, richiesta_id).await?;
    let contatti = avviso.contatti();
    let appuntamento = avvisi::Appuntamento {
        prenotazione_id: id,
        creata_at: now,
        inizio_at,
        durata_minuti,
        telefono,
        note,
        email: contatti.email,
    };
    let notice = avvisi::appuntamento_prenotato(&avviso.richiesta(), &appuntamento, now);
    let sms = avvisi::sms_appuntamento(&avviso.richiesta(), &appuntamento, false);
    notifica(&mut tx, richiesta_id, contatti, &notice, &sms, now).await?;
    let subject = booking_subject(id);
    audit::append(
        &mut tx,
        Entry { actor_user_id: Some(user_id), action: "appuntamento.prenotato", subject: &subject, detail: "" },
        now,
    )
    .await?;
    super::feedback::record_uso(&mut tx, user_id, "prenotazione", &id.to_string(), now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The user cancels their own booking; the slot is free again.
pub async fn cancel(db: &Db, user_id: i64, prenotazione_id: PrenotazioneId, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE prenotazioni SET stato = 'annullata', aggiornata_at = $1 \
         WHERE id = $2 AND user_id = $3 AND stato = 'prenotata'",
    )
    .bind(now)
    .bind(prenotazione_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let (richiesta_id, creata_at, telefono, note, inizio_at, durata_minuti): (
        RichiestaId,
        i64,
        String,
        String,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT p.richiesta_id, p.creata_at, p.telefono, p.note, s.inizio_at, s.durata_minuti \
             FROM prenotazioni p JOIN slot s ON s.id = p.slot_id WHERE p.id = $1",
    )
    .bind(prenotazione_id)
    .fetch_one(&mut *tx)
    .await?;
    let avviso = per_avviso(&mut tx, richiesta_id).await?;
    let contatti = avviso.contatti();
    let appuntamento = avvisi::Appuntamento {
        prenotazione_id,
        creata_at,
        inizio_at,
        durata_minuti,
        telefono: &telefono,
        note: &note,
        email: contatti.email,
    };
    let notice = avvisi::appuntamento_annullato(&avviso.richiesta(), &appuntamento, now);
    let sms = avvisi::sms_appuntamento(&avviso.richiesta(), &appuntamento, true);
    notifica(&mut tx, richiesta_id, contatti, &notice, &sms, now).await?;
    let subject = booking_subject(prenotazione_id);
    audit::append(
        &mut tx,
        Entry { actor_user_id: Some(user_id), action: "appuntamento.annullato", subject: &subject, detail: "" },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An operator of the slot's Sede records how a booked appointment went.
pub async fn record_esito(
    db: &Db,
    operator_id: i64,
    operator_sede: i64,
    prenotazione_id: PrenotazioneId,
    svolto: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE prenotazioni SET stato = $1, aggiornata_at = $2 WHERE id = $3 AND stato = 'prenotata' \
         AND slot_id IN (SELECT id FROM slot WHERE sede_id = $4)",
    )
    .bind(if svolto { "svolta" } else { "assente" })
    .bind(now)
    .bind(prenotazione_id)
    .bind(operator_sede)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let subject = booking_subject(prenotazione_id);
    let action = if svolto { "appuntamento.svolto" } else { "appuntamento.assente" };
    audit::append(&mut tx, Entry { actor_user_id: Some(operator_id), action, subject: &subject, detail: "" }, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the author may book for `r`, the free slots of its Sede if so, and the booking in force.
pub(super) async fn appuntamento(db: &Db, r: &RichiestaRow, now: i64) -> Result<Appuntamento, AppError> {
    let prenotazione =
        prenotazioni(db, "b.richiesta_id = $1 AND b.stato = 'prenotata'", &[r.id.0]).await?.into_iter().next();
    let non_prenotabile = match prenotabile(r.stato, r.esito, r.scade_at, now) {
        Err(why) => Some(why.to_string()),
        Ok(()) if prenotazione.is_some() => Some("Per questa richiesta ha già un appuntamento prenotato.".to_string()),
        Ok(()) => None,
    };
    let slot_liberi = if non_prenotabile.is_none() {
        let sede_id: i64 =
            sqlx::query_scalar("SELECT sede_id FROM richieste WHERE id = $1").bind(r.id).fetch_one(db.pool()).await?;
        slot_liberi(db, sede_id, now).await?
    } else {
        Vec::new()
    };
    Ok(Appuntamento { non_prenotabile, slot_liberi, prenotazione })
}

const PRENOTAZIONE_SELECT: &str = "\
    SELECT b.id, b.slot_id, s.inizio_at, s.durata_minuti, se.name AS sede, b.richiesta_id, r.protocollo, \
           u.full_name AS utente, b.telefono, b.note, b.stato \
    FROM prenotazioni b JOIN slot s ON s.id = b.slot_id JOIN sedi se ON se.id = s.sede_id \
    JOIN richieste r ON r.id = b.richiesta_id JOIN users u ON u.id = b.user_id";

#[derive(sqlx::FromRow)]
struct PrenotazioneDb {
    id: PrenotazioneId,
    slot_id: i64,
    inizio_at: i64,
    durata_minuti: i64,
    sede: String,
    richiesta_id: RichiestaId,
    protocollo: String,
    utente: String,
    telefono: String,
    note: String,
    stato: String,
}

async fn prenotazioni(db: &Db, condition: &str, keys: &[i64]) -> Result<Vec<PrenotazioneRow>, AppError> {
    let sql = format!("{PRENOTAZIONE_SELECT} WHERE {condition} ORDER BY s.inizio_at DESC, b.id DESC");
    let rows: Vec<PrenotazioneDb> =
        keys.iter().fold(sqlx::query_as(&sql), |q, k| q.bind(*k)).fetch_all(db.pool()).await?;
    rows.into_iter()
        .map(|b| {
            Ok(PrenotazioneRow {
                id: b.id,
                slot_id: b.slot_id,
                inizio_at: b.inizio_at,
                durata_minuti: b.durata_minuti,
                sede: b.sede,
                richiesta_id: b.richiesta_id,
                protocollo: b.protocollo,
                utente: b.utente,
                telefono: b.telefono,
                note: b.note,
                stato: StatoPrenotazione::parse(&b.stato).ok_or(AppError::Internal)?,
            })
        })
        .collect()
}

/// The future slots of a Sede nobody holds, soonest first.
async fn slot_liberi(db: &Db, sede_id: i64, now: i64) -> Result<Vec<SlotRow>, AppError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.inizio_at, s.durata_minuti FROM slot s WHERE s.sede_id = $1 AND s.inizio_at > $2 \
         AND NOT EXISTS (SELECT 1 FROM prenotazioni b WHERE b.slot_id = s.id AND b.stato <> 'annullata') \
         ORDER BY s.inizio_at LIMIT 200",
    )
    .bind(sede_id)
    .bind(now)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, inizio_at, durata_minuti)| SlotRow { id, inizio_at, durata_minuti, prenotazione: None })
        .collect())
}

/// How far back the Sede's agenda shows slots: the last week, so the outcome of recent appointments can
/// still be recorded.
const AGENDA_PASSATO_SECS: i64 = 7 * 86_400;

/// The user's bookings, newest appointment first.
pub async fn agenda_utente(db: &Db, user_id: i64) -> Result<Agenda, AppError> {
    Ok(Agenda::Utente { prenotazioni: prenotazioni(db, "b.user_id = $1", &[user_id]).await? })
}

/// A Sede's slots from a week ago on, each with its live booking.
pub async fn agenda_sede(db: &Db, sede_id: i64, now: i64) -> Result<Agenda, AppError> {
    let sede: String =
        sqlx::query_scalar("SELECT name FROM sedi WHERE id = $1").bind(sede_id).fetch_one(db.pool()).await?;
    let slots: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, inizio_at, durata_minuti FROM slot WHERE sede_id = $1 AND inizio_at >= $2 ORDER BY inizio_at LIMIT 500",
    )
    .bind(sede_id)
    .bind(now - AGENDA_PASSATO_SECS)
    .fetch_all(db.pool())
    .await?;
    let booked = prenotazioni(
        db,
        "s.sede_id = $1 AND b.stato <> 'annullata' AND s.inizio_at >= $2",
        &[sede_id, now - AGENDA_PASSATO_SECS],
    )
    .await?;
    // At most one live booking per slot (the partial unique index).
    let mut by_slot: std::collections::HashMap<i64, PrenotazioneRow> =
        booked.into_iter().map(|b| (b.slot_id, b)).collect();
    let slot = slots
        .into_iter()
        .map(|(id, inizio_at, durata_minuti)| SlotRow {
            id,
            inizio_at,
            durata_minuti,
            prenotazione: by_slot.remove(&id),
        })
        .collect();
    Ok(Agenda::Sede { sede, slot })
}

/// The user who made a booking and the Sede of its slot, for authorization.
pub async fn prenotazione_owner(db: &Db, id: PrenotazioneId) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as("SELECT b.user_id, s.sede_id FROM prenotazioni b JOIN slot s ON s.id = b.slot_id WHERE b.id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
}
