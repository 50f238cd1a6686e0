//! Importing a ListaPosPA file for a position. The upload is spooled to a file first (the caller's job),
//! then read twice as a stream: once to check it, and, only if it is clean, once more to store its
//! workers — so memory stays bounded whatever the file's size, and a refused file stores nothing of the
//! declaration (only the attempt and its problems, to show and download).

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;

use chrono::Datelike;

use super::comunicazioni::prossimo_protocollo;
use super::db::{Db, iso_date};
use super::listapospa::{Illeggibile, Lettura, Limiti, leggi, leggi_lavoratori};
use crate::domain::dma_manuale::{BozzaDenuncia, testo};
use crate::domain::listapospa::{Lavoratore, voce_gestione};
use crate::domain::money::Money;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::position_code::PositionCode;
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::model::{DmaErrore, DmaImportazione};

fn open(path: &PathBuf) -> Result<BufReader<std::fs::File>, Illeggibile> {
    std::fs::File::open(path)
        .map(BufReader::new)
        .map_err(|_| Illeggibile("Il file caricato non è leggibile.".to_string()))
}

/// One worker's E0 amounts per gestione: (gestione, imponibile, contributo).
fn righe(l: &Lavoratore) -> Vec<(u8, Money, Money)> {
    let mut by: BTreeMap<u8, (Money, Money)> = BTreeMap::new();
    for p in l.periodi.iter().filter(|p| p.blocco == crate::domain::listapospa::Blocco::E0) {
        for g in &p.gestioni {
            let t = by.entry(g.cod_gestione).or_insert((Money::ZERO, Money::ZERO));
            t.0 += g.imponibile;
            t.1 += g.contributo;
        }
    }
    by.into_iter().map(|(c, (i, k))| (c, i, k)).collect()
}

