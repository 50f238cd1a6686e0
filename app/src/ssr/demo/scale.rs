//! The scale data set of docs/benchmarks.md, on top of the demo data (so every demo account still logs in):
//! 100 Sedi, 100,000 positions with ten years of monthly history (F24 versamenti; DMA declarations for the
//! public ones; notes), one intermediary (the demo's Giuseppe Verdi) with 5,000 more active deleghe, and
//! 1,000,000 richieste with their events. Deterministic from the seed number. Rows are written in bulk:
//! multi-row INSERTs on SQLite, COPY on PostgreSQL, one transaction per block of positions.

use std::time::Instant;

use anyhow::Context;
use chrono::Datelike;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use super::{Rng, V, date, insert_rows, iso};
use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::period::Period;
use crate::domain::position_code::PositionCode;
use crate::ssr::db::{Backend, Db};

/// How much to generate. `Default` is the set of docs/benchmarks.md; smaller sets serve tests and quick runs.
#[derive(Clone, Copy, Debug)]
pub struct Scala {
    pub seed: u64,
    pub positions: u64,
    pub sedi: u64,
    /// Active deleghe of the intermediary.
    pub deleghe: u64,
    pub anni: u32,
    pub richieste: u64,
}

impl Default for Scala {
    fn default() -> Self {
        Scala { seed: 1, positions: 100_000, sedi: 100, deleghe: 5_000, anni: 10, richieste: 1_000_000 }
    }
}

/// What was written and how long it took.
#[derive(Debug)]
pub struct Report {
    pub rows: u64,
    pub seconds: f64,
}

/// Positions per transaction: a block's history is a few hundred thousand rows at most.
const BLOCK: u64 = 1_000;

/// Where blocks of rows go: the SQLite write transaction, or a PostgreSQL connection taking COPY.
enum Bulk {
    Sqlite,
    Postgres(PgConnection),
}

impl Bulk {
    async fn write(
        &mut self,
        db: &Db,
        tx: &mut Option<sqlx::Transaction<'static, sqlx::Any>>,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<V>>,
    ) -> anyhow::Result<u64> {
        let n = rows.len() as u64;
        if rows.is_empty() {
            return Ok(0);
        }
        match self {
            Bulk::Sqlite => {
                if tx.is_none() {
                    *tx = Some(db.begin_write().await?);
                }
                let tx = tx.as_mut().context("transaction")?;
                insert_rows(tx, table, columns, rows).await?;
            }
            Bulk::Postgres(conn) => {
                let mut copy = conn.copy_in_raw(&format!("COPY {table} ({}) FROM STDIN", columns.join(", "))).await?;
                let mut buf = String::with_capacity(rows.len() * 64);
                for row in &rows {
                    for (i, v) in row.iter().enumerate() {
                        if i > 0 {
                            buf.push('\t');
                        }
                        match v {
                            V::I(i) => buf.push_str(&i.to_string()),
                            V::T(t) => copy_text(&mut buf, t),
                            V::Null | V::NullInt => buf.push_str("\\N"),
                        }
                    }
                    buf.push('\n');
                }
                copy.send(buf.into_bytes()).await?;
                copy.finish().await.with_context(|| format!("COPY into {table}"))?;
            }
        }
        Ok(n)
    }
}

/// A text value in COPY's text format: backslash, tab and line breaks escaped.
fn copy_text(buf: &mut String, t: &str) {
    for c in t.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

async fn next_id(db: &Db, table: &str) -> anyhow::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}")).fetch_one(db.pool()).await?;
    Ok(max.unwrap_or(0) + 1)
}

