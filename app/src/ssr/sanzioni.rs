//! The civil-sanction calculator on stored data: the dated rate tables (kept by the administrator) and
//! the Note di debito ECA of a position. The rules are `domain::sanzioni`.

use chrono::NaiveDate;

use super::audit::{self, Entry};
use super::db::{Db, iso_date, parse_iso_date};
use crate::domain::money::Money;
use crate::domain::sanzioni::{self as rules, Dati, Tasso, TassoDatato};
use crate::error::AppError;
use crate::model::{NotaEca, TassoRow};

/// Which table a rate belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TipoTasso {
    Tur,
    Mora,
}

impl TipoTasso {
    pub fn as_str(self) -> &'static str {
        match self {
            TipoTasso::Tur => "tur",
            TipoTasso::Mora => "mora",
        }
    }

    pub fn parse(s: &str) -> Option<TipoTasso> {
        [TipoTasso::Tur, TipoTasso::Mora].into_iter().find(|t| t.as_str() == s)
    }
}

/// One table, oldest first.
pub async fn tabella(db: &Db, tipo: TipoTasso) -> Result<Vec<TassoDatato>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT dal, tasso FROM tassi WHERE tipo = $1 ORDER BY dal")
        .bind(tipo.as_str())
        .fetch_all(db.pool())
        .await?;
    rows.into_iter().map(|(dal, tasso)| Ok(TassoDatato { dal: parse_iso_date(&dal)?, tasso: Tasso(tasso) })).collect()
}

/// Both tables, for the administrator.
pub async fn tassi(db: &Db) -> Result<Vec<TassoRow>, AppError> {
    let mut out = Vec::new();
    for tipo in [TipoTasso::Tur, TipoTasso::Mora] {
        out.extend(tabella(db, tipo).await?.into_iter().map(|t| TassoRow {
            tipo: tipo.as_str().to_string(),
            dal: t.dal,
            tasso: t.tasso,
        }));
    }
    Ok(out)
}

/// Adds a rate, or replaces the one starting the same day.
pub async fn save_tasso(
    db: &Db,
    admin_id: i64,
    tipo: TipoTasso,
    dal: NaiveDate,
    tasso: Tasso,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO tassi (tipo, dal, tasso) VALUES ($1, $2, $3) ON CONFLICT (tipo, dal) DO UPDATE SET tasso = excluded.tasso",
    )
    .bind(tipo.as_str())
    .bind(iso_date(dal))
    .bind(tasso.0)
    .execute(&mut *tx)
    .await?;
    let subject = format!("tasso:{}:{}", tipo.as_str(), iso_date(dal));
    let detail = tasso.to_string();
    audit::append(
        &mut tx,
        Entry { actor_user_id: Some(admin_id), action: "tasso.salvato", subject: &subject, detail: &detail },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a rate entered by mistake.
pub async fn remove_tasso(db: &Db, admin_id: i64, tipo: TipoTasso, dal: NaiveDate, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("DELETE FROM tassi WHERE tipo = $1 AND dal = $2")
        .bind(tipo.as_str())
        .bind(iso_date(dal))
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    let subject = format!("tasso:{}:{}", tipo.as_str(), iso_date(dal));
    audit::append(
        &mut tx,
        Entry { actor_user_id: Some(admin_id), action: "tasso.rimosso", subject: &subject, detail: "" },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The Note di debito ECA of a position, newest first.
pub async fn note_eca(db: &Db, position_id: i64) -> Result<Vec<NotaEca>, AppError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, number, due_on, amount_cents FROM note_debito_eca WHERE position_id = $1 ORDER BY issued_on DESC, id DESC",
    )
    .bind(position_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(id, numero, due_on, cents)| {
            Ok(NotaEca { id, numero, scadenza: parse_iso_date(&due_on)?, importo: Money::from_cents(cents) })
        })
        .collect()
}

/// The computation over the stored rates.
pub async fn compute(db: &Db, dati: &Dati) -> Result<rules::Calcolo, AppError> {
    let tur = tabella(db, TipoTasso::Tur).await?;
    let mora = tabella(db, TipoTasso::Mora).await?;
    rules::compute(dati, &tur, &mora).map_err(AppError::invalid)
}
