//! Comunicazione bidirezionale 2.0: the taxonomy, the richieste and their timeline.

use serde::{Deserialize, Serialize};

use super::agenda::Appuntamento;

/// One oggetto of the Comunicazione bidirezionale taxonomy, with its tempi soglia.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OggettoRow {
    pub id: i64,
    pub classe: String,
    pub oggetto: String,
    pub soglia_giorni: i64,
}

/// One oggetto of the taxonomy as the administrator manages it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OggettoAdmin {
    pub id: i64,
    pub classe: String,
    pub oggetto: String,
    pub soglia_giorni: i64,
    pub attivo: bool,
    /// Richieste sent on it so far.
    pub richieste: i64,
}

record_id!(
    /// The number of a richiesta of the Comunicazione bidirezionale (`richieste.id`), as in
    /// `/comunicazioni/{id}`.
    RichiestaId
);

/// A richiesta as listed to its author and in the queue of its Sede.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaRow {
    pub id: RichiestaId,
    pub protocollo: String,
    pub position_code: String,
    pub denominazione: String,
    pub classe: String,
    pub oggetto: String,
    pub stato: crate::domain::comunicazioni::Stato,
    pub esito: Option<crate::domain::comunicazioni::Esito>,
    pub aperta_at: i64,
    pub aggiornata_at: i64,
    pub scade_at: i64,
    /// Past its soglia without an answer (computed on the server at reading time).
    pub in_ritardo: bool,
    /// Who sent it (full name): on a datore's position, a delegated employee or an intermediary too.
    pub autore: String,
}

/// One page of richieste (the author's history, or a Sede's queue) and the taxonomy for the filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestePage {
    pub oggetti: Vec<OggettoRow>,
    pub richieste: Vec<RichiestaRow>,
    /// Matches counted, at most `CONTEGGIO_MASSIMO`.
    pub totale: i64,
    /// More than `totale` match (the count stopped at its limit).
    pub oltre: bool,
    /// From 0.
    pub pagina: u32,
    pub pagine: u32,
    /// The history offers «Sulla mia posizione» (the viewer is a datore: the richieste others sent on the
    /// positions of their Enti).
    pub vista_posizione: bool,
}

/// One entry of a richiesta's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaEvento {
    pub at: i64,
    pub stato: crate::domain::comunicazioni::Stato,
    pub autore: Option<String>,
    pub commento: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RichiestaDetail {
    pub richiesta: RichiestaRow,
    pub testo: String,
    pub eventi: Vec<RichiestaEvento>,
    /// The viewer is an operator of the richiesta's Sede (and may act on the quesito).
    pub operatore: bool,
    /// The attached files, if any (downloadable as one zip).
    pub allegati: Option<Allegati>,
    /// The notices sent (or still to send) about it, by e-mail and SMS.
    pub avvisi: Vec<Avviso>,
    /// For the author: whether and where an appointment can be booked.
    pub appuntamento: Option<Appuntamento>,
}

/// A notice of the outbox about a richiesta, with its delivery status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Avviso {
    /// `email` or `sms`.
    pub canale: String,
    pub destinatario: String,
    /// `in_coda`, `in_riprova`, `inviato` or `fallito`.
    pub stato: String,
    pub creato_at: i64,
    pub inviato_at: Option<i64>,
}

/// The files attached to a richiesta: their names and the size of the zip that holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Allegati {
    pub nomi: Vec<String>,
    pub dimensione: i64,
}