const FORME: &[&str] = &["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "Soc. Coop."];
const ATTIVITA: &[&str] =
    &["Officine", "Trasporti", "Costruzioni", "Servizi", "Alimentari", "Tessile", "Logistica", "Impianti"];
const COGNOMI: &[&str] =
    &["Rossi", "Bianchi", "Esposito", "Ferrari", "Russo", "Romano", "Colombo", "Ricci", "Marino", "Greco"];

/// Loads the scale set into an empty, migrated database at `url` (the same `db`).
pub async fn seed_scale(db: &Db, url: &str, s: &Scala) -> anyhow::Result<Report> {
    let started = Instant::now();
    super::seed_demo(db).await?;
    let mut rng = Rng(s.seed);
    let mut bulk = match db.backend() {
        Backend::Sqlite => Bulk::Sqlite,
        Backend::Postgres => Bulk::Postgres(PgConnection::connect(url).await.context("COPY connection")?),
    };
    let mut rows = 0u64;

    // The intermediary, and a login to copy for the Sedi's datori (demo data only: same password).
    let giuseppe: i64 = sqlx::query_scalar("SELECT id FROM users WHERE role = 'intermediario' ORDER BY id LIMIT 1")
        .fetch_one(db.pool())
        .await?;
    let (model_id, hash, totp): (i64, String, String) =
        sqlx::query_as("SELECT id, password_hash, totp_secret FROM users WHERE role = 'datore' ORDER BY id LIMIT 1")
            .fetch_one(db.pool())
            .await?;
    // The TOTP secret is sealed for its user (`crate::ssr::secrets`): opened once, sealed again for each copy.
    let totp = crate::ssr::secrets::open_totp(model_id, &totp)?;
    let oggetti: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM comunicazione_oggetti ORDER BY id").fetch_all(db.pool()).await?;
    let mut sedi: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, code FROM sedi ORDER BY id").fetch_all(db.pool()).await?;

    // Sedi up to `s.sedi`, each with a datore owning its share of the scale Enti.
    let mut tx = Some(db.begin_write().await?);
    let first_sede = next_id(db, "sedi").await?;
    let new_sedi: Vec<Vec<V>> = (sedi.len() as u64..s.sedi)
        .enumerate()
        .map(|(k, n)| {
            let id = first_sede + k as i64;
            sedi.push((id, format!("{:04}", 9000 + n)));
            vec![
                V::I(id),
                V::T(format!("{:04}", 9000 + n)),
                V::T(format!("Sede {n:03}")),
                V::T(format!("Città {n:03}")),
            ]
        })
        .collect();
    rows += bulk.write(db, &mut tx, "sedi", &["id", "code", "name", "city"], new_sedi).await?;
    let first_user = next_id(db, "users").await?;
    let mut datori = Vec::new();
    let mut users = Vec::new();
    for (k, sede) in sedi.iter().enumerate() {
        let cf = CodiceFiscale::with_check(&format!("DTRSCL{:02}A{:02}H501", 40 + k / 28, 1 + k % 28))
            .map_err(|e| anyhow::anyhow!("scale datore cf: {e}"))?;
        let id = first_user + k as i64;
        datori.push(id);
        users.push(vec![
            V::I(id),
            V::T(cf.as_str().to_string()),
            V::T(format!("Datore della Sede {}", sede.1)),
            V::T("datore".into()),
            V::T(format!("datore.{k}@scala.cassetto.example")),
            V::NullInt,
            V::T(hash.clone()),
            V::T(crate::ssr::secrets::seal_totp(id, &totp)?),
            V::I(0),
        ]);
    }
    let user_columns =
        ["id", "codice_fiscale", "full_name", "role", "email", "sede_id", "password_hash", "totp_secret", "created_at"];
    rows += bulk.write(db, &mut tx, "users", &user_columns, users).await?;
    if let Some(t) = tx.take() {
        t.commit().await?;
    }

    let mut ids = Ids {
        ente: next_id(db, "enti").await?,
        position: next_id(db, "positions").await?,
        delega: next_id(db, "deleghe").await?,
        richiesta: next_id(db, "richieste").await?,
    };
    let end = super::demo_end()?;
    let mut start = end;
    for _ in 1..(s.anni * 12) {
        start = start.prev().unwrap_or(start);
    }
    let months: Vec<Period> = std::iter::successors(Some(start), |p| p.next().filter(|n| *n <= end)).collect();
    let per_position = s.richieste / s.positions.max(1);
    let delega_every = (s.positions / s.deleghe.max(1)).max(1);

    let mut block_start = 0;
    while block_start < s.positions {
        let block = Block::generate(
            &mut rng,
            &mut ids,
            BlockArgs {
                range: block_start..(block_start + BLOCK).min(s.positions),
                sedi: &sedi,
                datori: &datori,
                giuseppe,
                delega_every,
                deleghe: s.deleghe,
                months: &months,
                per_position,
                oggetti: &oggetti,
            },
        )?;
        let mut tx = None;
        rows += block.write(db, &mut bulk, &mut tx).await?;
        if let Some(t) = tx {
            t.commit().await?;
        }
        block_start += BLOCK;
    }

    // The scale datori hold the Gestione contributiva of their Enti (SC65 scopes are per Ente, migration 0014).
    {
        let mut t = db.begin_write().await?;
        crate::ssr::profili::backfill_ente_scopes(&mut t).await?;
        // Giuseppe's scale deleghe cover the Gestione contributiva of their Enti (migration 0018).
        crate::ssr::deleghe::backfill_servizi(&mut t).await?;
        t.commit().await?;
    }

    // Identity sequences follow the explicit ids; fresh statistics for the planner.
    match db.backend() {
        Backend::Postgres => {
            for table in [
                "sedi",
                "users",
                "enti",
                "positions",
                "deleghe",
                "versamenti",
                "dma_denunce",
                "note_rettifica",
                "note_debito",
                "richieste",
                "richiesta_eventi",
            ] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .execute(db.pool())
                .await?;
            }
            // After a bulk load: statistics for the planner, and the visibility map, without which every
            // first read of a page writes its hint bits and no scan is index-only (autovacuum would get there
            // in time, where it runs).
            sqlx::query("VACUUM (ANALYZE)").execute(db.pool()).await?;
        }
        Backend::Sqlite => {
            // No ANALYZE: see `Db::connect`.
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.pool()).await?;
        }
    }
    Ok(Report { rows, seconds: started.elapsed().as_secs_f64() })
}

