//! The DMA: an import's problems and outcome, and the declarations in force.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::period::Period;

/// One problem of an imported ListaPosPA file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DmaErrore {
    pub codice_fiscale: String,
    pub periodo: String,
    pub elemento: String,
    pub codice: String,
    pub descrizione: String,
    /// A warning (`Gravita::Avviso`), not a blocking error.
    #[serde(default)]
    pub avviso: bool,
}

/// An import of a ListaPosPA file and its outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DmaImportazione {
    pub id: i64,
    pub nome_file: String,
    /// The month declared (absent when the file was refused before its month could be read).
    pub periodo: Option<Period>,
    pub lavoratori: i64,
    pub numero_errori: i64,
    /// Of `numero_errori`, the warnings: an accepted file with warnings is "accettata con errori".
    #[serde(default)]
    pub avvisi: i64,
    pub accettata: bool,
    pub at: i64,
    /// The first problems (at most 1 000; `numero_errori` counts them all).
    pub errori: Vec<DmaErrore>,
}

/// The monthly declaration in force for a position and month: a new one for the same month replaces it
/// (a denuncia sostitutiva), and only once the user has confirmed so, naming this one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DenunciaInVigore {
    pub id: i64,
    pub periodo: Period,
    pub inviata_il: NaiveDate,
    pub protocollo: String,
}

impl DenunciaInVigore {
    /// What the user is told before a new declaration of the month replaces this one.
    pub fn avviso(&self) -> String {
        format!(
            "Per il periodo {} è già stata trasmessa una denuncia il {} (protocollo {}). Se conferma, la nuova \
             denuncia la sostituisce per intero (denuncia sostitutiva): quella già trasmessa resterà nell'elenco \
             come «sostituita» e non sarà più considerata, e i totali del mese saranno quelli della nuova. Per \
             correggere solo alcuni periodi precedenti invii invece una denuncia di variazione (periodi V1).",
            self.periodo,
            self.inviata_il.format("%d/%m/%Y"),
            self.protocollo
        )
    }
}

/// What sending a ListaPosPA declaration came to: an import (accepted or refused, by its id), or nothing yet
/// because the month already has a declaration in force and the user has not confirmed replacing it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EsitoInvioDma {
    Importata(i64),
    DaConfermare(DenunciaInVigore),
}
