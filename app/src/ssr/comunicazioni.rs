//! Comunicazione bidirezionale 2.0 on the database: opening a richiesta with its protocol number, the
//! operator's actions on the quesito, the search of richieste and the taxonomy of oggetti (Agenda appuntamenti:
//! `super::agenda`).
//!
//! The callers (server functions) have already checked access with `authz`; the functions here still
//! scope every read by the owner or the Sede they are given, so a wrong id answers `NotFound`.

use chrono::Datelike;

use super::audit::{self, Entry};
use super::avvisi::{self, Notice};
use super::db::{Backend, Binds, Db};
use super::limiti::{self, Uso};
use super::outbox::{self, Channel, NewMessage};
use crate::domain::allegati;
use crate::domain::comunicazioni::{self as rules, Azione, Esito, Stato};
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::model::{
    Allegati, Avviso, OggettoAdmin, OggettoRow, RichiestaDetail, RichiestaEvento, RichiestaId, RichiestaRow,
    RichiestePage,
};

/// What the user sends. Contacts: those of the channels chosen (see `rules::recapiti`), at least one; the
/// consent is the SMS's, needed only with a mobile number.
pub struct NuovaRichiesta<'a> {
    pub position_id: i64,
    pub oggetto_id: i64,
    pub testo: &'a str,
    pub email: Option<&'a str>,
    pub telefono: Option<&'a str>,
    pub consenso_notifiche: bool,
    /// Files as received (names already cleaned by `allegati::nome_sicuro`); checked with the rest.
    pub allegati: Vec<Allegato>,
}

/// One attached file.
pub struct Allegato {
    pub nome: String,
    pub dati: Vec<u8>,
}

const MAX_TESTO: usize = 4000;

/// The same parser the outbox sends with: an address accepted here is one it can deliver to.
pub fn email_valida(s: &str) -> bool {
    s.parse::<lettre::Address>().is_ok()
}

/// The contacts of the channels the user chose, checked (`rules::recapiti`); `scelta` None reads the choice
/// from the contacts given.
pub fn recapiti(
    scelta: Option<rules::Canali>,
    email: Option<&str>,
    telefono: Option<&str>,
    consenso_sms: bool,
) -> Result<rules::Recapiti, AppError> {
    rules::recapiti(scelta, email, telefono, consenso_sms, email_valida).map_err(AppError::invalid)
}

/// Validates the richiesta before anything is stored; every refusal is a clear Italian message. The channels
/// are those of the contacts given (the form's choice has already kept only its own).
fn valida(r: &NuovaRichiesta<'_>) -> Result<(String, rules::Recapiti), AppError> {
    let testo = r.testo.trim();
    if testo.is_empty() {
        return Err(AppError::invalid("Descriva la sua richiesta."));
    }
    if testo.chars().count() > MAX_TESTO {
        return Err(AppError::invalid(format!("Il testo supera i {MAX_TESTO} caratteri.")));
    }
    let recapiti = recapiti(None, r.email, r.telefono, r.consenso_notifiche)?;
    Ok((testo.to_string(), recapiti))
}

