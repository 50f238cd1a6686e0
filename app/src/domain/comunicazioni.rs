//! Comunicazione bidirezionale 2.0 and Agenda appuntamenti (circular §3.1): the life of a richiesta and
//! its quesito, the protocol number, and when the user may book an appointment at the Sede.

use serde::{Deserialize, Serialize};

/// Status of a richiesta, in step with its back-office quesito.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stato {
    Aperta,
    InCarico,
    Chiusa,
}

impl Stato {
    pub fn as_str(self) -> &'static str {
        match self {
            Stato::Aperta => "aperta",
            Stato::InCarico => "in_carico",
            Stato::Chiusa => "chiusa",
        }
    }

    pub fn parse(s: &str) -> Option<Stato> {
        match s {
            "aperta" => Some(Stato::Aperta),
            "in_carico" => Some(Stato::InCarico),
            "chiusa" => Some(Stato::Chiusa),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stato::Aperta => "Aperta",
            Stato::InCarico => "In carico",
            Stato::Chiusa => "Chiusa",
        }
    }
}

/// The final outcome the operator sets when closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Esito {
    Accolta,
    NonAccolta,
}

impl Esito {
    pub fn as_str(self) -> &'static str {
        match self {
            Esito::Accolta => "accolta",
            Esito::NonAccolta => "non_accolta",
        }
    }

    pub fn parse(s: &str) -> Option<Esito> {
        match s {
            "accolta" => Some(Esito::Accolta),
            "non_accolta" => Some(Esito::NonAccolta),
            _ => None,
        }
    }
}

/// What an operator does to a quesito.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Azione {
    PrendiInCarico,
    Commenta,
    Chiudi(Esito),
}

/// The status after `azione`, or the Italian reason it is not allowed. Comments are required for a comment
/// and for the closing (the outcome needs its reason); taking in charge may go without one.
pub fn transizione(corrente: Stato, azione: Azione, commento: &str) -> Result<Stato, &'static str> {
    let commento_vuoto = commento.trim().is_empty();
    match (corrente, azione) {
        (Stato::Chiusa, _) => Err("Il quesito è chiuso: non si può più modificare."),
        (Stato::Aperta, Azione::PrendiInCarico) => Ok(Stato::InCarico),
        (Stato::InCarico, Azione::PrendiInCarico) => Err("Il quesito è già in carico."),
        (_, Azione::Commenta) if commento_vuoto => Err("Scriva il commento."),
        (stato, Azione::Commenta) => Ok(stato),
        (Stato::Aperta, Azione::Chiudi(_)) => Err("Prenda in carico il quesito prima di chiuderlo."),
        (Stato::InCarico, Azione::Chiudi(_)) if commento_vuoto => {
            Err("Per chiudere il quesito scriva la motivazione dell'esito.")
        }
        (Stato::InCarico, Azione::Chiudi(_)) => Ok(Stato::Chiusa),
    }
}

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// The instant after which an unanswered richiesta is overdue: opening plus the oggetto's tempi soglia.
pub fn scadenza(aperta_at: i64, soglia_giorni: i64) -> i64 {
    aperta_at + soglia_giorni * SECONDS_PER_DAY
}

/// Overdue: still without an answer (not closed) once the soglia has passed.
pub fn in_ritardo(stato: Stato, scade_at: i64, now: i64) -> bool {
    stato != Stato::Chiusa && now >= scade_at
}

/// Why a richiesta cannot lead to an appointment (circular §3.1: "in caso di risposta non pervenuta nei tempi
/// soglia … o di risposta con esito non accolta").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NonPrenotabile {
    Accolta,
    NeiTempi,
}

impl NonPrenotabile {
    pub fn message(self) -> &'static str {
        match self {
            NonPrenotabile::Accolta => "La richiesta è stata accolta: non occorre un appuntamento.",
            NonPrenotabile::NeiTempi => {
                "La Sede è ancora nei tempi di risposta per questa richiesta: l'appuntamento si potrà prenotare dopo la scadenza."
            }
        }
    }
}

pub fn prenotabile(stato: Stato, esito: Option<Esito>, scade_at: i64, now: i64) -> Result<(), NonPrenotabile> {
    match (stato, esito) {
        (Stato::Chiusa, Some(Esito::NonAccolta)) => Ok(()),
        (Stato::Chiusa, _) => Err(NonPrenotabile::Accolta),
        _ if in_ritardo(stato, scade_at, now) => Ok(()),
        _ => Err(NonPrenotabile::NeiTempi),
    }
}

