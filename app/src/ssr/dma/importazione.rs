//! Importing a ListaPosPA file for a position. The upload is spooled to a file first (the caller's job),
//! then read twice as a stream: once to check it, and, only if it is clean, once more to store its
//! workers — so memory stays bounded whatever the file's size, and a refused file stores nothing of the
//! declaration (only the attempt and its problems, to show and download).

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::PathBuf;

use chrono::Datelike;

use super::listapospa::{Illeggibile, Lettura, Limiti, leggi, leggi_lavoratori};
use crate::domain::dma::listapospa::{Errore, Gravita, Lavoratore, check, check_intestazioni, scrivi_importi};
use crate::domain::dma::manuale::{BozzaDenuncia, testo};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::position_code::PositionCode;
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::model::{DenunciaInVigore, DmaErrore, DmaImportazione, EsitoInvioDma};
use crate::ssr::comunicazioni::prossimo_protocollo;
use crate::ssr::db::{Db, iso_date, parse_iso_date};

fn open(path: &PathBuf) -> Result<BufReader<std::fs::File>, Illeggibile> {
    std::fs::File::open(path)
        .map(BufReader::new)
        .map_err(|_| Illeggibile("Il file caricato non è leggibile.".to_string()))
}

/// One line of a worker in the DMA pages: a gestione (`Gestione::voce`) with its amounts summed over the
/// periods, every amount element of the file kept (`Gestione::importi`).
#[derive(Debug, Default)]
struct Riga {
    imponibile: Money,
    contributo: Money,
    importi: Vec<(String, Money)>,
}

/// Adds `importi` to the amounts of a line, element by element.
fn somma_importi(righe: &mut Vec<(String, Money)>, importi: &[(String, Money)]) {
    for (elemento, importo) in importi {
        match righe.iter_mut().find(|(e, _)| e == elemento) {
            Some((_, m)) => *m += *importo,
            None => righe.push((elemento.clone(), *importo)),
        }
    }
}

/// One worker's lines, of the E0 periods, or of the V1 periods in a variation (a file of V1 periods only),
/// in the order of their CodGestione. The amounts of the periods themselves (outside their Gestioni, named
/// `Periodo/…`) belong to no gestione: they go with the worker's first line.
fn righe(l: &Lavoratore, variazione: bool) -> Vec<(String, Riga)> {
    let mut by: BTreeMap<(u8, String), Riga> = BTreeMap::new();
    let mut del_periodo = Vec::new();
    for p in l.periodi.iter().filter(|p| (p.blocco == crate::domain::dma::listapospa::Blocco::E0) != variazione) {
        for g in &p.gestioni {
            let r = by.entry((g.cod_gestione, g.voce())).or_default();
            r.imponibile += g.imponibile;
            r.contributo += g.contributo;
            somma_importi(&mut r.importi, &g.importi);
        }
        somma_importi(&mut del_periodo, &p.importi);
    }
    let mut righe: Vec<(String, Riga)> = by.into_iter().map(|((_, voce), r)| (voce, r)).collect();
    if !del_periodo.is_empty() {
        if righe.is_empty() {
            righe.push((SENZA_GESTIONE.to_string(), Riga::default()));
        }
        somma_importi(&mut righe[0].1.importi, &del_periodo);
    }
    righe
}

/// A worker's warnings as the consultation's columns show them: the codes, and each description with its
/// period.
fn avvisi_del_lavoratore(avvisi: &[Errore]) -> Option<(String, String)> {
    if avvisi.is_empty() {
        return None;
    }
    let codici = avvisi.iter().map(|e| e.codice.as_str()).collect::<Vec<_>>().join(", ");
    let testi = avvisi
        .iter()
        .map(|e| match &e.periodo {
            Some(p) => format!("{} ({p}): {}", e.codice, e.descrizione),
            None => format!("{}: {}", e.codice, e.descrizione),
        })
        .collect::<Vec<_>>()
        .join(" | ");
    Some((codici, testi))
}

/// The line of a worker who has warnings but no gestione in the periods stored.
const SENZA_GESTIONE: &str = "Nessuna gestione";

