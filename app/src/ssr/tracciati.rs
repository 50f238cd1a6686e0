//! Invio tracciati (Circolare 38/2000 INPDAP): files of a declared type, kept with their SHA-256 and a
//! protocol number, their processing tracked. Whatever their field layout, these files are text of
//! fixed-length records (`domain::tracciati`, the length per type in `tracciato_tipi`): a file without that
//! form is refused before anything is stored. The fields themselves are not known to us (docs/domain.md §2), so
//! none is checked.

use chrono::Datelike;
use sha2::{Digest, Sha256};

use super::audit::{self, Entry};
use super::comunicazioni::prossimo_protocollo;
use super::db::Db;
use crate::domain::allegati::nome_sicuro;
use crate::domain::time::rome_date;
use crate::domain::tracciati;
use crate::error::AppError;
use crate::model::{TracciatiView, TracciatoRow};

/// The check of a tracciato's content by its type's record length. `Ok` carries the outcome shown to the user.
pub fn check(dati: &[u8], lunghezza_record: i64) -> Result<String, String> {
    let lunghezza = usize::try_from(lunghezza_record).map_err(|_| "Tipo di tracciato non valido.".to_string())?;
    let esito = tracciati::check(dati, lunghezza).map_err(|e| e.to_string())?;
    Ok(format!(
        "Ricevuto e archiviato: {} record da {lunghezza} caratteri. Il contenuto dei campi sarà controllato \
         quando INPS ne pubblicherà il formato.",
        esito.record
    ))
}

/// Stores a tracciato (state `ricevuto`) with its protocol number, then processes it. The file is
/// refused before anything is stored when its type is unknown, it is empty or too large, or it is not text
/// records of its type's length.
pub async fn send(
    db: &Db,
    user_id: i64,
    position_id: i64,
    tipo: &str,
    nome: &str,
    dati: &[u8],
    now: i64,
) -> Result<(i64, String), AppError> {
    let tipo_row: Option<(i64, i64)> =
        sqlx::query_as("SELECT max_bytes, lunghezza_record FROM tracciato_tipi WHERE codice = $1")
            .bind(tipo)
            .fetch_optional(db.pool())
            .await?;
    let (max, lunghezza_record) = tipo_row.ok_or_else(|| AppError::invalid("Scelga il tipo di tracciato."))?;
    let nome = nome_sicuro(nome);
    if nome.is_empty() || dati.is_empty() {
        return Err(AppError::invalid("Scelga un file non vuoto da inviare."));
    }
    if dati.len() as i64 > max {
        return Err(AppError::invalid(format!(
            "Il file supera il limite di {} MB per questo tipo.",
            max / (1024 * 1024)
        )));
    }
    // Not a text of the type's records (an image, a PDF, a spreadsheet): refused, nothing stored.
    check(dati, lunghezza_record).map_err(AppError::Invalid)?;
    let (sede_id, sede_code): (i64, String) =
        sqlx::query_as("SELECT s.id, s.code FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1")
            .bind(position_id)
            .fetch_one(db.pool())
            .await?;
    let sha256 = hex::encode(Sha256::digest(dati));
    let mut tx = db.begin_write().await?;
    super::limiti::consuma(&mut tx, user_id, super::limiti::Uso::Caricamento, 1, now).await?;
    let protocollo = prossimo_protocollo(&mut tx, sede_id, &sede_code, rome_date(now).year()).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tracciati (protocollo, position_id, user_id, tipo, nome_file, dimensione, sha256, contenuto, \
         stato, ricevuto_at, aggiornato_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'ricevuto', $9, $9) RETURNING id",
    )
    .bind(&protocollo)
    .bind(position_id)
    .bind(user_id)
    .bind(tipo)
    .bind(&nome)
    .bind(dati.len() as i64)
    .bind(&sha256)
    .bind(dati)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let entry =
        Entry { actor_user_id: Some(user_id), action: "tracciato.ricevuto", subject: &protocollo, detail: &sha256 };
    audit::append(&mut tx, entry, now).await?;
    // The rating is offered for the file protocolled, named by its protocol (what the page is sent back with).
    super::feedback::record_uso(&mut tx, user_id, "invio-tracciati", &protocollo, now).await?;
    tx.commit().await?;
    process(db, id, now).await?;
    Ok((id, protocollo))
}