/// Status of a booking at the Sede's agenda.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatoPrenotazione {
    Prenotata,
    Annullata,
    Svolta,
    Assente,
}

impl StatoPrenotazione {
    pub fn as_str(self) -> &'static str {
        match self {
            StatoPrenotazione::Prenotata => "prenotata",
            StatoPrenotazione::Annullata => "annullata",
            StatoPrenotazione::Svolta => "svolta",
            StatoPrenotazione::Assente => "assente",
        }
    }

    pub fn parse(s: &str) -> Option<StatoPrenotazione> {
        [Self::Prenotata, Self::Annullata, Self::Svolta, Self::Assente].into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            StatoPrenotazione::Prenotata => "Prenotato",
            StatoPrenotazione::Annullata => "Annullato",
            StatoPrenotazione::Svolta => "Svolto",
            StatoPrenotazione::Assente => "Utente assente",
        }
    }
}

/// The protocol number of the `numero`-th richiesta of `anno` at the Sede `sede_code`.
pub fn protocollo(sede_code: &str, anno: i32, numero: i64) -> String {
    format!("INPS.{sede_code}.{anno}.{numero:07}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quesito_goes_aperta_in_carico_chiusa_and_stops_there() {
        assert_eq!(transizione(Stato::Aperta, Azione::PrendiInCarico, ""), Ok(Stato::InCarico));
        assert_eq!(transizione(Stato::InCarico, Azione::Commenta, "Verifica in corso"), Ok(Stato::InCarico));
        assert_eq!(transizione(Stato::Aperta, Azione::Commenta, "Ricevuta"), Ok(Stato::Aperta));
        assert_eq!(transizione(Stato::InCarico, Azione::Chiudi(Esito::NonAccolta), "Manca il DURC"), Ok(Stato::Chiusa));
        assert!(transizione(Stato::InCarico, Azione::PrendiInCarico, "").is_err());
        assert!(transizione(Stato::Aperta, Azione::Chiudi(Esito::Accolta), "ok").is_err(), "closing skips no step");
        for azione in [Azione::PrendiInCarico, Azione::Commenta, Azione::Chiudi(Esito::Accolta)] {
            assert_eq!(transizione(Stato::Chiusa, azione, "x"), Err("Il quesito è chiuso: non si può più modificare."));
        }
    }

    #[test]
    fn comments_and_closings_need_words() {
        assert_eq!(transizione(Stato::InCarico, Azione::Commenta, "  "), Err("Scriva il commento."));
        assert!(transizione(Stato::InCarico, Azione::Chiudi(Esito::Accolta), "").is_err());
    }

    #[test]
    fn booking_opens_after_the_soglia_or_on_a_refusal_never_on_an_acceptance() {
        let opened = 1_700_000_000;
        let due = scadenza(opened, 30);
        assert_eq!(due - opened, 30 * 86_400);
        assert_eq!(prenotabile(Stato::Aperta, None, due, due - 1), Err(NonPrenotabile::NeiTempi));
        assert_eq!(prenotabile(Stato::InCarico, None, due, due), Ok(()));
        assert_eq!(prenotabile(Stato::Chiusa, Some(Esito::NonAccolta), due, opened), Ok(()));
        assert_eq!(prenotabile(Stato::Chiusa, Some(Esito::Accolta), due, due + 1), Err(NonPrenotabile::Accolta));
        assert!(in_ritardo(Stato::Aperta, due, due));
        assert!(!in_ritardo(Stato::Chiusa, due, due + 1), "a closed richiesta is answered, never overdue");
    }

    #[test]
    fn protocol_numbers_are_per_sede_and_year() {
        assert_eq!(protocollo("7001", 2026, 42), "INPS.7001.2026.0000042");
    }

    #[test]
    fn states_and_outcomes_round_trip_through_their_stored_names() {
        for s in [Stato::Aperta, Stato::InCarico, Stato::Chiusa] {
            assert_eq!(Stato::parse(s.as_str()), Some(s));
        }
        for e in [Esito::Accolta, Esito::NonAccolta] {
            assert_eq!(Esito::parse(e.as_str()), Some(e));
        }
        assert_eq!(Stato::parse("sospesa"), None);
        for p in [
            StatoPrenotazione::Prenotata,
            StatoPrenotazione::Annullata,
            StatoPrenotazione::Svolta,
            StatoPrenotazione::Assente,
        ] {
            assert_eq!(StatoPrenotazione::parse(p.as_str()), Some(p));
        }
    }
}