/// Opens a richiesta: protocol number, quesito at the Sede of the position, deadline from the oggetto's
/// soglia, first timeline entry, the e-mail notice in the outbox and the audit entry, in one transaction.
pub async fn open(db: &Db, user_id: i64, r: NuovaRichiesta<'_>, now: i64) -> Result<(RichiestaId, String), AppError> {
    let (testo, recapiti) = valida(&r)?;
    let consenso_sms = recapiti.consenso_sms();
    let rules::Recapiti { email, telefono } = recapiti;
    let soglia: Option<i64> =
        sqlx::query_scalar("SELECT soglia_giorni FROM comunicazione_oggetti WHERE id = $1 AND attivo = 1")
            .bind(r.oggetto_id)
            .fetch_optional(db.pool())
            .await?;
    let soglia_giorni = soglia.ok_or_else(|| AppError::invalid("Scelga classe e oggetto."))?;
    let sede: Option<(i64, String, String)> =
        sqlx::query_as("SELECT s.id, s.code, s.name FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1")
            .bind(r.position_id)
            .fetch_optional(db.pool())
            .await?;
    let (sede_id, sede_code, sede_name) = sede.ok_or(AppError::NotFound)?;
    let anno = rome_date(now).year();
    let pacchetto = pacchetto_allegati(&r.allegati)?;

    let mut tx = db.begin_write().await?;
    // The day's limits: the richiesta, its files, and the notices it queues to the contacts typed in.
    limiti::consuma(&mut tx, user_id, Uso::Richiesta, 1, now).await?;
    limiti::consuma(&mut tx, user_id, Uso::Caricamento, i64::from(pacchetto.is_some()), now).await?;
    limiti::consuma(&mut tx, user_id, Uso::Email, i64::from(email.is_some()), now).await?;
    limiti::consuma(&mut tx, user_id, Uso::Sms, i64::from(telefono.is_some()), now).await?;
    let protocollo = prossimo_protocollo(&mut tx, sede_id, &sede_code, anno).await?;
    let id: RichiestaId = sqlx::query_scalar(
        "INSERT INTO richieste (protocollo, user_id, position_id, sede_id, oggetto_id, testo, email, telefono, \
         consenso_notifiche, stato, aperta_at, aggiornata_at, scade_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'aperta', $10, $10, $11) RETURNING id",
    )
    .bind(&protocollo)
    .bind(user_id)
    .bind(r.position_id)
    .bind(sede_id)
    .bind(r.oggetto_id)
    .bind(&testo)
    .bind(&email)
    .bind(&telefono)
    // The consent asked for is the SMS's: recorded with the mobile number it is for.
    .bind(i64::from(consenso_sms))
    .bind(now)
    .bind(rules::scadenza(now, soglia_giorni))
    .fetch_one(&mut *tx)
    .await?;
    if let Some((nomi, zip)) = &pacchetto {
        sqlx::query("INSERT INTO richiesta_allegati (richiesta_id, nomi, dimensione, zip) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(nomi)
            .bind(zip.len() as i64)
            .bind(zip.as_slice())
            .execute(&mut *tx)
            .await?;
    }
    let smistata = format!("Richiesta protocollata n. {protocollo} e assegnata alla Sede {sede_name}.");
    evento(&mut tx, id, Some(user_id), Stato::Aperta, &smistata, now).await?;
    let avviso = per_avviso(&mut tx, id).await?;
    let richiesta = avviso.richiesta();
    let (notice, sms) =
        (avvisi::richiesta_protocollata(&richiesta, now), avvisi::sms_richiesta_protocollata(&richiesta));
    notifica(&mut tx, id, avviso.contatti(), &notice, &sms, now).await?;
    let entry = Entry { actor_user_id: Some(user_id), action: "richiesta.aperta", subject: &protocollo, detail: "" };
    audit::append(&mut tx, entry, now).await?;
    super::feedback::record_uso(&mut tx, user_id, "richiesta", &id.to_string(), now).await?;
    tx.commit().await?;
    Ok((id, protocollo))
}

/// The next number of the Sede's protocol register for the year (richieste and tracciati share it, as
/// one office has one register), inside the caller's transaction.
pub async fn prossimo_protocollo(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    sede_id: i64,
    sede_code: &str,
    anno: i32,
) -> sqlx::Result<String> {
    let numero: i64 = sqlx::query_scalar(
        "INSERT INTO protocollo_contatori (sede_id, anno, ultimo) VALUES ($1, $2, 1) \
         ON CONFLICT (sede_id, anno) DO UPDATE SET ultimo = protocollo_contatori.ultimo + 1 RETURNING ultimo",
    )
    .bind(sede_id)
    .bind(i64::from(anno))
    .fetch_one(&mut **tx)
    .await?;
    Ok(rules::protocollo(sede_code, anno, numero))
}

pub(super) async fn evento(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    richiesta_id: RichiestaId,
    actor: Option<i64>,
    stato: Stato,
    commento: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO richiesta_eventi (richiesta_id, at, actor_user_id, stato, commento) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(richiesta_id)
    .bind(now)
    .bind(actor)
    .bind(stato.as_str())
    .bind(commento)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Where the user asked to be told: the contacts kept at opening, one per channel chosen.
#[derive(Clone, Copy)]
pub(super) struct Contatti<'a> {
    pub(super) email: Option<&'a str>,
    pub(super) telefono: Option<&'a str>,
}

/// A richiesta as its notices name it, with the contacts they go to.
#[derive(sqlx::FromRow)]
pub(super) struct PerAvviso {
    id: RichiestaId,
    protocollo: String,
    email: Option<String>,
    telefono: Option<String>,
    autore: String,
    sede: String,
    citta: String,
    posizione: String,
    ente: String,
    classe: String,
    oggetto: String,
    scade_at: i64,
}

impl PerAvviso {
    pub(super) fn richiesta(&self) -> avvisi::Richiesta<'_> {
        avvisi::Richiesta {
            id: self.id,
            protocollo: &self.protocollo,
            autore: &self.autore,
            sede: &self.sede,
            citta: &self.citta,
            posizione: &self.posizione,
            ente: &self.ente,
            classe: &self.classe,
            oggetto: &self.oggetto,
            scade_at: self.scade_at,
        }
    }

    pub(super) fn contatti(&self) -> Contatti<'_> {
        Contatti { email: self.email.as_deref(), telefono: self.telefono.as_deref() }
    }
}

