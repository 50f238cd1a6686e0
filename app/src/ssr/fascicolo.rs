//! The Fascicolo aziendale: the whole dossier of a position — anagrafica, Sede, deleghe in force and
//! every consultation section with its totals — printed as one PDF.
//!
//! The sections are read with the very query of the consultation pages (`cassetto::list_section`,
//! default sort, no filters, every row), so the totals printed are those the pages show. The PDF is
//! rendered by `ssr::pdf` from a fixed template (`fascicolo.typ`) and the data as JSON; every value
//! is formatted here, the Italian way, and the template only lays it out. The largest demo position
//! (9 pages) takes about half a second end to end in a release build, some seconds in a debug one.

use std::sync::LazyLock;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::audit;
use super::authz::PositionGrant;
use super::cassetto::{self, Window};
use super::ctx::RequestCtx;
use super::db::{Db, now_unix, parse_iso_date};
use super::pdf::{self, Template};
use crate::domain::period::Period;
use crate::domain::time::format_rome;
use crate::error::AppError;
use crate::model::{Cell, ListQuery, PositionDetail, TablePage};
use crate::sections::{ColKind, Section, SectionSpec};

/// Most rows printed in one table. The totals always cover every row (they are summed in SQL); a
/// longer table is cut with a note, so one print cannot tie up the server for minutes.
pub const MAX_PRINT_ROWS: u32 = 5_000;

/// The Sede INPS the position belongs to.
#[derive(Clone, Debug)]
pub struct Sede {
    pub code: String,
    pub name: String,
    pub city: String,
}

/// A delega in force on the position: active, and for a sub-delega under a delega still active
/// (as `authz::reachable_positions` counts them), within its period on the day of the print.
#[derive(Clone, Debug)]
pub struct DelegaInForce {
    pub kind: String,
    pub grantee_name: String,
    pub grantee_cf: String,
    pub grantor_name: Option<String>,
    pub valid_from: NaiveDate,
}

/// One consultation section with all its rows and totals, and the tables under it.
#[derive(Clone, Debug)]
pub struct SectionPrint {
    pub section: Section,
    pub page: TablePage,
    /// Child tables: the instalments of each piano di ammortamento, with their label.
    pub details: Vec<(String, TablePage)>,
}

/// A worker line of a DMA that carries an error code.
#[derive(Clone, Debug)]
pub struct DmaError {
    pub period: Period,
    pub protocol: String,
    pub worker_cf: String,
    pub worker_name: String,
    pub gestione: String,
    pub code: String,
    pub text: String,
}

/// The lines of one gestione in one DMA: its workers and totals (the TFS and TFR lines among them).
#[derive(Clone, Debug)]
pub struct DmaGestione {
    pub period: Period,
    pub protocol: String,
    pub gestione: String,
    pub lines: i64,
    pub imponibile: crate::domain::money::Money,
    pub contributi: crate::domain::money::Money,
}

/// Everything the dossier prints.
#[derive(Clone, Debug)]
pub struct Fascicolo {
    pub position: PositionDetail,
    pub sede: Sede,
    pub deleghe: Vec<DelegaInForce>,
    pub sections: Vec<SectionPrint>,
    /// The DMA worker lines with errors (at most `MAX_PRINT_ROWS`), and how many there are in all.
    pub dma_errors: Vec<DmaError>,
    pub dma_errors_total: i64,
    /// The DMA totals per declaration and gestione (at most `MAX_PRINT_ROWS`), and how many there are.
    pub dma_gestioni: Vec<DmaGestione>,
    pub dma_gestioni_total: i64,
}

