//! Civil sanctions: the ECA notes, the dated rates and the calculator's answer.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;

/// A Nota di debito ECA as the sanction calculator offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotaEca {
    pub id: i64,
    pub numero: String,
    pub scadenza: NaiveDate,
    pub importo: Money,
}

/// One rate of the dated tables (`tur` or `mora`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TassoRow {
    pub tipo: String,
    pub dal: NaiveDate,
    pub tasso: crate::domain::sanzioni::Tasso,
}

/// The page "Calcolo sanzioni ECA": the position's notes, and the computation asked for, if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SanzioniEca {
    pub note: Vec<NotaEca>,
    pub oggi: NaiveDate,
    /// The data computed on (with the nota's amount and deadline when one was chosen).
    pub dati: Option<crate::domain::sanzioni::Dati>,
    pub calcolo: Option<crate::domain::sanzioni::Calcolo>,
    /// Why the computation could not be made.
    pub errore: Option<String>,
}