/// Reads a richiesta for its notices, in the caller's transaction (so a richiesta just opened is found).
pub(super) async fn per_avviso(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    richiesta_id: RichiestaId,
) -> sqlx::Result<PerAvviso> {
    sqlx::query_as(
        "SELECT r.id, r.protocollo, r.email, r.telefono, u.full_name AS autore, s.name AS sede, s.city AS citta, \
         p.code AS posizione, e.denominazione AS ente, o.classe, o.oggetto, r.scade_at \
         FROM richieste r JOIN users u ON u.id = r.user_id JOIN sedi s ON s.id = r.sede_id \
         JOIN positions p ON p.id = r.position_id JOIN enti e ON e.id = p.ente_id \
         JOIN comunicazione_oggetti o ON o.id = r.oggetto_id WHERE r.id = $1",
    )
    .bind(richiesta_id)
    .fetch_one(&mut **tx)
    .await
}

/// Queues the notice on every channel the user chose (the contacts kept), and on no other: the e-mail as the
/// letter `notice` (with its calendar file, if any), the SMS as `sms`. Written in the caller's transaction, so a
/// notice exists exactly when its change does.
pub(super) async fn notifica(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    richiesta_id: RichiestaId,
    contatti: Contatti<'_>,
    notice: &Notice,
    sms: &str,
    now: i64,
) -> sqlx::Result<()> {
    if let Some(email) = contatti.email {
        let message = NewMessage {
            channel: Channel::Email,
            recipient: email,
            subject: &notice.subject,
            body: &notice.text,
            html: Some(&notice.html),
            calendar: notice.calendar.as_deref(),
            secret: None,
            delega_id: None,
            richiesta_id: Some(richiesta_id.0),
        };
        outbox::enqueue(tx, message, now).await?;
    }
    if let Some(telefono) = contatti.telefono {
        let message = NewMessage {
            channel: Channel::Sms,
            recipient: telefono,
            subject: "SMS",
            body: sms,
            html: None,
            calendar: None,
            secret: None,
            delega_id: None,
            richiesta_id: Some(richiesta_id.0),
        };
        outbox::enqueue(tx, message, now).await?;
    }
    Ok(())
}

/// Checks a set of attachments (the limits of `domain::allegati`) and packs them: the names, one per line,
/// and the zip; `None` when there are none.
pub fn pacchetto_allegati(files: &[Allegato]) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let check: Vec<allegati::File<'_>> =
        files.iter().map(|a| allegati::File { nome: &a.nome, dati: &a.dati }).collect();
    allegati::check(&check).map_err(AppError::invalid)?;
    if files.is_empty() {
        return Ok(None);
    }
    let nomi: Vec<&str> = files.iter().map(|a| a.nome.as_str()).collect();
    Ok(Some((nomi.join("\n"), zip_of(files)?)))
}

