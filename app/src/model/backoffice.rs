//! The back-office of a Sede: its operators.

use serde::{Deserialize, Serialize};

/// An operator of a Sede as the IDM sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OperatorRow {
    pub codice_fiscale: String,
    pub full_name: String,
    pub enabled: bool,
    /// Enabled by the IDM for the Fascicolo Elettronico del Contribuente.
    pub fascicolo_elettronico: bool,
}