/// Workers stored per transaction: a large file is stored in many short transactions, so the SQLite write
/// lock is held for one batch at a time (logins and sessions write in between).
pub const LOTTO: usize = 500;

/// Called after each batch is committed, with its number (from 1): a test pauses there to act while an
/// import is half stored. Keyed by the name of the uploaded file; nothing registered, nothing called.
pub type LottoHook = std::sync::Arc<dyn Fn(u64) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

static LOTTO_HOOKS: std::sync::Mutex<Vec<(String, LottoHook)>> = std::sync::Mutex::new(Vec::new());

#[doc(hidden)]
pub fn dopo_ogni_lotto(nome_file: &str, hook: LottoHook) {
    if let Ok(mut hooks) = LOTTO_HOOKS.lock() {
        hooks.push((nome_file.to_string(), hook));
    }
}

fn lotto_hook(nome_file: &str) -> Option<LottoHook> {
    LOTTO_HOOKS.lock().ok()?.iter().find(|(n, _)| n == nome_file).map(|(_, h)| h.clone())
}

/// Removes a declaration that never completed (its workers first, in batches), leaving the completed ones.
async fn rimuovi_incompleta(db: &Db, denuncia_id: i64) -> Result<(), AppError> {
    loop {
        let mut tx = db.begin_write().await?;
        let removed = sqlx::query(
            "DELETE FROM dma_lavoratori WHERE id IN (SELECT l.id FROM dma_lavoratori l JOIN dma_denunce d \
             ON d.id = l.denuncia_id WHERE l.denuncia_id = $1 AND d.completa = 0 LIMIT 5000)",
        )
        .bind(denuncia_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if removed == 0 {
            sqlx::query("DELETE FROM dma_denunce WHERE id = $1 AND completa = 0")
                .bind(denuncia_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        if removed == 0 {
            return Ok(());
        }
    }
}

/// Removes the imports left incomplete by a process that stopped before `before` (unix seconds); at start.
pub async fn clean_incomplete(db: &Db, before: i64) -> Result<usize, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM dma_denunce WHERE completa = 0 AND avviata_at < $1")
        .bind(before)
        .fetch_all(db.pool())
        .await?;
    for id in &ids {
        rimuovi_incompleta(db, *id).await?;
    }
    Ok(ids.len())
}

/// The monthly declaration in force of a position for `periodo` (ISO `YYYY-MM`), if any.
const IN_VIGORE: &str = "SELECT id, period, submitted_on, protocol FROM dma_denunce WHERE position_id = $1 \
                         AND period = $2 AND tipo = 'mensile' AND completa = 1 AND sostituita_da IS NULL";

type RigaInVigore = (i64, String, String, String);

fn in_vigore_da_riga((id, periodo, inviata, protocollo): RigaInVigore) -> Result<DenunciaInVigore, AppError> {
    Ok(DenunciaInVigore {
        id,
        periodo: periodo.parse().map_err(|_| AppError::Internal)?,
        inviata_il: parse_iso_date(&inviata)?,
        protocollo,
    })
}

/// The declaration a confirmation names (`EsitoInvioDma::DaConfermare`), for the page that asks it: one of
/// the position's, complete.
pub async fn denuncia(db: &Db, position_id: i64, id: i64) -> Result<DenunciaInVigore, AppError> {
    let row: Option<RigaInVigore> = sqlx::query_as(
        "SELECT id, period, submitted_on, protocol FROM dma_denunce WHERE id = $1 AND position_id = $2 AND completa = 1",
    )
    .bind(id)
    .bind(position_id)
    .fetch_optional(db.pool())
    .await?;
    in_vigore_da_riga(row.ok_or(AppError::NotFound)?)
}

/// Checks and, when clean, stores the file at `path` as the declaration of `position`. Returns the id of
/// the attempt. A file that is not a ListaPosPA declaration, or is another position's, is refused with
/// nothing stored.
///
/// A clean monthly declaration for a month that already has one in force replaces it only when `sostituisce`
/// names that one (the user saw the notice and confirmed): otherwise nothing is stored and the answer is
/// `DaConfermare` with the declaration in force. Checked again in the last transaction, so a declaration of
/// the month completed meanwhile by another import is never replaced unseen.
///
/// The workers are stored in batches of `LOTTO`, each its own transaction, under a declaration row that the
/// consultation does not see (`completa = 0`) until the last transaction gives it its protocol and completes
/// it together with the attempt; a failure removes what was stored. Run it where it cannot be cancelled
/// halfway (`tokio::spawn`): a dropped import leaves its rows to the sweep at the next start.
pub async fn import(
    db: &Db,
    user_id: i64,
    position_id: i64,
    position_code: &str,
    path: PathBuf,
    nome_file: &str,
    sostituisce: Option<i64>,
    now: i64,
) -> Result<EsitoInvioDma, AppError> {
    // Counted before the file is read: reading is the cost the limit is about, and each attempt is an upload.
    crate::ssr::limiti::consuma_subito(db, user_id, crate::ssr::limiti::Uso::Caricamento, now).await?;
    let first = path.clone();
    let lettura: Lettura = tokio::task::spawn_blocking(move || leggi(open(&first)?, Limiti::default()))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|Illeggibile(why)| AppError::invalid(why))?;
    // Every ListaPosPA of the file is the position's, written as its code has it (PRGAZIENDA "0" is not
    // "00000"), all of one month.
    let (cf_ente, prg) =
        PositionCode::parse(position_code).ok().and_then(|c| c.ente_cf().zip(c.prg_azienda())).ok_or_else(|| {
            AppError::invalid("La denuncia ListaPosPA riguarda le posizioni delle amministrazioni pubbliche.")
        })?;
    check_intestazioni(&lettura.intestazioni, cf_ente.as_str(), &format!("{prg:05}"), position_code)
        .map_err(AppError::invalid)?;
    let periodo = lettura.anno_mese.map(|p| p.iso()).unwrap_or_default();
    // Blocking errors refuse the file; warnings only, and it is acquired "con errori" (`REGOLE`).
    let accettata = lettura.numero_bloccanti() == 0;
    let avvisi = lettura.numero_avvisi as i64;
    // Corrections only: a variation, with the totals of its V1 periods, not the month's declaration.
    let variazione = lettura.periodi_e0 == 0 && lettura.periodi_v1 > 0;
    // Asked before a worker is stored: a month already declared is replaced only on confirmation.
    if accettata && !variazione {
        let row: Option<RigaInVigore> =
            sqlx::query_as(IN_VIGORE).bind(position_id).bind(&periodo).fetch_optional(db.pool()).await?;
        if let Some(d) = row.map(in_vigore_da_riga).transpose()?
            && sostituisce != Some(d.id)
        {
            return Ok(EsitoInvioDma::DaConfermare(d));
        }
    }
    let denuncia_id = if accettata {
        let totali = if variazione { &lettura.totali_variazioni } else { &lettura.totali };
        let (imponibile, contributi) =
            totali.values().fold((Money::ZERO, Money::ZERO), |(i, c), (ti, tc)| (i + *ti, c + *tc));
        // Invisible until complete; its protocol comes with the last transaction (a failed import takes none).
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO dma_denunce (position_id, period, submitted_on, protocol, workers, imponibile_cents, \
             contributi_cents, errors, status, completa, avviata_at, tipo) \
             VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, 0, $9, $10) RETURNING id",
        )
        .bind(position_id)
        .bind(&periodo)
        .bind(iso_date(rome_date(now)))
        .bind(lettura.lavoratori as i64)
        .bind(imponibile.cents())
        .bind(contributi.cents())
        .bind(avvisi)
        .bind(if avvisi > 0 { "accettata con errori" } else { "accettata" })
        .bind(now)
        .bind(if variazione { "variazione" } else { "mensile" })
        .fetch_one(db.pool())
        .await?;
        let mese = lettura.anno_mese.ok_or(AppError::Internal)?;
        match salva_lavoratori(db, id, &path, nome_file, variazione, mese).await {
            Ok(()) => Some(id),
            Err(e) => {
                if let Err(cleanup) = rimuovi_incompleta(db, id).await {
                    tracing::error!(denuncia = id, error = %cleanup, "cannot remove an incomplete declaration");
                }
                return Err(e);
            }
        }
    } else {
        None
    };
    let sostituzione = (!variazione).then_some(sostituisce);
    let completed =
        completa(db, user_id, position_id, denuncia_id, sostituzione, &lettura, &periodo, nome_file, now).await;
    if let (Err(_) | Ok(EsitoInvioDma::DaConfermare(_)), Some(id)) = (&completed, denuncia_id)
        && let Err(cleanup) = rimuovi_incompleta(db, id).await
    {
        tracing::error!(denuncia = id, error = %cleanup, "cannot remove an incomplete declaration");
    }
    completed
}

