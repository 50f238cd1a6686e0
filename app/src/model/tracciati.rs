//! Invio tracciati: the files sent for a position.

use serde::{Deserialize, Serialize};

/// A tracciato sent (Invio tracciati), as its receipt shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TracciatoRow {
    pub id: i64,
    pub protocollo: String,
    pub tipo: String,
    pub descrizione_tipo: String,
    pub nome_file: String,
    pub dimensione: i64,
    pub sha256: String,
    /// `ricevuto`, `elaborato` or `scartato`.
    pub stato: String,
    pub esito: String,
    pub ricevuto_at: i64,
    pub aggiornato_at: i64,
    pub utente: String,
}

/// The page "Invio tracciati": the types (code, description) and what was sent for the position.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TracciatiView {
    pub tipi: Vec<(String, String)>,
    pub tracciati: Vec<TracciatoRow>,
}
