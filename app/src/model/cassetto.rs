//! The consultation of a position: the Ricerca, the anagrafica and the pages of a section.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;
use crate::domain::period::Period;

/// One row of the Ricerca.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionSummary {
    pub code: String,
    pub ente_cf: String,
    pub denominazione: String,
    pub sector: String,
    pub sede: String,
    pub status: String,
    /// How the user reaches it: "titolare", "delega", "subdelega"; "sede" for an operator's Fascicolo Elettronico.
    pub access: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    pub rows: Vec<PositionSummary>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// The anagrafica of a position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionDetail {
    pub code: String,
    pub kind: String,
    pub ente_cf: String,
    pub denominazione: String,
    pub sector: String,
    pub sede_code: String,
    pub sede: String,
    pub description: String,
    pub status: String,
    pub opened_on: NaiveDate,
    pub contract: String,
    pub address: String,
    pub pec: String,
    pub legal_rep_cf: String,
}

/// A value in a consultation table, typed so the page formats it the Italian way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Int(i64),
    Money(Money),
    Date(NaiveDate),
    Period(Period),
    Empty,
}

impl Cell {
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(m) => m.to_string(),
            Cell::Date(d) => crate::domain::time::date_it(*d),
            Cell::Period(p) => p.to_string(),
            Cell::Empty => "—".to_string(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Money(_))
    }
}

/// The last page index of a list of `total` rows in pages of `size` (0 for an empty list), and `page`
/// clamped to it: a page past the end shows the last one.
pub fn clamp_page(page: u32, total: i64, size: u32) -> u32 {
    let size = i64::from(size.max(1));
    let last = (total.max(0) + size - 1) / size - 1;
    u32::try_from(last.max(0)).unwrap_or(u32::MAX).min(page)
}

/// One page of a consultation table, with the totals of the whole filtered set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablePage {
    pub rows: Vec<TableRow>,
    pub total_rows: i64,
    /// Sums over all filtered rows, by column key.
    pub totals: Vec<(String, Money)>,
    pub page: u32,
    pub page_size: u32,
    /// The applied sort (column key, descending).
    pub sort: (String, bool),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// Id of the record, for sections whose rows open a detail (piani, DMA).
    pub id: i64,
    pub cells: Vec<Cell>,
}

impl TablePage {
    pub fn page_count(&self) -> u32 {
        let size = i64::from(self.page_size.max(1));
        ((self.total_rows + size - 1) / size).max(1) as u32
    }
}