/// What the second reading stores of one worker: codice fiscale, name, lines, warnings (codes, texts).
type Registrato = (String, String, Vec<(String, Riga)>, Option<(String, String)>);

/// Second reading: the workers go to the database as they are read (a bounded channel), `LOTTO` per
/// transaction, each with its warnings on its first line (the rules of `mese` run again on the record: every
/// warning of every worker is kept, not only the first `Limiti::max_errori` of the file).
async fn salva_lavoratori(
    db: &Db,
    id: i64,
    path: &std::path::Path,
    nome_file: &str,
    variazione: bool,
    mese: Period,
) -> Result<(), AppError> {
    let hook = lotto_hook(nome_file);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Registrato>(256);
    let second = path.to_path_buf();
    let reading = tokio::task::spawn_blocking(move || {
        leggi_lavoratori(open(&second)?, Limiti::default(), &mut |l| {
            let name = format!("{} {}", l.cognome, l.nome);
            let avvisi: Vec<Errore> = check(l, mese).into_iter().filter(Errore::avviso).collect();
            let _ = sender.blocking_send((
                l.codice_fiscale.clone(),
                name,
                righe(l, variazione),
                avvisi_del_lavoratore(&avvisi),
            ));
        })
    });
    let mut lotto = Vec::with_capacity(LOTTO);
    let mut numero = 0u64;
    loop {
        let next = receiver.recv().await;
        let fine = next.is_none();
        lotto.extend(next);
        if lotto.len() < LOTTO && !fine {
            continue;
        }
        if !lotto.is_empty() {
            let mut tx = db.begin_write().await?;
            for (cf, name, mut rows, mut avvisi) in lotto.drain(..) {
                if rows.is_empty() && avvisi.is_some() {
                    rows.push((SENZA_GESTIONE.to_string(), Riga::default()));
                }
                for (voce, riga) in rows {
                    let (codici, testi) = avvisi.take().unzip();
                    sqlx::query(
                        "INSERT INTO dma_lavoratori (denuncia_id, worker_cf, worker_name, gestione, imponibile_cents, \
                         contributi_cents, importi, error_code, error_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(id)
                    .bind(&cf)
                    .bind(&name)
                    .bind(voce)
                    .bind(riga.imponibile.cents())
                    .bind(riga.contributo.cents())
                    .bind(scrivi_importi(&riga.importi))
                    .bind(codici)
                    .bind(testi)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            numero += 1;
            if let Some(hook) = &hook {
                hook(numero).await;
            }
        }
        if fine {
            break;
        }
    }
    reading.await.map_err(|_| AppError::Internal)?.map_err(|Illeggibile(why)| AppError::invalid(why))?;
    Ok(())
}

/// The last transaction: the declaration (if any) gets its protocol and becomes visible, with the attempt,
/// its problems and the use of the service. A monthly declaration (`sostituzione` given: the id confirmed, if
/// any) first takes the place of the one in force for the month, which must be the one confirmed.
#[allow(clippy::too_many_arguments)]
async fn completa(
    db: &Db,
    user_id: i64,
    position_id: i64,
    denuncia_id: Option<i64>,
    sostituzione: Option<Option<i64>>,
    lettura: &Lettura,
    periodo: &str,
    nome_file: &str,
    now: i64,
) -> Result<EsitoInvioDma, AppError> {
    let mut tx = db.begin_write().await?;
    if let (Some(id), Some(confermata)) = (denuncia_id, sostituzione) {
        let row: Option<RigaInVigore> =
            sqlx::query_as(IN_VIGORE).bind(position_id).bind(periodo).fetch_optional(&mut *tx).await?;
        if let Some(d) = row.map(in_vigore_da_riga).transpose()? {
            if confermata != Some(d.id) {
                // Another declaration of the month was completed since the check: the user has not seen it.
                return Ok(EsitoInvioDma::DaConfermare(d));
            }
            // Before the new one completes: the unique index allows one declaration in force per month.
            sqlx::query("UPDATE dma_denunce SET sostituita_da = $1 WHERE id = $2")
                .bind(id)
                .bind(d.id)
                .execute(&mut *tx)
                .await?;
        }
    }
    if let Some(id) = denuncia_id {
        let (sede_id, sede_code): (i64, String) =
            sqlx::query_as("SELECT s.id, s.code FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1")
                .bind(position_id)
                .fetch_one(&mut *tx)
                .await?;
        let protocollo = prossimo_protocollo(&mut tx, sede_id, &sede_code, rome_date(now).year()).await?;
        sqlx::query("UPDATE dma_denunce SET protocol = $1, completa = 1, avviata_at = NULL WHERE id = $2")
            .bind(&protocollo)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let accettata = denuncia_id.is_some();
    let importazione: i64 = sqlx::query_scalar(
        "INSERT INTO dma_importazioni (position_id, user_id, nome_file, periodo, lavoratori, numero_errori, stato, \
         denuncia_id, at, avvisi) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(position_id)
    .bind(user_id)
    .bind(nome_file)
    .bind(periodo)
    .bind(lettura.lavoratori as i64)
    .bind(lettura.numero_errori as i64)
    .bind(if accettata { "accettata" } else { "scartata" })
    .bind(denuncia_id)
    .bind(now)
    .bind(lettura.numero_avvisi as i64)
    .fetch_one(&mut *tx)
    .await?;
    for e in &lettura.errori {
        sqlx::query(
            "INSERT INTO dma_import_errori (importazione_id, codice_fiscale, periodo, elemento, codice, descrizione, \
             avviso) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(importazione)
        .bind(&e.codice_fiscale)
        .bind(e.periodo.clone().unwrap_or_default())
        .bind(&e.elemento)
        .bind(&e.codice)
        .bind(&e.descrizione)
        .bind(i64::from(e.avviso()))
        .execute(&mut *tx)
        .await?;
    }
    crate::ssr::feedback::record_uso(&mut tx, user_id, "dma-invio", &importazione.to_string(), now).await?;
    tx.commit().await?;
    Ok(EsitoInvioDma::Importata(importazione))
}

/// Imports a hand-compiled declaration of a public position: its heading is the position's own, its XML
/// goes through `import` like an uploaded file.
pub async fn import_bozza(
    db: &Db,
    user_id: i64,
    position_id: i64,
    position_code: &str,
    mut bozza: BozzaDenuncia,
    sostituisce: Option<i64>,
    now: i64,
) -> Result<EsitoInvioDma, AppError> {
    let code = PositionCode::parse(position_code).map_err(|_| AppError::NotFound)?;
    let (Some(cf), Some(prg)) = (code.ente_cf(), code.prg_azienda()) else {
        return Err(AppError::invalid("La denuncia ListaPosPA riguarda le posizioni delle amministrazioni pubbliche."));
    };
    bozza.cf_azienda = cf.as_str().to_string();
    bozza.prg_azienda = format!("{prg:05}");
    // Only an unreadable month stops it here; the problems of the records are the import's to record.
    bozza.check().map_err(AppError::invalid)?;
    if bozza.lavoratori.is_empty() {
        return Err(AppError::invalid("Inserisca almeno un lavoratore."));
    }
    let spool = crate::ssr::spool::SpoolFile::create("cassetto-dma-manuale").map_err(|e| {
        tracing::error!(error = %e, "cannot spool the declaration");
        AppError::Internal
    })?;
    std::io::Write::write_all(&mut spool.writer().map_err(|_| AppError::Internal)?, bozza.scrivi_xml().as_bytes())
        .map_err(|e| {
            tracing::error!(error = %e, "cannot write the declaration");
            AppError::Internal
        })?;
    let nome = format!("compilazione-manuale-{}.xml", testo(&bozza.mese));
    let result =
        import(db, user_id, position_id, position_code, spool.path().to_path_buf(), &nome, sostituisce, now).await;
    drop(spool);
    result
}

/// One attempt of a position, with its problems.
pub async fn importazione(db: &Db, position_id: i64, id: i64) -> Result<DmaImportazione, AppError> {
    /// id, nome_file, periodo, lavoratori, numero_errori, avvisi, stato, at.
    type Riga = (i64, String, String, i64, i64, i64, String, i64);
    let row: Option<Riga> = sqlx::query_as(
        "SELECT id, nome_file, periodo, lavoratori, numero_errori, avvisi, stato, at FROM dma_importazioni \
         WHERE id = $1 AND position_id = $2",
    )
    .bind(id)
    .bind(position_id)
    .fetch_optional(db.pool())
    .await?;
    let (id, nome_file, periodo, lavoratori, numero_errori, avvisi, stato, at) = row.ok_or(AppError::NotFound)?;
    let errori: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT codice_fiscale, periodo, elemento, codice, descrizione, avviso FROM dma_import_errori \
         WHERE importazione_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let errori = errori
        .into_iter()
        .map(|(codice_fiscale, periodo_problema, elemento, codice, descrizione, avviso)| DmaErrore {
            codice_fiscale,
            periodo: mese_del_problema(&periodo_problema, &periodo),
            elemento,
            codice,
            descrizione,
            avviso: avviso != 0,
        })
        .collect();
    Ok(DmaImportazione {
        id,
        nome_file,
        periodo: periodo.parse().ok(),
        lavoratori,
        numero_errori,
        avvisi,
        accettata: stato == "accettata",
        at,
        errori,
    })
}

/// The month a problem concerns, as the errors table and its CSV show it (MM/YYYY): the month its period
/// starts in (a V1 period is an earlier month), or else the declaration's own (`AnnoMeseDenuncia`, ISO), for
/// the problems of a whole record or of the file. Empty only when neither can be read.
fn mese_del_problema(periodo_problema: &str, mese_denuncia: &str) -> String {
    let inizio = periodo_problema
        .split('–')
        .next()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%d/%m/%Y").ok())
        .and_then(|d| Period::from_date(d).ok());
    inizio.or_else(|| mese_denuncia.parse::<Period>().ok()).map(|p| p.to_string()).unwrap_or_default()
}

/// The problems of an attempt as CSV (semicolon-separated, as Italian spreadsheets expect). Every cell is
/// text from the file or about it, so every cell is neutralised against formulas (`domain::csv`).
pub fn errori_csv(i: &DmaImportazione) -> String {
    use crate::domain::csv::{Campo, riga};
    let mut out =
        riga(["codice_fiscale", "periodo", "elemento", "codice", "gravita", "descrizione"].map(|h| (h, Campo::Testo)));
    for e in &i.errori {
        let gravita = if e.avviso { Gravita::Avviso } else { Gravita::Bloccante }.etichetta().to_string();
        let cells = [&e.codice_fiscale, &e.periodo, &e.elemento, &e.codice, &gravita, &e.descrizione];
        out.push_str(&riga(cells.map(|c| (c.as_str(), Campo::Testo))));
    }
    // Only the first problems are kept (`Limiti::max_errori`): the list says how many it leaves out.
    let oltre = i.numero_errori - i.errori.len() as i64;
    if oltre > 0 {
        let nota = format!("… e altri {oltre} problemi non elencati");
        out.push_str(&riga([
            ("", Campo::Testo),
            ("", Campo::Testo),
            ("", Campo::Testo),
            ("", Campo::Testo),
            ("", Campo::Testo),
            (nota.as_str(), Campo::Testo),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mese_del_problema;

    #[test]
    fn a_problem_is_dated_by_its_period_or_else_by_the_declaration() {
        // A V1 period of November 2025 in a declaration of March 2026: the problem is November's.
        assert_eq!(mese_del_problema("01/11/2025–30/11/2025", "2026-03"), "11/2025");
        // A problem of the record (a codice fiscale), no period of its own: the declaration's month.
        assert_eq!(mese_del_problema("", "2026-03"), "03/2026");
        // A file whose month could not be read, and a problem without period: nothing to say.
        assert_eq!(mese_del_problema("", ""), "");
    }
}