/// Prints the dossier of the position for the caller: the file name and the PDF. Whoever may read the
/// position may print it (`PositionAction::Read`, checked by the route); each print is recorded in the audit
/// log with the PDF's SHA-256.
pub async fn print(ctx: &RequestCtx, access: &PositionGrant) -> Result<(String, Vec<u8>), AppError> {
    let position = &access.position;
    let fascicolo = dati(ctx.db(), position.id, ctx.state.settings.today()).await?;
    let generated_at = now_unix();
    // Typesetting is CPU-bound: on the typesetting pool, off the async workers (a burst of prints queues).
    let pdf = pdf::typeset(move || pdf(&fascicolo, generated_at)).await?;
    let sha256 = hex::encode(Sha256::digest(&pdf));
    let entry = audit::Entry {
        actor_user_id: Some(access.user.user_id),
        action: "fascicolo.stampato",
        subject: &format!("posizione:{}", position.code),
        detail: &format!("sha256:{sha256}"),
    };
    audit::record(ctx.db(), entry).await?;
    // The print is a use of the service the page then asks a rating for (one per user and day).
    super::feedback::record_uso_del_giorno(ctx.db(), access.user.user_id, "fascicolo-stampa", generated_at).await?;
    // The code is a validated position code: plain ASCII.
    Ok((format!("fascicolo-{}.pdf", position.code), pdf))
}

