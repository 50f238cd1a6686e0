//! Agenda appuntamenti: bookings, slots and what a richiesta's page shows about booking.

use serde::{Deserialize, Serialize};

record_id!(
    /// The number of a booking of the Agenda appuntamenti (`prenotazioni.id`).
    PrenotazioneId
);

/// A booking, as its author and the Sede's operators see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrenotazioneRow {
    pub id: PrenotazioneId,
    pub slot_id: i64,
    pub inizio_at: i64,
    pub durata_minuti: i64,
    pub sede: String,
    pub richiesta_id: super::RichiestaId,
    pub protocollo: String,
    pub utente: String,
    pub telefono: String,
    pub note: String,
    pub stato: crate::domain::agenda::StatoPrenotazione,
}

/// A slot a Sede published, with its live booking if any.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlotRow {
    pub id: i64,
    pub inizio_at: i64,
    pub durata_minuti: i64,
    pub prenotazione: Option<PrenotazioneRow>,
}

/// The appointment side of a richiesta, for its author.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appuntamento {
    /// Why no appointment can be booked now, if so.
    pub non_prenotabile: Option<String>,
    /// The Sede's free future slots (empty when not bookable).
    pub slot_liberi: Vec<SlotRow>,
    /// The booking in force for this richiesta.
    pub prenotazione: Option<PrenotazioneRow>,
}

/// `/agenda`: a user's bookings, or a Sede's slots for its operators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Agenda {
    Utente { prenotazioni: Vec<PrenotazioneRow> },
    Sede { sede: String, slot: Vec<SlotRow> },
}