/// Checks and, when clean, stores the file at `path` as the declaration of `position`. Returns the id of
/// the attempt. A file that is not a ListaPosPA declaration, or is another position's, is refused with
/// nothing stored.
pub async fn importa(
    db: &Db,
    user_id: i64,
    position_id: i64,
    position_code: &str,
    path: PathBuf,
    nome_file: &str,
    now: i64,
) -> Result<i64, AppError> {
    let first = path.clone();
    let lettura: Lettura = tokio::task::spawn_blocking(move || leggi(open(&first)?, Limiti::default()))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|Illeggibile(why)| AppError::invalid(why))?;
    let (cf, prg) = (lettura.cf_azienda.clone().unwrap_or_default(), lettura.prg_azienda.clone().unwrap_or_default());
    let code = PartitaIva::parse(&cf)
        .ok()
        .zip(prg.parse::<u32>().ok())
        .and_then(|(cf, prg)| PositionCode::public(&cf, prg).ok());
    if code.as_ref().map(PositionCode::as_str) != Some(position_code) {
        return Err(AppError::invalid(format!(
            "Il file è di un'altra posizione (CFAzienda {cf}, PRGAZIENDA {prg}): non corrisponde a {position_code}."
        )));
    }
    let periodo = lettura.anno_mese.map(|p| p.iso()).unwrap_or_default();
    let accettata = lettura.numero_errori == 0;
    let mut tx = db.begin_write().await?;
    let denuncia_id = if accettata {
        let (sede_id, sede_code): (i64, String) =
            sqlx::query_as("SELECT s.id, s.code FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1")
                .bind(position_id)
                .fetch_one(&mut *tx)
                .await?;
        let protocollo = prossimo_protocollo(&mut tx, sede_id, &sede_code, rome_date(now).year()).await?;
        let (imponibile, contributi) =
            lettura.totali.values().fold((Money::ZERO, Money::ZERO), |(i, c), (ti, tc)| (i + *ti, c + *tc));
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dma_denunce (position_id, period, submitted_on, protocol, workers, imponibile_cents, \
             contributi_cents, errors, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'accettata') RETURNING id",
        )
        .bind(position_id)
        .bind(&periodo)
        .bind(iso_date(rome_date(now)))
        .bind(&protocollo)
        .bind(lettura.lavoratori as i64)
        .bind(imponibile.cents())
        .bind(contributi.cents())
        .fetch_one(&mut *tx)
        .await?;
        // Second reading: the workers go to the database as they are read (a bounded channel).
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<(String, String, Vec<(u8, Money, Money)>)>(256);
        let second = path.clone();
        let reading = tokio::task::spawn_blocking(move || {
            leggi_lavoratori(open(&second)?, Limiti::default(), &mut |l| {
                let name = format!("{} {}", l.cognome, l.nome);
                let _ = sender.blocking_send((l.codice_fiscale.clone(), name, righe(l)));
            })
        });
        while let Some((cf, name, rows)) = receiver.recv().await {
            for (cod, imponibile, contributo) in rows {
                sqlx::query(
                    "INSERT INTO dma_lavoratori (denuncia_id, worker_cf, worker_name, gestione, imponibile_cents, \
                     contributi_cents) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&cf)
                .bind(&name)
                .bind(voce_gestione(cod))
                .bind(imponibile.cents())
                .bind(contributo.cents())
                .execute(&mut *tx)
                .await?;
            }
        }
        reading.await.map_err(|_| AppError::Internal)?.map_err(|Illeggibile(why)| AppError::invalid(why))?;
        Some(id)
    } else {
        None
    };
    let importazione: i64 = sqlx::query_scalar(
        "INSERT INTO dma_importazioni (position_id, user_id, nome_file, periodo, lavoratori, numero_errori, stato, \
         denuncia_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(position_id)
    .bind(user_id)
    .bind(nome_file)
    .bind(&periodo)
    .bind(lettura.lavoratori as i64)
    .bind(lettura.numero_errori as i64)
    .bind(if accettata { "accettata" } else { "scartata" })
    .bind(denuncia_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for e in &lettura.errori {
        sqlx::query(
            "INSERT INTO dma_import_errori (importazione_id, codice_fiscale, periodo, elemento, codice, descrizione) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(importazione)
        .bind(&e.codice_fiscale)
        .bind(e.periodo.clone().unwrap_or_default())
        .bind(&e.elemento)
        .bind(&e.codice)
        .bind(&e.descrizione)
        .execute(&mut *tx)
        .await?;
    }
    super::feedback::registra_uso(&mut tx, user_id, "dma-invio", &importazione.to_string(), now).await?;
    tx.commit().await?;
    Ok(importazione)
}

/// Imports a hand-compiled declaration of a public position: its heading is the position's own, its XML
/// goes through `importa` like an uploaded file.
pub async fn importa_bozza(
    db: &Db,
    user_id: i64,
    position_id: i64,
    position_code: &str,
    mut bozza: BozzaDenuncia,
    now: i64,
) -> Result<i64, AppError> {
    let code = PositionCode::parse(position_code).map_err(|_| AppError::NotFound)?;
    let (Some(cf), Some(prg)) = (code.ente_cf(), code.prg_azienda()) else {
        return Err(AppError::invalid("La denuncia ListaPosPA riguarda le posizioni delle amministrazioni pubbliche."));
    };
    bozza.cf_azienda = cf.as_str().to_string();
    bozza.prg_azienda = format!("{prg:05}");
    // Only an unreadable month stops it here; the problems of the records are the import's to record.
    bozza.verifica().map_err(AppError::invalid)?;
    if bozza.lavoratori.is_empty() {
        return Err(AppError::invalid("Inserisca almeno un lavoratore."));
    }
    let mut random = [0u8; 12];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
    let path = std::env::temp_dir().join(format!("cassetto-dma-manuale-{}.xml", hex::encode(random)));
    tokio::fs::write(&path, bozza.scrivi_xml()).await.map_err(|e| {
        tracing::error!(error = %e, "cannot write the declaration");
        AppError::Internal
    })?;
    let nome = format!("compilazione-manuale-{}.xml", testo(&bozza.mese));
    let result = importa(db, user_id, position_id, position_code, path.clone(), &nome, now).await;
    let _ = tokio::fs::remove_file(&path).await;
    result
}

/// One attempt of a position, with its problems.
pub async fn importazione(db: &Db, position_id: i64, id: i64) -> Result<DmaImportazione, AppError> {
    let row: Option<(i64, String, String, i64, i64, String, i64)> = sqlx::query_as(
        "SELECT id, nome_file, periodo, lavoratori, numero_errori, stato, at FROM dma_importazioni \
         WHERE id = $1 AND position_id = $2",
    )
    .bind(id)
    .bind(position_id)
    .fetch_optional(db.pool())
    .await?;
    let (id, nome_file, periodo, lavoratori, numero_errori, stato, at) = row.ok_or(AppError::NotFound)?;
    let errori: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT codice_fiscale, periodo, elemento, codice, descrizione FROM dma_import_errori \
         WHERE importazione_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let errori = errori
        .into_iter()
        .map(|(codice_fiscale, periodo, elemento, codice, descrizione)| DmaErrore {
            codice_fiscale,
            periodo,
            elemento,
            codice,
            descrizione,
        })
        .collect();
    Ok(DmaImportazione {
        id,
        nome_file,
        periodo,
        lavoratori,
        numero_errori,
        accettata: stato == "accettata",
        at,
        errori,
    })
}

/// The problems of an attempt as CSV (semicolon-separated, as Italian spreadsheets expect).
pub fn errori_csv(i: &DmaImportazione) -> String {
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("codice_fiscale;periodo;elemento;codice;descrizione\n");
    for e in &i.errori {
        let cells = [&e.codice_fiscale, &e.periodo, &e.elemento, &e.codice, &e.descrizione];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(";"));
        out.push('\n');
    }
    out
}
