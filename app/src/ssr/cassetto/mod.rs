//! Read queries of the Cassetto: the Ricerca, a position's anagrafica and its consultation sections.
//! Callers have already passed `authz::authorize`; every query here is still scoped by the user or
//! position id it is given, so a forgotten check cannot widen what is returned.

pub mod export;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::authz::reachable_today;
use super::db::{Binds, Db, parse_iso_date};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::error::AppError;
use crate::model::{Cell, PositionDetail, PositionSummary, SearchResult, TablePage, TableRow};
use crate::sections::{CheckedQuery, ColKind, FilterValue, PAGE_SIZE, Section, SectionSpec};

pub const SEARCH_PAGE_SIZE: u32 = 20;

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Whose positions a search covers.
#[derive(Clone, Copy, Debug)]
pub enum Reach {
    /// The positions a Cassetto user reaches on a day (as datore, by delega or sub-delega in force).
    User(i64, chrono::NaiveDate),
    /// Every position of a Sede (an operator's Fascicolo Elettronico).
    Sede(i64),
}

pub async fn search_positions(db: &Db, reach: Reach, text: &str, page: u32) -> Result<SearchResult, AppError> {
    let text = text.trim().to_uppercase();
    if text.chars().count() > 64 {
        return Err(AppError::invalid("Il testo di ricerca può avere al massimo 64 caratteri."));
    }
    let prefix = format!("{}%", like_escape(&text));
    let contains = format!("%{}%", like_escape(&text));
    let filter = "($2 = '' OR p.code LIKE $3 ESCAPE '\\' OR e.codice_fiscale LIKE $3 ESCAPE '\\' \
                  OR UPPER(e.denominazione) LIKE $4 ESCAPE '\\')";
    let (scope_id, scope) = match reach {
        Reach::User(id, today) => (id, reachable_today(today)),
        Reach::Sede(id) => {
            (id, "SELECT id AS position_id, 'sede' AS via FROM positions WHERE sede_id = $1".to_string())
        }
    };
    let matches = format!(
        "FROM ({scope}) r JOIN positions p ON p.id = r.position_id JOIN enti e ON e.id = p.ente_id WHERE {filter}"
    );
    // One pass over what the user reaches: the matches, grouped per position (a position reached two ways is
    // one result), counted by a window over all of them, and only the page's rows joined to their Sede.
    let rows_sql = format!(
        "WITH found AS (\
             SELECT p.id, p.code, e.codice_fiscale, e.denominazione, e.sector, p.sede_id, p.status, MIN(r.via) AS via \
             {matches} \
             GROUP BY p.id, p.code, e.codice_fiscale, e.denominazione, e.sector, p.sede_id, p.status) \
         SELECT f.code, f.codice_fiscale, f.denominazione, f.sector, s.name, f.status, f.via, f.total \
         FROM (SELECT found.*, COUNT(*) OVER () AS total FROM found ORDER BY denominazione, code LIMIT $5 OFFSET $6) f \
         JOIN sedi s ON s.id = f.sede_id ORDER BY f.denominazione, f.code"
    );
    let mut page = page;
    let (rows, total) = loop {
        let rows = sqlx::query(&rows_sql)
            .bind(scope_id)
            .bind(&text)
            .bind(&prefix)
            .bind(&contains)
            .bind(i64::from(SEARCH_PAGE_SIZE))
            .bind(i64::from(page) * i64::from(SEARCH_PAGE_SIZE))
            .fetch_all(db.pool())
            .await?;
        match rows.first() {
            Some(row) => {
                let total: i64 = row.try_get(7)?;
                break (rows, total);
            }
            // A page past the end tells no total: count apart, and show the last page (rare: the pager links
            // only existing pages; a page number typed in, however large, ends here).
            None if page > 0 => {
                let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(DISTINCT p.id) {matches}"))
                    .bind(scope_id)
                    .bind(&text)
                    .bind(&prefix)
                    .bind(&contains)
                    .fetch_one(db.pool())
                    .await?;
                let last = crate::model::clamp_page(page, total, SEARCH_PAGE_SIZE);
                // Once more for the last page; never twice (rows deleted meanwhile show an empty page).
                let again = total > 0 && last < page;
                page = last;
                if !again {
                    break (rows, total);
                }
            }
            None => break (rows, 0),
        }
    };
    let rows = rows
        .iter()
        .map(|r| {
            Ok(PositionSummary {
                code: r.try_get(0)?,
                ente_cf: r.try_get(1)?,
                denominazione: r.try_get(2)?,
                sector: r.try_get(3)?,
                sede: r.try_get(4)?,
                status: r.try_get(5)?,
                access: r.try_get(6)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(SearchResult { rows, total, page, page_size: SEARCH_PAGE_SIZE })
}

pub async fn position_detail(db: &Db, position_id: i64) -> Result<PositionDetail, AppError> {
    let r = sqlx::query(
        "SELECT p.code, e.codice_fiscale, e.denominazione, e.sector, s.code, s.name, p.description, p.status, \
         p.opened_on, p.contract, e.address, e.pec, e.legal_rep_cf \
         FROM positions p JOIN enti e ON e.id = p.ente_id JOIN sedi s ON s.id = p.sede_id WHERE p.id = $1",
    )
    .bind(position_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let sector: String = r.try_get(3)?;
    Ok(PositionDetail {
        code: r.try_get(0)?,
        kind: if sector == "pubblico" { "Gestione dipendenti pubblici" } else { "Gestione dipendenti privati" }
            .to_string(),
        ente_cf: r.try_get(1)?,
        denominazione: r.try_get(2)?,
        sector,
        sede_code: r.try_get(4)?,
        sede: r.try_get(5)?,
        description: r.try_get(6)?,
        status: r.try_get(7)?,
        opened_on: parse_iso_date(&r.try_get::<String, _>(8)?)?,
        contract: r.try_get(9)?,
        address: r.try_get(10)?,
        pec: r.try_get(11)?,
        legal_rep_cf: r.try_get(12)?,
    })
}

/// How a section maps onto the schema. `$1` is the position id and, for child sections, `$2` the
/// parent record's id; both scopes are in `scope`, so rows of another position never match.
struct SectionSql {
    from: &'static str,
    scope: &'static str,
    id: &'static str,
    /// The rows the totals sum, when not every row listed: a replaced DMA is listed but counts no more.
    in_totale: Option<&'static str>,
    /// (column key, SQL expression), one per column of the section spec.
    columns: &'static [(&'static str, &'static str)],
}

fn section_sql(section: Section) -> SectionSql {
    match section {
        Section::Versamenti => SectionSql {
            from: "versamenti v",
            scope: "v.position_id = $1",
            id: "v.id",
            in_totale: None,
            columns: &[
                ("data", "v.paid_on"),
                ("canale", "v.channel"),
                ("periodo", "v.period"),
                ("causale", "v.causale"),
                ("sede", "v.codice_sede"),
                ("importo", "v.amount_cents"),
            ],
        },
        Section::NoteRettifica => SectionSql {
            from: "note_rettifica n",
            scope: "n.position_id = $1",
            id: "n.id",
            in_totale: None,
            columns: &[
                ("numero", "n.number"),
                ("data", "n.issued_on"),
                ("periodo", "n.period"),
                ("motivo", "n.reason"),
                ("importo", "n.amount_cents"),
                ("stato", "n.status"),
            ],
        },
        Section::PianiAmmortamento => SectionSql {
            from: "piani_ammortamento a",
            scope: "a.position_id = $1",
            id: "a.id",
            in_totale: None,
            columns: &[
                ("numero", "a.number"),
                ("tipo", "a.kind"),
                ("inizio", "a.started_on"),
                ("rate", "a.instalments"),
                ("importo", "a.total_cents"),
                ("stato", "a.status"),
            ],
        },
        Section::RatePiano => SectionSql {
            from: "rate_piano r JOIN piani_ammortamento a ON a.id = r.piano_id",
            scope: "a.position_id = $1 AND r.piano_id = $2",
            id: "r.id",
            in_totale: None,
            columns: &[
                ("numero", "r.number"),
                ("scadenza", "r.due_on"),
                ("importo", "r.amount_cents"),
                ("pagamento", "r.paid_on"),
                ("stato", "r.status"),
            ],
        },
        Section::Dma => SectionSql {
            from: "dma_denunce d",
            // An import still being stored (`completa = 0`) is nobody's to see yet.
            scope: "d.position_id = $1 AND d.completa = 1",
            id: "d.id",
            in_totale: Some("d.sostituita_da IS NULL"),
            columns: &[
                ("periodo", "d.period"),
                // The declaration that replaced another of its month is a sostitutiva; the replaced one is
                // listed with its outcome «sostituita» (migration 0032).
                (
                    "tipo",
                    "CASE WHEN EXISTS (SELECT 1 FROM dma_denunce o WHERE o.sostituita_da = d.id) \
                     THEN 'sostitutiva' ELSE d.tipo END",
                ),
                ("invio", "d.submitted_on"),
                ("protocollo", "d.protocol"),
                ("lavoratori", "d.workers"),
                ("imponibile", "d.imponibile_cents"),
                ("contributi", "d.contributi_cents"),
                ("errori", "d.errors"),
                ("stato", "CASE WHEN d.sostituita_da IS NULL THEN d.status ELSE 'sostituita' END"),
            ],
        },
        Section::DmaLavoratori => SectionSql {
            from: "dma_lavoratori l JOIN dma_denunce d ON d.id = l.denuncia_id",
            scope: "d.position_id = $1 AND l.denuncia_id = $2 AND d.completa = 1",
            id: "l.id",
            in_totale: None,
            columns: &[
                ("codice_fiscale", "l.worker_cf"),
                ("nominativo", "l.worker_name"),
                ("gestione", "l.gestione"),
                ("imponibile", "l.imponibile_cents"),
                ("contributi", "l.contributi_cents"),
                ("importi", "l.importi"),
                ("errore", "l.error_code"),
                ("descrizione", "l.error_text"),
            ],
        },
        Section::NoteDebito => SectionSql {
            from: "note_debito n",
            scope: "n.position_id = $1",
            id: "n.id",
            in_totale: None,
            columns: &[
                ("numero", "n.number"),
                ("data", "n.issued_on"),
                ("periodo", "n.period"),
                ("tipo", "n.kind"),
                ("importo", "n.amount_cents"),
                ("versato", "n.paid_cents"),
                ("stato", "n.status"),
            ],
        },
        Section::NoteDebitoEca => SectionSql {
            from: "note_debito_eca n",
            scope: "n.position_id = $1",
            id: "n.id",
            in_totale: None,
            columns: &[
                ("numero", "n.number"),
                ("data", "n.issued_on"),
                ("anno", "n.year"),
                ("scadenza", "n.due_on"),
                ("importo", "n.amount_cents"),
                ("stato", "n.status"),
            ],
        },
    }
}

impl SectionSql {
    fn expr(&self, key: &str) -> Result<&'static str, AppError> {
        self.columns.iter().find(|(k, _)| *k == key).map(|(_, e)| *e).ok_or(AppError::Internal)
    }
}

/// Which rows to fetch: one page, or everything up to a cap (downloads).
pub enum Window {
    Page(u32),
    All { max_rows: u32 },
}

/// Lists one consultation section of a position. `parent_id` is required for child sections and
/// must belong to the position, or nothing is found.
pub async fn list_section(
    db: &Db,
    position_id: i64,
    spec: &SectionSpec,
    parent_id: Option<i64>,
    query: &CheckedQuery,
    window: Window,
) -> Result<TablePage, AppError> {
    let sql = section_sql(spec.section);
    let is_child = spec.section.parent().is_some();
    let parent_id = match (is_child, parent_id) {
        (true, Some(id)) => Some(id),
        (true, None) => return Err(AppError::NotFound),
        (false, _) => None,
    };
    if let (Some(parent), Some(id)) = (spec.section.parent(), parent_id) {
        ensure_parent(db, position_id, parent, id).await?;
    }

    // The scope's own placeholders first (`$1` the position, `$2` the parent), then the filters'.
    let mut binds = Binds::default();
    binds.push(position_id);
    if let Some(id) = parent_id {
        binds.push(id);
    }
    let mut conditions = vec![sql.scope.to_string()];
    for (column, value) in &query.conditions {
        let expr = sql.expr(column)?;
        conditions.push(match value {
            FilterValue::Equals(v) => format!("{expr} = {}", binds.push(v.clone())),
            FilterValue::From(v) => format!("{expr} >= {}", binds.push(v.clone())),
            FilterValue::To(v) => format!("{expr} <= {}", binds.push(v.clone())),
            FilterValue::Contains(v) => {
                format!("UPPER({expr}) LIKE {} ESCAPE '\\'", binds.push(format!("%{}%", like_escape(v))))
            }
        });
    }
    let where_clause = conditions.join(" AND ");

    let total_columns: Vec<&str> = spec.columns.iter().filter(|c| c.total).map(|c| c.key).collect();
    let mut totals_sql = String::from("SELECT COUNT(*)");
    for key in &total_columns {
        let expr = match sql.in_totale {
            Some(counted) => format!("CASE WHEN {counted} THEN {} ELSE 0 END", sql.expr(key)?),
            None => sql.expr(key)?.to_string(),
        };
        totals_sql.push_str(&format!(", CAST(COALESCE(SUM({expr}), 0) AS BIGINT)"));
    }
    totals_sql.push_str(&format!(" FROM {} WHERE {where_clause}", sql.from));
    let totals_row = binds.bind(&totals_sql).fetch_one(db.pool()).await?;
    let total_rows: i64 = totals_row.try_get(0)?;
    let mut totals = Vec::new();
    for (i, key) in total_columns.iter().enumerate() {
        totals.push((key.to_string(), Money::from_cents(totals_row.try_get(i + 1)?)));
    }

    let select: Vec<&str> = spec.columns.iter().map(|c| sql.expr(c.key)).collect::<Result<_, _>>()?;
    let sort_expr = sql.expr(query.sort)?;
    let dir = if query.desc { "DESC" } else { "ASC" };
    // The page is clamped to the pages there are before it is multiplied: a page past the end shows the last.
    let (limit, offset, page) = match window {
        Window::Page(page) => {
            let page = crate::model::clamp_page(page, total_rows, PAGE_SIZE);
            (PAGE_SIZE, i64::from(page) * i64::from(PAGE_SIZE), page)
        }
        Window::All { max_rows } => (max_rows, 0, 0),
    };
    let rows_sql = format!(
        "SELECT {}, {} FROM {} WHERE {where_clause} ORDER BY ({sort_expr} IS NULL), {sort_expr} {dir}, {} {dir} \
         LIMIT {limit} OFFSET {offset}",
        sql.id,
        select.join(", "),
        sql.from,
        sql.id,
    );
    let rows = binds
        .bind(&rows_sql)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| decode_row(spec, row))
        .collect::<Result<Vec<_>, AppError>>()?;

    Ok(TablePage {
        rows,
        total_rows,
        totals,
        page,
        page_size: match window {
            Window::Page(_) => PAGE_SIZE,
            Window::All { max_rows } => max_rows,
        },
        sort: (query.sort.to_string(), query.desc),
    })
}

/// The parent record (piano, denuncia) must belong to the position.
async fn ensure_parent(db: &Db, position_id: i64, parent: Section, parent_id: i64) -> Result<(), AppError> {
    // A declaration still being imported is not there yet.
    let sql = match parent {
        Section::PianiAmmortamento => "SELECT id FROM piani_ammortamento WHERE id = $1 AND position_id = $2",
        Section::Dma => "SELECT id FROM dma_denunce WHERE id = $1 AND position_id = $2 AND completa = 1",
        _ => return Err(AppError::NotFound),
    };
    let found: Option<i64> =
        sqlx::query_scalar(sql).bind(parent_id).bind(position_id).fetch_optional(db.pool()).await?;
    found.map(|_| ()).ok_or(AppError::NotFound)
}

/// A short label of the parent record, for the detail page title.
pub async fn parent_label(db: &Db, position_id: i64, parent: Section, parent_id: i64) -> Result<String, AppError> {
    let sql = match parent {
        Section::PianiAmmortamento => {
            "SELECT number || ' – ' || kind FROM piani_ammortamento WHERE id = $1 AND position_id = $2"
        }
        Section::Dma => {
            "SELECT 'Periodo ' || period || ' – protocollo ' || protocol FROM dma_denunce \
             WHERE id = $1 AND position_id = $2 AND completa = 1"
        }
        _ => return Err(AppError::NotFound),
    };
    let label: Option<String> =
        sqlx::query_scalar(sql).bind(parent_id).bind(position_id).fetch_optional(db.pool()).await?;
    label.ok_or(AppError::NotFound)
}

fn decode_row(spec: &SectionSpec, row: &AnyRow) -> Result<TableRow, AppError> {
    let id: i64 = row.try_get(0)?;
    let mut cells = Vec::with_capacity(spec.columns.len());
    for (i, column) in spec.columns.iter().enumerate() {
        let idx = i + 1;
        let cell = match column.kind {
            ColKind::Text => match row.try_get::<Option<String>, _>(idx)? {
                Some(s) if !s.is_empty() => Cell::Text(s),
                _ => Cell::Empty,
            },
            ColKind::Int => Cell::Int(row.try_get(idx)?),
            ColKind::Money => Cell::Money(Money::from_cents(row.try_get(idx)?)),
            ColKind::Date => Cell::Date(parse_iso_date(&row.try_get::<String, _>(idx)?)?),
            ColKind::OptDate => match row.try_get::<Option<String>, _>(idx)? {
                Some(s) => Cell::Date(parse_iso_date(&s)?),
                None => Cell::Empty,
            },
            ColKind::Period => {
                let raw: String = row.try_get(idx)?;
                Cell::Period(raw.parse::<Period>().map_err(|_| AppError::Internal)?)
            }
        };
        cells.push(cell);
    }
    Ok(TableRow { id, cells })
}

/// The section as CSV (semicolon-separated, as Italian spreadsheets expect), header first. Cells go
/// through `domain::csv::campo`: text is neutralised against formulas; integers and amounts are ours.
pub fn to_csv(spec: &SectionSpec, page: &TablePage) -> String {
    use crate::domain::csv::{Campo, riga};
    let mut out = riga(spec.columns.iter().map(|c| (c.label, Campo::Testo)));
    for row in &page.rows {
        let cells: Vec<(String, Campo)> = row
            .cells
            .iter()
            .map(|c| match c {
                Cell::Empty => (String::new(), Campo::Testo),
                Cell::Int(_) | Cell::Money(_) => (c.display(), Campo::Numero),
                other => (other.display(), Campo::Testo),
            })
            .collect();
        out.push_str(&riga(cells.iter().map(|(v, t)| (v.as_str(), *t))));
    }
    out
}