/// Loads the whole dossier of a position (the caller has passed `authorize`).
pub async fn dati(db: &Db, position_id: i64, today: NaiveDate) -> Result<Fascicolo, AppError> {
    let position = cassetto::position_detail(db, position_id).await?;
    let row =
        sqlx::query("SELECT s.code, s.name, s.city FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1")
            .bind(position_id)
            .fetch_one(db.pool())
            .await?;
    let sede = Sede { code: row.try_get(0)?, name: row.try_get(1)?, city: row.try_get(2)? };

    let rows = sqlx::query(
        "SELECT d.kind, u.full_name, u.codice_fiscale, g.full_name, d.valid_from FROM deleghe d \
         JOIN users u ON u.id = d.grantee_user_id LEFT JOIN users g ON g.id = d.grantor_user_id \
         LEFT JOIN deleghe parent ON parent.id = d.parent_id \
         WHERE d.position_id = $1 AND d.status = 'attiva' AND (d.parent_id IS NULL OR parent.status = 'attiva') \
         AND d.valid_from <= $2 AND (d.valid_until IS NULL OR d.valid_until >= $2) \
         AND (d.parent_id IS NULL OR (parent.valid_from <= $2 AND (parent.valid_until IS NULL OR parent.valid_until >= $2))) \
         ORDER BY d.valid_from, d.id",
    )
    .bind(position_id)
    .bind(super::db::iso_date(today))
    .fetch_all(db.pool())
    .await?;
    let deleghe = rows
        .iter()
        .map(|r| {
            Ok(DelegaInForce {
                kind: r.try_get(0)?,
                grantee_name: r.try_get(1)?,
                grantee_cf: r.try_get(2)?,
                grantor_name: r.try_get(3)?,
                valid_from: parse_iso_date(&r.try_get::<String, _>(4)?)?,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let mut sections = Vec::new();
    // A private-sector position's dossier has only the sections that apply to it (no empty DMA or ECA tables).
    let gestione = crate::servizi::Gestione::of_sector(&position.sector);
    for spec in Section::top_level().filter(|s| crate::servizi::sezione_offerta(s.section, gestione)) {
        let page = all_rows(db, position_id, spec, None).await?;
        let mut details = Vec::new();
        // The instalments of each piano, as its detail page lists them; the workers of a DMA are
        // too many to print, so only their errors follow the DMA table (below).
        if spec.section == Section::PianiAmmortamento {
            for piano in &page.rows {
                let label = cassetto::parent_label(db, position_id, spec.section, piano.id).await?;
                details.push((label, all_rows(db, position_id, Section::RatePiano.spec(), Some(piano.id)).await?));
            }
        }
        sections.push(SectionPrint { section: spec.section, page, details });
    }

    // Only the declarations in force: one replaced by a later one of its month no longer counts.
    let errors_where = "FROM dma_lavoratori l JOIN dma_denunce d ON d.id = l.denuncia_id \
                        WHERE d.position_id = $1 AND d.completa = 1 AND d.sostituita_da IS NULL \
                        AND l.error_code IS NOT NULL AND l.error_code <> ''";
    let dma_errors_total: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) {errors_where}")).bind(position_id).fetch_one(db.pool()).await?;
    let rows = sqlx::query(&format!(
        "SELECT d.period, d.protocol, l.worker_cf, l.worker_name, l.gestione, l.error_code, l.error_text \
         {errors_where} ORDER BY d.period DESC, l.worker_name, l.id LIMIT {MAX_PRINT_ROWS}"
    ))
    .bind(position_id)
    .fetch_all(db.pool())
    .await?;
    let dma_errors = rows
        .iter()
        .map(|r| {
            let period: String = r.try_get(0)?;
            Ok(DmaError {
                period: period.parse().map_err(|_| AppError::Internal)?,
                protocol: r.try_get(1)?,
                worker_cf: r.try_get(2)?,
                worker_name: r.try_get(3)?,
                gestione: r.try_get(4)?,
                code: r.try_get(5)?,
                text: r.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    let per_gestione = "FROM dma_lavoratori l JOIN dma_denunce d ON d.id = l.denuncia_id \
                        WHERE d.position_id = $1 AND d.completa = 1 AND d.sostituita_da IS NULL \
                        GROUP BY d.id, d.period, d.protocol, l.gestione";
    let dma_gestioni_total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM (SELECT d.id {per_gestione}) g"))
        .bind(position_id)
        .fetch_one(db.pool())
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT d.period, d.protocol, l.gestione, COUNT(*), CAST(SUM(l.imponibile_cents) AS BIGINT), \
         CAST(SUM(l.contributi_cents) AS BIGINT) {per_gestione} ORDER BY d.period DESC, d.id, l.gestione \
         LIMIT {MAX_PRINT_ROWS}"
    ))
    .bind(position_id)
    .fetch_all(db.pool())
    .await?;
    let dma_gestioni = rows
        .iter()
        .map(|r| {
            let period: String = r.try_get(0)?;
            Ok(DmaGestione {
                period: period.parse().map_err(|_| AppError::Internal)?,
                protocol: r.try_get(1)?,
                gestione: r.try_get(2)?,
                lines: r.try_get(3)?,
                imponibile: crate::domain::money::Money::from_cents(r.try_get(4)?),
                contributi: crate::domain::money::Money::from_cents(r.try_get(5)?),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;

    Ok(Fascicolo { position, sede, deleghe, sections, dma_errors, dma_errors_total, dma_gestioni, dma_gestioni_total })
}

/// A section as its page lists it without filters (same query, same totals), every row up to the cap.
async fn all_rows(
    db: &Db,
    position_id: i64,
    spec: &'static SectionSpec,
    parent: Option<i64>,
) -> Result<TablePage, AppError> {
    let query = spec.check(&ListQuery::default()).map_err(AppError::invalid)?;
    cassetto::list_section(db, position_id, spec, parent, &query, Window::All { max_rows: MAX_PRINT_ROWS }).await
}

/// Renders the dossier as an A4 PDF, stating `generated_at` (unix seconds) in Italian time.
/// Synchronous and CPU-bound: async callers use `pdf::typeset`.
pub fn pdf(f: &Fascicolo, generated_at: i64) -> anyhow::Result<Vec<u8>> {
    let (pdf, warnings) = render(f, generated_at)?;
    for warning in &warnings {
        tracing::warn!(position = %f.position.code, "fascicolo PDF: {warning}");
    }
    Ok(pdf)
}

static TEMPLATE: LazyLock<Result<Template, String>> =
    LazyLock::new(|| Template::new("fascicolo PDF", "/fascicolo.typ", include_str!("fascicolo.typ")));

fn render(f: &Fascicolo, generated_at: i64) -> anyhow::Result<(Vec<u8>, Vec<String>)> {
    let data = template_data(f, generated_at)?;
    pdf::render(&TEMPLATE, &data, &format!("fascicolo-{}-{generated_at}", f.position.code))
}

/// What `fascicolo.typ` reads from `/data.json`.
#[derive(Serialize)]
struct TemplateData {
    code: String,
    title: String,
    denominazione: String,
    /// "26/11/2026 alle 22:44 (ora italiana)".
    generated: String,
    /// The same instant for the PDF metadata, which typst takes in UTC.
    utc: UtcParts,
    riepilogo: TableData,
    anagrafica: Vec<(&'static str, String)>,
    sede: Vec<(&'static str, String)>,
    deleghe: BlockData,
    sections: Vec<SectionData>,
}

#[derive(Serialize)]
struct UtcParts {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

#[derive(Serialize)]
struct TableData {
    columns: Vec<String>,
    /// Right-aligned columns (amounts, counts).
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
    /// The totals row, one cell per column, when the table has totals.
    totals: Option<Vec<String>>,
}

#[derive(Serialize)]
struct BlockData {
    title: String,
    intro: String,
    /// "140 risultati".
    count: String,
    /// "Totale importo: 1.234,56 €", one per total column.
    summary: Vec<String>,
    /// Says so when rows were left out.
    note: String,
    table: TableData,
}

#[derive(Serialize)]
struct SectionData {
    #[serde(flatten)]
    block: BlockData,
    details: Vec<BlockData>,
}

/// An amount as printed outside a table: `1.234,56 €` (a no-break space keeps the sign with it).
fn euro(m: crate::domain::money::Money) -> String {
    format!("{m}\u{a0}€")
}

/// The column label without its unit: "Importo (€)" → "Importo", for "Totale importo: 1.234,56 €".
fn total_label(label: &str) -> String {
    label.trim_end_matches(" (€)").to_lowercase()
}

fn count_label(n: i64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A section page as a table: cells as the page displays them, totals under their columns.
fn section_table(spec: &SectionSpec, page: &TablePage) -> TableData {
    let totals = (!page.totals.is_empty()).then(|| {
        spec.columns
            .iter()
            .enumerate()
            .map(|(i, c)| match page.totals.iter().find(|(k, _)| k == c.key) {
                Some((_, m)) => m.to_string(),
                None if i == 0 => "Totale".to_string(),
                None => String::new(),
            })
            .collect()
    });
    TableData {
        columns: spec.columns.iter().map(|c| c.label.to_string()).collect(),
        numeric: spec.columns.iter().map(|c| matches!(c.kind, ColKind::Money | ColKind::Int)).collect(),
        rows: page
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| if *c == Cell::Empty { String::new() } else { c.display() }).collect())
            .collect(),
        totals,
    }
}

fn section_summary(spec: &SectionSpec, page: &TablePage) -> Vec<String> {
    spec.columns
        .iter()
        .filter_map(|c| page.totals.iter().find(|(k, _)| k == c.key).map(|(_, m)| (c, *m)))
        .map(|(c, m)| format!("Totale {}: {}", total_label(c.label), euro(m)))
        .collect()
}

fn cut_note(printed: usize, total: i64) -> String {
    if i64::try_from(printed).unwrap_or(i64::MAX) < total {
        format!("Sono riportate le prime {printed} righe su {total}; i totali riguardano tutte le righe.")
    } else {
        String::new()
    }
}

fn section_block(title: String, intro: &str, spec: &SectionSpec, page: &TablePage) -> BlockData {
    BlockData {
        title,
        intro: intro.to_string(),
        count: count_label(page.total_rows, "risultato", "risultati"),
        summary: section_summary(spec, page),
        note: cut_note(page.rows.len(), page.total_rows),
        table: section_table(spec, page),
    }
}

fn delega_kind_label(kind: &str) -> &'static str {
    match kind {
        "dipendente" => "Dipendente delegato",
        "intermediario" => "Intermediario",
        "subdelega" => "Subdelega",
        _ => "Delega",
    }
}

fn template_data(f: &Fascicolo, generated_at: i64) -> anyhow::Result<TemplateData> {
    let p = &f.position;
    let utc = DateTime::<Utc>::from_timestamp(generated_at, 0)
        .ok_or_else(|| anyhow::anyhow!("generation time out of range: {generated_at}"))?;
    let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();

    let anagrafica = vec![
        ("Posizione contributiva", p.code.clone()),
        ("Gestione", p.kind.clone()),
        ("Denominazione", p.denominazione.clone()),
        ("Codice fiscale", p.ente_cf.clone()),
        ("Rappresentante legale (C.F.)", p.legal_rep_cf.clone()),
        ("Indirizzo", p.address.clone()),
        ("PEC", p.pec.clone()),
        ("Descrizione", p.description.clone()),
        ("Contratto applicato", p.contract.clone()),
        ("Data apertura", date(p.opened_on)),
        ("Stato", p.status.clone()),
    ];
    let sede = vec![
        ("Codice sede", f.sede.code.clone()),
        ("Denominazione", f.sede.name.clone()),
        ("Città", f.sede.city.clone()),
    ];

    let deleghe = BlockData {
        title: "Deleghe in vigore".into(),
        intro: "Le deleghe attive sulla posizione alla data del documento.".into(),
        count: count_label(f.deleghe.len().try_into().unwrap_or(i64::MAX), "delega", "deleghe"),
        summary: Vec::new(),
        note: String::new(),
        table: TableData {
            columns: ["Tipo", "Delegato", "Codice fiscale", "Conferita da", "In vigore dal"].map(String::from).to_vec(),
            numeric: vec![false; 5],
            rows: f
                .deleghe
                .iter()
                .map(|d| {
                    vec![
                        delega_kind_label(&d.kind).to_string(),
                        d.grantee_name.clone(),
                        d.grantee_cf.clone(),
                        d.grantor_name.clone().unwrap_or_else(|| "—".into()),
                        date(d.valid_from),
                    ]
                })
                .collect(),
            totals: None,
        },
    };

    let mut riepilogo = Vec::new();
    let mut sections = Vec::new();
    for s in &f.sections {
        let spec = s.section.spec();
        riepilogo.push(vec![
            spec.title.to_string(),
            s.page.total_rows.to_string(),
            section_summary(spec, &s.page).join("; "),
        ]);
        let mut details: Vec<BlockData> = s
            .details
            .iter()
            .map(|(label, page)| {
                let rate = Section::RatePiano.spec();
                section_block(format!("{} – piano {label}", rate.title), "", rate, page)
            })
            .collect();
        if s.section == Section::Dma {
            details.push(dma_gestioni_block(f));
            details.push(dma_errors_block(f));
        }
        sections.push(SectionData { block: section_block(spec.title.to_string(), spec.intro, spec, &s.page), details });
    }

    Ok(TemplateData {
        code: p.code.clone(),
        title: format!("Fascicolo aziendale della posizione contributiva {}", p.code),
        denominazione: p.denominazione.clone(),
        generated: format!("{} (ora italiana)", format_rome(generated_at).replacen(' ', " alle ", 1)),
        utc: UtcParts {
            year: utc.year(),
            month: utc.month(),
            day: utc.day(),
            hour: utc.hour(),
            minute: utc.minute(),
            second: utc.second(),
        },
        riepilogo: TableData {
            columns: ["Sezione", "Righe", "Totali"].map(String::from).to_vec(),
            numeric: vec![false, true, false],
            rows: riepilogo,
            totals: None,
        },
        anagrafica,
        sede,
        deleghe,
        sections,
    })
}

fn dma_gestioni_block(f: &Fascicolo) -> BlockData {
    BlockData {
        title: "Totali per gestione".into(),
        intro: "Per ogni denuncia DMA, le righe dei lavoratori e i totali di ciascuna gestione (pensioni, TFS, TFR, \
                credito, ENPDEP, ENAM)."
            .into(),
        count: count_label(f.dma_gestioni_total, "riga", "righe"),
        summary: Vec::new(),
        note: cut_note(f.dma_gestioni.len(), f.dma_gestioni_total),
        table: TableData {
            columns: ["Periodo", "Protocollo", "Gestione", "Lavoratori", "Imponibile (€)", "Contributi (€)"]
                .map(String::from)
                .to_vec(),
            numeric: vec![false, false, false, true, true, true],
            rows: f
                .dma_gestioni
                .iter()
                .map(|g| {
                    vec![
                        g.period.to_string(),
                        g.protocol.clone(),
                        g.gestione.clone(),
                        g.lines.to_string(),
                        g.imponibile.to_string(),
                        g.contributi.to_string(),
                    ]
                })
                .collect(),
            totals: None,
        },
    }
}

fn dma_errors_block(f: &Fascicolo) -> BlockData {
    BlockData {
        title: "Errori per lavoratore".into(),
        intro: "Le righe delle denunce DMA con un codice di errore.".into(),
        count: count_label(f.dma_errors_total, "errore", "errori"),
        summary: Vec::new(),
        note: cut_note(f.dma_errors.len(), f.dma_errors_total),
        table: TableData {
            columns: [
                "Periodo",
                "Protocollo",
                "Codice fiscale",
                "Nominativo",
                "Gestione",
                "Codice errore",
                "Descrizione",
            ]
            .map(String::from)
            .to_vec(),
            numeric: vec![false; 7],
            rows: f
                .dma_errors
                .iter()
                .map(|e| {
                    vec![
                        e.period.to_string(),
                        e.protocol.clone(),
                        e.worker_cf.clone(),
                        e.worker_name.clone(),
                        e.gestione.clone(),
                        e.code.clone(),
                        e.text.clone(),
                    ]
                })
                .collect(),
            totals: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Money;
    use crate::model::TableRow;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// `n` rows for `section`, each column filled by its kind, with the totals the query would give.
    fn page(section: Section, n: usize) -> TablePage {
        let spec = section.spec();
        let rows: Vec<TableRow> = (0..n)
            .map(|i| TableRow {
                id: i64::try_from(i).expect("small"),
                cells: spec
                    .columns
                    .iter()
                    .map(|c| match c.kind {
                        ColKind::Text => Cell::Text(format!("{} #{i} *x* [y]", c.label)),
                        ColKind::Int => Cell::Int(7),
                        ColKind::Money => Cell::Money(Money::from_cents(123_456)),
                        ColKind::Date => Cell::Date(day(2024, 3, 7)),
                        ColKind::OptDate => Cell::Empty,
                        ColKind::Period => Cell::Period("2024-03".parse().expect("period")),
                    })
                    .collect(),
            })
            .collect();
        let count = i64::try_from(n).expect("small");
        TablePage {
            rows,
            total_rows: count,
            totals: spec
                .columns
                .iter()
                .filter(|c| c.total)
                .map(|c| (c.key.to_string(), Money::from_cents(123_456 * count)))
                .collect(),
            page: 0,
            page_size: MAX_PRINT_ROWS,
            sort: (spec.default_sort.0.to_string(), spec.default_sort.1),
        }
    }

    fn sample(rows: usize) -> Fascicolo {
        Fascicolo {
            position: PositionDetail {
                code: "8100000001800001".into(),
                kind: "Gestione dipendenti pubblici".into(),
                ente_cf: "80012345678".into(),
                denominazione: "Comune di #Prova = \"x\" $y$ <l> @r".into(),
                sector: "pubblico".into(),
                sede_code: "7001".into(),
                sede: "Roma Eur".into(),
                description: "Dipendenti comunali".into(),
                status: "Attiva".into(),
                opened_on: day(2019, 1, 2),
                contract: "Funzioni locali".into(),
                address: "Piazza del Municipio 1, Roma".into(),
                pec: String::new(),
                legal_rep_cf: "RSSMRA70A01H501S".into(),
            },
            sede: Sede { code: "7001".into(), name: "Roma Eur".into(), city: "Roma".into() },
            deleghe: vec![DelegaInForce {
                kind: "intermediario".into(),
                grantee_name: "Studio #1 *Rossi* [srl]".into(),
                grantee_cf: "VRDGPP65C10L219T".into(),
                grantor_name: None,
                valid_from: day(2023, 9, 15),
            }],
            sections: Section::top_level()
                .map(|spec| SectionPrint {
                    section: spec.section,
                    page: page(spec.section, rows),
                    details: if spec.section == Section::PianiAmmortamento {
                        vec![("PA-1 – TFS".into(), page(Section::RatePiano, 3))]
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
            dma_errors: vec![DmaError {
                period: "2024-03".parse().expect("period"),
                protocol: "DMA-1".into(),
                worker_cf: "BNCLRA85M41F205C".into(),
                worker_name: "Laura Bianchi".into(),
                gestione: "Pensioni (CPDEL)".into(),
                code: "00171I".into(),
                text: "Imponibile superiore".into(),
            }],
            dma_errors_total: 3,
            dma_gestioni: vec![DmaGestione {
                period: "2024-03".parse().expect("period"),
                protocol: "DMA-1".into(),
                gestione: "TFR".into(),
                lines: 2,
                imponibile: Money::from_cents(400_000),
                contributi: Money::from_cents(27_640),
            }],
            dma_gestioni_total: 1,
        }
    }

    /// The PDF's text with whitespace runs collapsed, since extraction may break lines anywhere.
    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("extract text");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    // 2026-03-07 09:05:00 UTC: 10:05 in Rome (winter time).
    const AT: i64 = 1_772_874_300;

    #[test]
    fn prints_every_part_with_italian_formats_and_page_numbers() {
        let f = sample(30);
        let (pdf, warnings) = render(&f, AT).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        for expected in [
            "Fascicolo aziendale della posizione contributiva 8100000001800001",
            "Generato il 07/03/2026 alle 10:05 (ora italiana)",
            "Pagina 1 di",
            "Pagina 2 di",
            "Anagrafica della posizione",
            "Sede INPS competente",
            "Roma Eur",
            "Deleghe in vigore",
            "Studio #1 *Rossi* [srl]",
            "15/09/2023",
            "02/01/2019",
            "Rate del piano di ammortamento – piano PA-1 – TFS",
            "Errori per lavoratore",
            "00171I",
            "Totali per gestione",
            "TFR",
            "276,40",
            "Sono riportate le prime 1 righe su 3",
            "PEC —",
            // 30 rows of 1.234,56: the total, in the summary and in the table.
            "Totale importo: 37.036,80 €",
            "37.036,80",
            "03/2024",
            "07/03/2024",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in: {text}");
        }
        for spec in Section::top_level() {
            assert!(text.contains(spec.title), "missing section {:?}", spec.title);
        }
    }

    #[test]
    fn markup_in_the_data_prints_literally() {
        let mut f = sample(1);
        f.position.code = "#set page(width: 1cm)".into();
        let (pdf, warnings) = render(&f, AT).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        let text = text_of(&pdf);
        for expected in ["Comune di #Prova = \"x\" $y$ <l> @r", "#set page(width: 1cm)", "Numero #0 *x* [y]"] {
            assert!(text.contains(expected), "missing {expected:?} in: {text}");
        }
    }

    #[test]
    fn an_empty_position_prints_too() {
        let mut f = sample(0);
        f.deleghe.clear();
        f.dma_errors.clear();
        f.dma_errors_total = 0;
        f.dma_gestioni.clear();
        f.dma_gestioni_total = 0;
        let (pdf, warnings) = render(&f, AT).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        let text = text_of(&pdf);
        assert!(text.contains("Nessun dato presente."), "{text}");
        assert!(text.contains("0 deleghe"), "{text}");
    }
}
