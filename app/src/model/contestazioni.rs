//! Contestazione note di debito: the contestazioni and the notes they contest.

use serde::{Deserialize, Serialize};

record_id!(
    /// The number of a contestazione (`contestazioni.id`).
    ContestazioneId
);

/// A contestazione of a Nota di debito, for its author and the Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContestazioneRow {
    pub id: ContestazioneId,
    pub protocollo: String,
    pub nota_id: i64,
    /// The nota's number.
    pub nota: String,
    pub posizione: String,
    pub motivi: String,
    pub allegati: Vec<String>,
    /// `presentata`, `accolta` or `respinta`.
    pub stato: String,
    pub risposta: String,
    pub presentata_at: i64,
    pub risposta_at: Option<i64>,
}

/// The page "Contestazione note di debito": the position's notes and the contestazioni filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ContestazioniView {
    pub note: Vec<NotaDebitoRow>,
    pub contestazioni: Vec<ContestazioneRow>,
}

/// A nota di debito on the contestazione page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotaDebitoRow {
    pub id: i64,
    pub numero: String,
    /// `Sistemazione` or `Regolarizzazione`.
    pub tipo: String,
    pub residuo_cents: i64,
    /// Whether the circular allows contesting it (`domain::contestazioni::contestabile`: regolarizzazioni only).
    pub contestabile: bool,
}