/// The attachments as one zip, each file under its own name, deflated.
fn zip_of(files: &[Allegato]) -> Result<Vec<u8>, AppError> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "zip of the attachments");
        AppError::Internal
    };
    for f in files {
        writer.start_file(f.nome.as_str(), options).map_err(|e| internal(&e))?;
        writer.write_all(&f.dati).map_err(|e| internal(&e))?;
    }
    Ok(writer.finish().map_err(|e| internal(&e))?.into_inner())
}

/// The zip of a richiesta's attachments and the protocol it belongs to, if it has any. The caller has
/// checked that the reader may see the richiesta.
pub async fn allegati_zip(db: &Db, richiesta_id: RichiestaId) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT r.protocollo, a.zip FROM richiesta_allegati a JOIN richieste r ON r.id = a.richiesta_id \
         WHERE a.richiesta_id = $1",
    )
    .bind(richiesta_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row)
}

/// An operator's action on a quesito of their Sede; returns the new status. The update is conditional on
/// the status read, so two operators acting at once cannot both move it.
pub async fn act(
    db: &Db,
    operator_id: i64,
    operator_sede: i64,
    richiesta_id: RichiestaId,
    azione: Azione,
    commento: &str,
    now: i64,
) -> Result<Stato, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT stato, protocollo FROM richieste WHERE id = $1 AND sede_id = $2")
            .bind(richiesta_id)
            .bind(operator_sede)
            .fetch_optional(db.pool())
            .await?;
    let (stato, protocollo) = row.ok_or(AppError::NotFound)?;
    let corrente = Stato::parse(&stato).ok_or(AppError::Internal)?;
    let nuovo = rules::transizione(corrente, azione, commento).map_err(AppError::invalid)?;
    let esito = match azione {
        Azione::Chiudi(esito) => Some(esito),
        _ => None,
    };
    let mut tx = db.begin_write().await?;
    let moved =
        sqlx::query("UPDATE richieste SET stato = $1, esito = $2, aggiornata_at = $3 WHERE id = $4 AND stato = $5")
            .bind(nuovo.as_str())
            .bind(esito.map(Esito::as_str))
            .bind(now)
            .bind(richiesta_id)
            .bind(corrente.as_str())
            .execute(&mut *tx)
            .await?;
    if moved.rows_affected() != 1 {
        return Err(AppError::invalid("Il quesito è stato modificato nel frattempo: ricarichi la pagina."));
    }
    let testo = match (azione, commento.trim()) {
        (Azione::PrendiInCarico, "") => "Quesito preso in carico.".to_string(),
        (Azione::Chiudi(Esito::Accolta), c) => format!("Esito: accolta. {c}"),
        (Azione::Chiudi(Esito::NonAccolta), c) => format!("Esito: non accolta. {c}"),
        (_, c) => c.to_string(),
    };
    evento(&mut tx, richiesta_id, Some(operator_id), nuovo, &testo, now).await?;
    if let Azione::Chiudi(esito) = azione {
        let avviso = per_avviso(&mut tx, richiesta_id).await?;
        let richiesta = avviso.richiesta();
        let accolta = esito == Esito::Accolta;
        let notice = avvisi::richiesta_chiusa(&richiesta, accolta, commento);
        let sms = avvisi::sms_richiesta_chiusa(&richiesta, accolta);
        notifica(&mut tx, richiesta_id, avviso.contatti(), &notice, &sms, now).await?;
    }
    let action = match azione {
        Azione::PrendiInCarico => "quesito.in_carico",
        Azione::Commenta => "quesito.commento",
        Azione::Chiudi(_) => "quesito.chiuso",
    };
    audit::append(&mut tx, Entry { actor_user_id: Some(operator_id), action, subject: &protocollo, detail: "" }, now)
        .await?;
    tx.commit().await?;
    Ok(nuovo)
}

// ---- Reading ---------------------------------------------------------------------------------------

const ROW_SELECT: &str = "\
    SELECT r.id, r.protocollo, p.code AS position_code, e.denominazione, o.classe, o.oggetto, r.stato, r.esito, \
           r.aperta_at, r.aggiornata_at, r.scade_at, u.full_name AS autore \
    FROM richieste r JOIN positions p ON p.id = r.position_id JOIN enti e ON e.id = p.ente_id \
    JOIN comunicazione_oggetti o ON o.id = r.oggetto_id JOIN users u ON u.id = r.user_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: RichiestaId,
    protocollo: String,
    position_code: String,
    denominazione: String,
    classe: String,
    oggetto: String,
    stato: String,
    esito: Option<String>,
    aperta_at: i64,
    aggiornata_at: i64,
    scade_at: i64,
    autore: String,
}