/// The database's size in bytes, as the backend reports it.
pub async fn database_size(db: &Db) -> anyhow::Result<i64> {
    Ok(match db.backend() {
        Backend::Postgres => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(db.pool()).await?
        }
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
                .fetch_one(db.pool())
                .await?
        }
    })
}

/// The next explicit id of each table whose rows others point to.
struct Ids {
    ente: i64,
    position: i64,
    delega: i64,
    richiesta: i64,
}

struct BlockArgs<'a> {
    range: std::ops::Range<u64>,
    sedi: &'a [(i64, String)],
    datori: &'a [i64],
    giuseppe: i64,
    delega_every: u64,
    deleghe: u64,
    months: &'a [Period],
    per_position: u64,
    oggetti: &'a [i64],
}

/// The rows of one block of positions, table by table.
#[derive(Default)]
struct Block {
    enti: Vec<Vec<V>>,
    positions: Vec<Vec<V>>,
    deleghe: Vec<Vec<V>>,
    versamenti: Vec<Vec<V>>,
    dma: Vec<Vec<V>>,
    rettifiche: Vec<Vec<V>>,
    note_debito: Vec<Vec<V>>,
    richieste: Vec<Vec<V>>,
    eventi: Vec<Vec<V>>,
}

impl Block {
    fn generate(rng: &mut Rng, ids: &mut Ids, a: BlockArgs<'_>) -> anyhow::Result<Block> {
        let mut b = Block::default();
        for i in a.range {
            let k = (i % a.sedi.len() as u64) as usize;
            let (sede_id, sede_code) = (a.sedi[k].0, a.sedi[k].1.as_str());
            // One in ten is a public administration: a position code from its codice fiscale, DMA declarations.
            let public = i % 10 == 5;
            let cf = PartitaIva::with_check(&format!("2{i:06}001")).map_err(|e| anyhow::anyhow!("ente {i}: {e}"))?;
            let code = if public {
                PositionCode::public(&cf, 0)
            } else {
                PositionCode::private_matricola(&format!("{}", 2_000_000_000 + i))
            }
            .map_err(|e| anyhow::anyhow!("position {i}: {e}"))?;
            let name = if public {
                format!("Comune di {} {}", COGNOMI[(i / 10 % 10) as usize], i)
            } else {
                format!(
                    "{} {} {} {}",
                    ATTIVITA[(i % 8) as usize],
                    COGNOMI[(i / 8 % 10) as usize],
                    i,
                    FORME[(i % 5) as usize]
                )
            };
            let (ente, position) = (ids.ente, ids.position);
            ids.ente += 1;
            ids.position += 1;
            let datore = a.datori[k];
            b.enti.push(vec![
                V::I(ente),
                V::T(cf.as_str().to_string()),
                V::T(name),
                V::T(if public { "pubblico" } else { "privato" }.into()),
                V::I(sede_id),
                V::I(datore),
                V::T("RSSMRA70A01H501S".into()),
                V::T(format!("Via Scala {i}, Città {k:03}")),
                V::T(format!("ente{i}@pec.scala.example")),
            ]);
            let opened = a.months[0].first_day();
            b.positions.push(vec![
                V::I(position),
                V::T(code.as_str().to_string()),
                V::I(ente),
                V::I(sede_id),
                V::T("Sede principale".into()),
                V::T("attiva".into()),
                V::T(iso(opened)),
                V::T(if public { "CCNL Funzioni locali" } else { "CCNL Commercio" }.into()),
            ]);
            let delegated = i % a.delega_every == 0 && i / a.delega_every < a.deleghe;
            if delegated {
                b.deleghe.push(vec![
                    V::I(ids.delega),
                    V::T("intermediario".into()),
                    V::I(position),
                    V::NullInt,
                    V::I(a.giuseppe),
                    V::T("attiva".into()),
                    V::T(iso(opened)),
                ]);
                ids.delega += 1;
            }
            let monthly = rng.around(if public { 4_800_000 } else { 1_250_000 }, 40);
            for (m, period) in a.months.iter().enumerate() {
                let paid = period.first_day() + chrono::Months::new(1) + chrono::Days::new(15);
                b.versamenti.push(vec![
                    V::I(position),
                    V::T(if public { "F24EP" } else { "F24" }.into()),
                    V::T(iso(paid)),
                    V::T(period.iso()),
                    V::T(if public { "P101" } else { "DM10" }.into()),
                    V::T(sede_code.to_string()),
                    V::I(rng.around(monthly, 5)),
                ]);
                if public {
                    let workers = 20 + (i % 200) as i64;
                    b.dma.push(vec![
                        V::I(position),
                        V::T(period.iso()),
                        V::T(iso(paid - chrono::Days::new(1))),
                        V::T(format!("DMA.{sede_code}.{i}.{m:03}")),
                        V::I(workers),
                        V::I(monthly * 3),
                        V::I(monthly),
                        V::I(0),
                        V::T("accettata".into()),
                    ]);
                }
                if m % 6 == 2 {
                    b.rettifiche.push(vec![
                        V::I(position),
                        V::T(format!("NRS{}{i:07}{m:03}", period.first_day().year())),
                        V::T(iso(period.first_day() + chrono::Days::new(70))),
                        V::T(period.iso()),
                        V::T(["Differenze contributive", "Omesso versamento", "Errata causale"][m % 3].into()),
                        V::I(rng.around(85_000, 80)),
                        V::T(if m + 12 < a.months.len() { "pagata" } else { "emessa" }.into()),
                    ]);
                }
                if m % 9 == 4 {
                    let amount = rng.around(240_000, 60);
                    let paid_cents = if rng.below(2) == 0 { amount } else { amount / 2 };
                    b.note_debito.push(vec![
                        V::I(position),
                        V::T(format!("NDS{}{i:07}{m:03}", period.first_day().year())),
                        V::T(iso(period.first_day() + chrono::Days::new(95))),
                        V::T(period.iso()),
                        V::T(if m % 2 == 0 { "Sistemazione" } else { "Regolarizzazione" }.into()),
                        V::I(amount),
                        V::I(paid_cents),
                        V::T(if paid_cents == amount { "pagata" } else { "parzialmente pagata" }.into()),
                    ]);
                }
            }
            // Richieste spread over the years; the older ones answered.
            let span = a.months.len() as u64;
            for r in 0..a.per_position {
                let month = a.months[(rng.below(span)) as usize];
                let day = date(month.first_day().year(), month.first_day().month(), 1 + rng.below(28) as u32);
                let aperta = day.and_hms_opt(8 + rng.below(10) as u32, 0, 0).unwrap_or_default().and_utc().timestamp();
                let recent = month >= a.months[a.months.len().saturating_sub(2)];
                let (stato, esito) = match (recent, rng.below(4)) {
                    (true, 0 | 1) => ("aperta", None),
                    (true, _) => ("in_carico", None),
                    (false, 0) => ("chiusa", Some("non_accolta")),
                    (false, _) => ("chiusa", Some("accolta")),
                };
                let aggiornata = aperta + 86_400 * (1 + rng.below(20) as i64);
                let id = ids.richiesta;
                ids.richiesta += 1;
                b.richieste.push(vec![
                    V::I(id),
                    V::T(format!("SCALA.{sede_code}.{}.{i:07}.{r:03}", day.year())),
                    V::I(if delegated { a.giuseppe } else { datore }),
                    V::I(position),
                    V::I(sede_id),
                    V::I(a.oggetti[rng.below(a.oggetti.len() as u64) as usize]),
                    V::T("Richiesta di chiarimento sulla posizione.".into()),
                    V::T(format!("ente{i}@scala.example")),
                    V::I(1),
                    V::T(stato.into()),
                    esito.map_or(V::Null, |e| V::T(e.into())),
                    V::I(aperta),
                    V::I(if stato == "aperta" { aperta } else { aggiornata }),
                    V::I(aperta + 30 * 86_400),
                ]);
                b.eventi.push(vec![
                    V::I(id),
                    V::I(aperta),
                    V::NullInt,
                    V::T("aperta".into()),
                    V::T("Richiesta protocollata.".into()),
                ]);
                if stato != "aperta" {
                    b.eventi.push(vec![
                        V::I(id),
                        V::I(aggiornata),
                        V::NullInt,
                        V::T(stato.into()),
                        V::T("Risposta della Sede.".into()),
                    ]);
                }
            }
        }
        Ok(b)
    }

