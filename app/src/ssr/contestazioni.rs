//! Contestazione of a Nota di debito: the user files reasons and up to three files (the attachment rules
//! and zip of the Comunicazione bidirezionale); the Sede of the position answers, accolta or respinta.

use chrono::Datelike;

use super::audit::{self, Entry};
use super::comunicazioni::{Allegato, pacchetto_allegati, prossimo_protocollo};
use super::db::Db;
use crate::domain::contestazioni::contestabile;
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::model::{ContestazioneId, ContestazioneRow, NotaDebitoRow};

const MAX_MOTIVI: usize = 4000;

/// Files a contestazione on `nota_id`, which must be a nota of regolarizzazione of `position_id` (the only
/// notes the circular lets a user contest); one at a time per nota.
pub async fn present(
    db: &Db,
    user_id: i64,
    position_id: i64,
    nota_id: i64,
    motivi: &str,
    allegati: &[Allegato],
    now: i64,
) -> Result<(ContestazioneId, String), AppError> {
    let motivi = motivi.trim();
    if motivi.is_empty() {
        return Err(AppError::invalid("Indichi i motivi della contestazione."));
    }
    if motivi.chars().count() > MAX_MOTIVI {
        return Err(AppError::invalid(format!("I motivi superano i {MAX_MOTIVI} caratteri.")));
    }
    let pacchetto = pacchetto_allegati(allegati)?;
    let found: Option<(String, String, i64, String)> = sqlx::query_as(
        "SELECT n.number, n.kind, s.id, s.code FROM note_debito n JOIN positions p ON p.id = n.position_id \
         JOIN sedi s ON s.id = p.sede_id WHERE n.id = $1 AND n.position_id = $2",
    )
    .bind(nota_id)
    .bind(position_id)
    .fetch_optional(db.pool())
    .await?;
    let (numero, kind, sede_id, sede_code) =
        found.ok_or_else(|| AppError::invalid("Scelga una nota di debito di questa posizione."))?;
    // The circular allows the contestazione on the notes of regolarizzazione only.
    contestabile(&kind, &numero).map_err(AppError::invalid)?;
    let mut tx = db.begin_write().await?;
    let files = i64::from(pacchetto.is_some());
    super::limiti::consuma(&mut tx, user_id, super::limiti::Uso::Caricamento, files, now).await?;
    let protocollo = prossimo_protocollo(&mut tx, sede_id, &sede_code, rome_date(now).year()).await?;
    let (nomi, zip) = pacchetto.map(|(n, z)| (n, Some(z))).unwrap_or_default();
    let inserted = sqlx::query_scalar::<_, ContestazioneId>(
        "INSERT INTO contestazioni (protocollo, nota_id, user_id, sede_id, motivi, allegati_nomi, allegati_zip, stato, presentata_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'presentata', $8) RETURNING id",
    )
    .bind(&protocollo)
    .bind(nota_id)
    .bind(user_id)
    .bind(sede_id)
    .bind(motivi)
    .bind(&nomi)
    .bind(zip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::invalid(format!(
                "Per la nota {numero} c'è già una contestazione in attesa di risposta."
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let entry = Entry {
        actor_user_id: Some(user_id),
        action: "contestazione.presentata",
        subject: &protocollo,
        detail: &numero,
    };
    audit::append(&mut tx, entry, now).await?;
    // The rating is offered for the contestazione filed, named by its protocol (what the page is sent back with).
    super::feedback::record_uso(&mut tx, user_id, "contestazione", &protocollo, now).await?;
    tx.commit().await?;
    Ok((id, protocollo))
}

/// The Sede's answer; the update is conditional on the contestazione still waiting, at that Sede.
pub async fn answer(
    db: &Db,
    operator_id: i64,
    sede_id: i64,
    id: ContestazioneId,
    accolta: bool,
    risposta: &str,
    now: i64,
) -> Result<(), AppError> {
    let risposta = risposta.trim();
    if risposta.is_empty() {
        return Err(AppError::invalid("Scriva la risposta all'utente."));
    }
    let mut tx = db.begin_write().await?;
    let protocollo: Option<String> = sqlx::query_scalar(
        "UPDATE contestazioni SET stato = $1, risposta = $2, risposta_da = $3, risposta_at = $4 \
         WHERE id = $5 AND sede_id = $6 AND stato = 'presentata' RETURNING protocollo",
    )
    .bind(if accolta { "accolta" } else { "respinta" })
    .bind(risposta)
    .bind(operator_id)
    .bind(now)
    .bind(id)
    .bind(sede_id)
    .fetch_optional(&mut *tx)
    .await?;
    let protocollo = protocollo.ok_or_else(|| AppError::invalid("La contestazione ha già una risposta."))?;
    let action = if accolta { "contestazione.accolta" } else { "contestazione.respinta" };
    audit::append(&mut tx, Entry { actor_user_id: Some(operator_id), action, subject: &protocollo, detail: "" }, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

const ROW_SELECT: &str = "\
    SELECT c.id, c.protocollo, n.id AS nota_id, n.number AS nota, p.code AS posizione, c.motivi, c.allegati_nomi, \
           c.stato, c.risposta, c.presentata_at, c.risposta_at \
    FROM contestazioni c JOIN note_debito n ON n.id = c.nota_id JOIN positions p ON p.id = n.position_id";

/// A contestazione as stored: the names of its files are one text, a line each.
#[derive(sqlx::FromRow)]
struct StoredContestazione {
    id: ContestazioneId,
    protocollo: String,
    nota_id: i64,
    nota: String,
    posizione: String,
    motivi: String,
    allegati_nomi: String,
    stato: String,
    risposta: String,
    presentata_at: i64,
    risposta_at: Option<i64>,
}

impl From<StoredContestazione> for ContestazioneRow {
    fn from(c: StoredContestazione) -> ContestazioneRow {
        ContestazioneRow {
            id: c.id,
            protocollo: c.protocollo,
            nota_id: c.nota_id,
            nota: c.nota,
            posizione: c.posizione,
            motivi: c.motivi,
            allegati: c.allegati_nomi.lines().map(str::to_string).collect(),
            stato: c.stato,
            risposta: c.risposta,
            presentata_at: c.presentata_at,
            risposta_at: c.risposta_at,
        }
    }
}

async fn rows(db: &Db, condition: &str, key: i64) -> Result<Vec<ContestazioneRow>, AppError> {
    let rows: Vec<StoredContestazione> =
        sqlx::query_as(&format!("{ROW_SELECT} WHERE {condition}")).bind(key).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().map(ContestazioneRow::from).collect())
}

/// The contestazioni of a position's notes, newest first.
pub async fn della_posizione(db: &Db, position_id: i64) -> Result<Vec<ContestazioneRow>, AppError> {
    rows(db, "n.position_id = $1 ORDER BY c.id DESC", position_id).await
}

/// The contestazioni at a Sede, those waiting first.
pub async fn della_sede(db: &Db, sede_id: i64) -> Result<Vec<ContestazioneRow>, AppError> {
    rows(db, "c.sede_id = $1 ORDER BY CASE WHEN c.stato = 'presentata' THEN 0 ELSE 1 END, c.id LIMIT 500", sede_id)
        .await
}

/// The notes of a position, newest first, each saying whether it may be contested.
pub async fn note(db: &Db, position_id: i64) -> Result<Vec<NotaDebitoRow>, AppError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, number, kind, amount_cents - paid_cents FROM note_debito WHERE position_id = $1 \
         ORDER BY issued_on DESC, id DESC",
    )
    .bind(position_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, numero, tipo, residuo_cents)| NotaDebitoRow {
            contestabile: contestabile(&tipo, &numero).is_ok(),
            id,
            numero,
            tipo,
            residuo_cents,
        })
        .collect())
}

/// Who may read a contestazione: the code of its position (for the reach check) and its Sede.
pub async fn owner(db: &Db, id: ContestazioneId) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as(
        "SELECT p.code, c.sede_id FROM contestazioni c JOIN note_debito n ON n.id = c.nota_id \
         JOIN positions p ON p.id = n.position_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await
}

/// The zip of a contestazione's files and its protocol, if it has files.
pub async fn zip(db: &Db, id: ContestazioneId) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let row: Option<(String, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT protocollo, allegati_zip FROM contestazioni WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    Ok(row.and_then(|(p, z)| z.map(|z| (p, z))))
}