fn to_row(r: Row, now: i64) -> Result<RichiestaRow, AppError> {
    let stato = Stato::parse(&r.stato).ok_or(AppError::Internal)?;
    let esito = r.esito.as_deref().map(|e| Esito::parse(e).ok_or(AppError::Internal)).transpose()?;
    Ok(RichiestaRow {
        id: r.id,
        protocollo: r.protocollo,
        position_code: r.position_code,
        denominazione: r.denominazione,
        classe: r.classe,
        oggetto: r.oggetto,
        stato,
        esito,
        aperta_at: r.aperta_at,
        aggiornata_at: r.aggiornata_at,
        scade_at: r.scade_at,
        in_ritardo: rules::in_ritardo(stato, r.scade_at, now),
        autore: r.autore,
    })
}

/// The richieste on the positions `user` holds as their Ente's datore, as an SQL condition on `r`
/// (`authz::held_positions`: the rule lives there), the user bound at the placeholder `user`.
fn on_held_positions(user: &str) -> String {
    let held = super::authz::held_positions(super::authz::ScopeNeed::GestioneContributiva, user);
    format!("r.position_id IN ({held})")
}

/// The page of richieste a list asks for, with the taxonomy (for its filter) — only the viewer's own:
/// the author's richieste, those on the positions the datore holds, or those routed to the operator's Sede.
/// (The datore's view reads the richieste of their few positions through `richieste_position`.)
pub async fn search(db: &Db, viewer: Viewer, r: &rules::Ricerca, now: i64) -> Result<RichiestePage, AppError> {
    let mut binds = Binds::default();
    let mut conditions = vec![match viewer {
        Viewer::Author(user) => format!("r.user_id = {}", binds.push(user)),
        Viewer::Titolare(user) => on_held_positions(&binds.push(user)),
        Viewer::Sede(sede) => format!("r.sede_id = {}", binds.push(sede)),
    }];
    if let Some(p) = &r.posizione {
        conditions.push(format!("p.code >= {}", binds.push(p.clone())));
        if let Some(end) = rules::fine_prefisso(p) {
            conditions.push(format!("p.code < {}", binds.push(end)));
        }
    }
    if let Some(o) = r.oggetto {
        conditions.push(format!("r.oggetto_id = {}", binds.push(o)));
    }
    match r.stato {
        rules::FiltroStato::Tutti => {}
        rules::FiltroStato::DaLavorare => conditions.push("r.stato <> 'chiusa'".to_string()),
        rules::FiltroStato::Solo(stato) => {
            conditions.push(format!("r.stato = {}", binds.push(stato.as_str().to_string())))
        }
    }
    for (column, (from, to)) in [("r.aperta_at", r.aperta), ("r.aggiornata_at", r.aggiornata)] {
        if let Some(from) = from {
            conditions.push(format!("{column} >= {}", binds.push(from)));
        }
        if let Some(to) = to {
            conditions.push(format!("{column} < {}", binds.push(to)));
        }
    }
    if r.solo_scadute {
        conditions.push(format!("r.stato <> 'chiusa' AND r.scade_at <= {}", binds.push(now)));
    }
    let filter = conditions.join(" AND ");
    let column = match r.ordine {
        rules::Ordine::Protocollo => "r.protocollo",
        rules::Ordine::Apertura => "r.aperta_at",
        rules::Ordine::Aggiornamento => "r.aggiornata_at",
        rules::Ordine::Scadenza => "r.scade_at",
    };
    let dir = if r.desc { "DESC" } else { "ASC" };
    let per_page = i64::from(rules::PER_PAGINA);
    // How SQLite is to read the matches: it keeps no statistics (see `Db::connect`), so it cannot weigh the
    // ways by itself; PostgreSQL can, and joins freely. A code prefix: the index of the codes says how many
    // positions it names; a few are read first and their richieste looked up, many are checked one by one
    // along the richieste (CROSS JOIN fixes that order in SQLite).
    let sqlite = db.backend() == Backend::Sqlite;
    let from = match &r.posizione {
        None => "richieste r",
        Some(_) if !sqlite => "richieste r JOIN positions p ON p.id = r.position_id",
        Some(prefix) if few_positions(db, prefix).await? => {
            "positions p CROSS JOIN richieste r ON r.position_id = p.id"
        }
        Some(_) => "richieste r CROSS JOIN positions p ON p.id = r.position_id",
    };
    let count_sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {filter} LIMIT {}) matches",
        rules::CONTEGGIO_MASSIMO + 1
    );
    use sqlx::Row as _;
    let counted: i64 = binds.bind(&count_sql).fetch_one(db.pool()).await?.try_get(0)?;
    let (totale, oltre) = (counted.min(rules::CONTEGGIO_MASSIMO), counted > rules::CONTEGGIO_MASSIMO);
    // The page is clamped to the pages counted before it becomes an offset: a page past them shows the last.
    let pagina = crate::model::clamp_page(r.pagina, totale, rules::PER_PAGINA);
    let offset = i64::from(pagina) * per_page;
    // Few matches: gathered and sorted; `+` keeps SQLite from walking an index in the list's order instead, which
    // for a selective filter reads the whole history to find a handful. Many: the walk in order stops at the page.
    let order = if sqlite && !oltre { format!("+{column}") } else { column.to_string() };
    // The page's ids first, then their details: the joins for the table's columns only for the rows shown.
    let rows_sql = format!(
        "{ROW_SELECT} JOIN (SELECT r.id FROM {from} WHERE {filter} ORDER BY {order} {dir}, r.id {dir} \
         LIMIT {per_page} OFFSET {offset}) page ON page.id = r.id ORDER BY {column} {dir}, r.id {dir}"
    );
    let found = binds.bind(&rows_sql).fetch_all(db.pool()).await?;
    let richieste = found
        .iter()
        .map(|row| <Row as sqlx::FromRow<'_, sqlx::any::AnyRow>>::from_row(row).map_err(AppError::from))
        .map(|row| to_row(row?, now))
        .collect::<Result<Vec<_>, _>>()?;
    let pagine = u32::try_from((totale + per_page - 1) / per_page).unwrap_or(u32::MAX).max(1);
    Ok(RichiestePage { oggetti: oggetti(db).await?, richieste, totale, oltre, pagina, pagine, vista_posizione: false })
}