    async fn write(
        self,
        db: &Db,
        bulk: &mut Bulk,
        tx: &mut Option<sqlx::Transaction<'static, sqlx::Any>>,
    ) -> anyhow::Result<u64> {
        let mut n = 0;
        let enti = [
            "id",
            "codice_fiscale",
            "denominazione",
            "sector",
            "sede_id",
            "datore_user_id",
            "legal_rep_cf",
            "address",
            "pec",
        ];
        n += bulk.write(db, tx, "enti", &enti, self.enti).await?;
        let positions = ["id", "code", "ente_id", "sede_id", "description", "status", "opened_on", "contract"];
        n += bulk.write(db, tx, "positions", &positions, self.positions).await?;
        let deleghe = ["id", "kind", "position_id", "grantor_user_id", "grantee_user_id", "status", "valid_from"];
        n += bulk.write(db, tx, "deleghe", &deleghe, self.deleghe).await?;
        let versamenti = ["position_id", "channel", "paid_on", "period", "causale", "codice_sede", "amount_cents"];
        n += bulk.write(db, tx, "versamenti", &versamenti, self.versamenti).await?;
        let dma = [
            "position_id",
            "period",
            "submitted_on",
            "protocol",
            "workers",
            "imponibile_cents",
            "contributi_cents",
            "errors",
            "status",
        ];
        n += bulk.write(db, tx, "dma_denunce", &dma, self.dma).await?;
        let rettifiche = ["position_id", "number", "issued_on", "period", "reason", "amount_cents", "status"];
        n += bulk.write(db, tx, "note_rettifica", &rettifiche, self.rettifiche).await?;
        let debito = ["position_id", "number", "issued_on", "period", "kind", "amount_cents", "paid_cents", "status"];
        n += bulk.write(db, tx, "note_debito", &debito, self.note_debito).await?;
        let richieste = [
            "id",
            "protocollo",
            "user_id",
            "position_id",
            "sede_id",
            "oggetto_id",
            "testo",
            "email",
            "consenso_notifiche",
            "stato",
            "esito",
            "aperta_at",
            "aggiornata_at",
            "scade_at",
        ];
        n += bulk.write(db, tx, "richieste", &richieste, self.richieste).await?;
        let eventi = ["richiesta_id", "at", "actor_user_id", "stato", "commento"];
        n += bulk.write(db, tx, "richiesta_eventi", &eventi, self.eventi).await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_the_format_reserves() {
        let mut buf = String::new();
        copy_text(&mut buf, "a\\b\tc\nd\re");
        assert_eq!(buf, "a\\\\b\\tc\\nd\\re");
    }
}