/// Runs the check of its type on a received tracciato and records the outcome.
pub async fn process(db: &Db, id: i64, now: i64) -> Result<(), AppError> {
    let (lunghezza_record, dati): (i64, Vec<u8>) = sqlx::query_as(
        "SELECT k.lunghezza_record, t.contenuto FROM tracciati t JOIN tracciato_tipi k ON k.codice = t.tipo \
         WHERE t.id = $1 AND t.stato = 'ricevuto'",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let (stato, esito) = match check(&dati, lunghezza_record) {
        Ok(esito) => ("elaborato", esito),
        Err(why) => ("scartato", why),
    };
    sqlx::query("UPDATE tracciati SET stato = $1, esito = $2, aggiornato_at = $3 WHERE id = $4 AND stato = 'ricevuto'")
        .bind(stato)
        .bind(esito)
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

const ROW_SELECT: &str = "\
    SELECT t.id, t.protocollo, t.tipo, k.descrizione AS descrizione_tipo, t.nome_file, t.dimensione, t.sha256, \
           t.stato, t.esito, t.ricevuto_at, t.aggiornato_at, u.full_name AS utente \
    FROM tracciati t JOIN tracciato_tipi k ON k.codice = t.tipo JOIN users u ON u.id = t.user_id";

/// The types and the tracciati sent for a position, newest first.
pub async fn elenco(db: &Db, position_id: i64) -> Result<TracciatiView, AppError> {
    let tipi: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT codice, descrizione, lunghezza_record FROM tracciato_tipi ORDER BY codice")
            .fetch_all(db.pool())
            .await?;
    // The record length is part of what the user must know to send a file of the type.
    let tipi = tipi.into_iter().map(|(c, d, n)| (c, format!("{d} (record di {n} caratteri)"))).collect();
    let tracciati: Vec<TracciatoRow> =
        sqlx::query_as(&format!("{ROW_SELECT} WHERE t.position_id = $1 ORDER BY t.id DESC LIMIT 200"))
            .bind(position_id)
            .fetch_all(db.pool())
            .await?;
    Ok(TracciatiView { tipi, tracciati })
}

/// One tracciato of the position, for its receipt.
pub async fn uno(db: &Db, position_id: i64, id: i64) -> Result<TracciatoRow, AppError> {
    let row: Option<TracciatoRow> = sqlx::query_as(&format!("{ROW_SELECT} WHERE t.position_id = $1 AND t.id = $2"))
        .bind(position_id)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.ok_or(AppError::NotFound)
}

/// The receipt as plain text (Italian), the file's identity and what happened to it.
pub fn ricevuta(t: &TracciatoRow, codice_posizione: &str) -> String {
    use crate::domain::time::format_rome;
    format!(
        "INPS – Cassetto previdenziale\nRicevuta di invio tracciato\n\nProtocollo: {}\nPosizione contributiva: {}\n\
         Tipo: {} ({})\nFile: {}\nDimensione: {} byte\nImpronta SHA-256: {}\nRicevuto il: {}\nInviato da: {}\n\
         Stato: {}\nEsito: {}\nAggiornato il: {}\n",
        t.protocollo,
        codice_posizione,
        t.descrizione_tipo,
        t.tipo,
        t.nome_file,
        t.dimensione,
        t.sha256,
        format_rome(t.ricevuto_at),
        t.utente,
        t.stato,
        t.esito,
        format_rome(t.aggiornato_at),
    )
}