/// Whether the positions whose code starts with `prefix` are few enough to be read first (at most
/// `CONTEGGIO_MASSIMO`), counted on the index of the codes.
async fn few_positions(db: &Db, prefix: &str) -> Result<bool, AppError> {
    let end = rules::fine_prefisso(prefix);
    let sql = format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM positions WHERE code >= $1{} LIMIT {}) named",
        if end.is_some() { " AND code < $2" } else { "" },
        rules::CONTEGGIO_MASSIMO + 1
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(prefix);
    if let Some(end) = end {
        query = query.bind(end);
    }
    Ok(query.fetch_one(db.pool()).await? <= rules::CONTEGGIO_MASSIMO)
}

/// The whole taxonomy, retired oggetti included, for the administrator.
pub async fn tassonomia(db: &Db) -> Result<Vec<OggettoAdmin>, AppError> {
    let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT o.id, o.classe, o.oggetto, o.soglia_giorni, o.attivo, \
         (SELECT COUNT(*) FROM richieste r WHERE r.oggetto_id = o.id) FROM comunicazione_oggetti o ORDER BY o.classe, o.id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, classe, oggetto, soglia_giorni, attivo, richieste)| OggettoAdmin {
            id,
            classe,
            oggetto,
            soglia_giorni,
            attivo: attivo == 1,
            richieste,
        })
        .collect())
}

/// An oggetto as the administrator's form sends it (`id` None: a new one).
pub struct OggettoDaSalvare<'a> {
    pub id: Option<i64>,
    pub classe: &'a str,
    pub oggetto: &'a str,
    pub soglia_giorni: i64,
    pub attivo: bool,
}

/// Tempi soglia an administrator may set, in days.
const SOGLIA_MAX_GIORNI: i64 = 365;
const MAX_NOME_TASSONOMIA: usize = 80;

/// Adds an oggetto (`id` None) or changes one. Names and threshold are checked; an oggetto is retired
/// (`attivo` false), never deleted, so past richieste keep it. A new threshold applies to richieste sent
/// from now on: those already sent keep the deadline fixed at their opening.
pub async fn save_oggetto(db: &Db, admin_id: i64, o: OggettoDaSalvare<'_>, now: i64) -> Result<i64, AppError> {
    let OggettoDaSalvare { id, classe, oggetto, soglia_giorni, attivo } = o;
    let (classe, oggetto) = (classe.trim(), oggetto.trim());
    if classe.is_empty() || oggetto.is_empty() {
        return Err(AppError::invalid("Indichi classe e oggetto."));
    }
    if classe.chars().count() > MAX_NOME_TASSONOMIA || oggetto.chars().count() > MAX_NOME_TASSONOMIA {
        return Err(AppError::invalid(format!("Classe e oggetto hanno al massimo {MAX_NOME_TASSONOMIA} caratteri.")));
    }
    if !(1..=SOGLIA_MAX_GIORNI).contains(&soglia_giorni) {
        return Err(AppError::invalid(format!("I tempi soglia vanno da 1 a {SOGLIA_MAX_GIORNI} giorni.")));
    }
    let mut tx = db.begin_write().await?;
    let saved = match id {
        None => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO comunicazione_oggetti (classe, oggetto, soglia_giorni, attivo) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(classe)
            .bind(oggetto)
            .bind(soglia_giorni)
            .bind(i64::from(attivo))
            .fetch_one(&mut *tx)
            .await
        }
        Some(id) => {
            sqlx::query_scalar::<_, i64>(
                "UPDATE comunicazione_oggetti SET classe = $1, oggetto = $2, soglia_giorni = $3, attivo = $4 WHERE id = $5 RETURNING id",
            )
            .bind(classe)
            .bind(oggetto)
            .bind(soglia_giorni)
            .bind(i64::from(attivo))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .and_then(|found| found.ok_or(sqlx::Error::RowNotFound))
        }
    };
    let saved = match saved {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::invalid("Questo oggetto esiste già nella stessa classe."));
        }
        Err(sqlx::Error::RowNotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let detail =
        format!("{classe} / {oggetto}: {soglia_giorni} giorni, {}", if attivo { "attivo" } else { "ritirato" });
    let subject = format!("oggetto:{saved}");
    audit::append(
        &mut tx,
        Entry { actor_user_id: Some(admin_id), action: "tassonomia.salvata", subject: &subject, detail: &detail },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The taxonomy in force.
async fn oggetti(db: &Db) -> Result<Vec<OggettoRow>, AppError> {
    let oggetti: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, classe, oggetto, soglia_giorni FROM comunicazione_oggetti WHERE attivo = 1 ORDER BY classe, id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(oggetti
        .into_iter()
        .map(|(id, classe, oggetto, soglia_giorni)| OggettoRow { id, classe, oggetto, soglia_giorni })
        .collect())
}

/// Who reads a richiesta: its author, the datore of its Ente (whoever sent it: a delegated employee, an
/// intermediary), or an operator of its Sede.
#[derive(Clone, Copy, Debug)]
pub enum Viewer {
    Author(i64),
    Titolare(i64),
    Sede(i64),
}

pub async fn detail(db: &Db, id: RichiestaId, viewer: Viewer, now: i64) -> Result<RichiestaDetail, AppError> {
    let (condition, key) = match viewer {
        Viewer::Author(user_id) => ("r.id = $2 AND r.user_id = $1".to_string(), user_id),
        Viewer::Titolare(user_id) => (format!("r.id = $2 AND {}", on_held_positions("$1")), user_id),
        Viewer::Sede(sede_id) => ("r.id = $2 AND r.sede_id = $1".to_string(), sede_id),
    };
    let row: Option<Row> =
        sqlx::query_as(&format!("{ROW_SELECT} WHERE {condition}")).bind(key).bind(id).fetch_optional(db.pool()).await?;
    let richiesta = to_row(row.ok_or(AppError::NotFound)?, now)?;
    let testo: String =
        sqlx::query_scalar("SELECT testo FROM richieste WHERE id = $1").bind(id).fetch_one(db.pool()).await?;
    let eventi: Vec<(i64, String, Option<String>, String)> = sqlx::query_as(
        "SELECT ev.at, ev.stato, u.full_name, ev.commento FROM richiesta_eventi ev \
         LEFT JOIN users u ON u.id = ev.actor_user_id WHERE ev.richiesta_id = $1 ORDER BY ev.id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let eventi = eventi
        .into_iter()
        .map(|(at, stato, autore, commento)| {
            Ok(RichiestaEvento { at, stato: Stato::parse(&stato).ok_or(AppError::Internal)?, autore, commento })
        })
        .collect::<Result<_, AppError>>()?;
    let allegati: Option<(String, i64)> =
        sqlx::query_as("SELECT nomi, dimensione FROM richiesta_allegati WHERE richiesta_id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    let allegati =
        allegati.map(|(nomi, dimensione)| Allegati { nomi: nomi.lines().map(str::to_string).collect(), dimensione });
    let avvisi: Vec<(String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT channel, recipient, status, created_at, sent_at FROM outbox WHERE richiesta_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let avvisi = avvisi
        .into_iter()
        .map(|(canale, destinatario, stato, creato_at, inviato_at)| Avviso {
            canale,
            destinatario,
            stato,
            creato_at,
            inviato_at,
        })
        .collect();
    // Booking is the author's (`Action::BookAppointment`): the datore reading another's richiesta sees none.
    let appuntamento = match viewer {
        Viewer::Author(_) => Some(super::agenda::appuntamento(db, &richiesta, now).await?),
        Viewer::Titolare(_) | Viewer::Sede(_) => None,
    };
    Ok(RichiestaDetail {
        richiesta,
        testo,
        eventi,
        operatore: matches!(viewer, Viewer::Sede(_)),
        allegati,
        avvisi,
        appuntamento,
    })
}

/// The Sede a richiesta was routed to, for the authorization of operators.
pub async fn sede_of(db: &Db, id: RichiestaId) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT sede_id FROM richieste WHERE id = $1").bind(id).fetch_optional(db.pool()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn richiesta<'a>(email: Option<&'a str>, telefono: Option<&'a str>, consenso: bool) -> NuovaRichiesta<'a> {
        NuovaRichiesta {
            position_id: 1,
            oggetto_id: 1,
            testo: "Nota di rettifica 2025/03",
            email,
            telefono,
            consenso_notifiche: consenso,
            allegati: Vec::new(),
        }
    }

    #[test]
    fn a_richiesta_needs_a_contact_that_looks_real_and_the_consent_for_the_sms() {
        assert!(valida(&richiesta(Some("a@b.it"), None, true)).is_ok());
        assert!(valida(&richiesta(None, Some("+39 333 1234567"), true)).is_ok());
        // The consent is the SMS's: an e-mail alone goes without it.
        let (_, solo_email) = valida(&richiesta(Some("a@b.it"), None, false)).expect("e-mail only");
        assert!(!solo_email.consenso_sms());
        let message = |r| match valida(&r) {
            Err(AppError::Invalid(m)) => m,
            other => panic!("{:?}", other.map(|_| ())),
        };
        assert!(message(richiesta(None, Some("  "), true)).contains("almeno un recapito"));
        assert!(message(richiesta(Some("ab.it"), None, true)).contains("e-mail"));
        // The outbox's own parser: a header smuggled into the address is no address.
        assert!(message(richiesta(Some("a@b.it\r\nBcc: x@y.it"), None, true)).contains("e-mail"));
        assert!(message(richiesta(None, Some("12a45678"), true)).contains("telefono"));
        assert!(message(richiesta(Some("a@b.it"), Some("3331234567"), false)).contains("consenso"));
        // The form's choice keeps only its channels' contacts.
        let sms = recapiti(Some(rules::Canali::Sms), Some("a@b.it"), Some("3331234567"), true).expect("sms");
        assert_eq!((sms.email, sms.telefono.as_deref()), (None, Some("3331234567")));
    }
}
