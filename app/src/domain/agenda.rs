//! Agenda appuntamenti (circular §3.1): when the author of a richiesta may book an appointment at the Sede, and
//! the states of a booking.

use serde::{Deserialize, Serialize};

use super::comunicazioni::{Esito, Stato, in_ritardo};

/// Why a richiesta cannot lead to an appointment (circular §3.1: "in caso di risposta non pervenuta nei tempi
/// soglia … o di risposta con esito non accolta").
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NonPrenotabile {
    #[error("La richiesta è stata accolta: non occorre un appuntamento.")]
    Accolta,
    #[error(
        "La Sede è ancora nei tempi di risposta per questa richiesta: l'appuntamento si potrà prenotare dopo la \
         scadenza."
    )]
    NeiTempi,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booking_opens_after_the_soglia_or_on_a_refusal_never_on_an_acceptance() {
        let opened = 1_700_000_000;
        let due = super::super::comunicazioni::scadenza(opened, 30);
        assert_eq!(due - opened, 30 * 86_400);
        assert_eq!(prenotabile(Stato::Aperta, None, due, due - 1), Err(NonPrenotabile::NeiTempi));
        assert_eq!(prenotabile(Stato::InCarico, None, due, due), Ok(()));
        assert_eq!(prenotabile(Stato::Chiusa, Some(Esito::NonAccolta), due, opened), Ok(()));
        assert_eq!(prenotabile(Stato::Chiusa, Some(Esito::Accolta), due, due + 1), Err(NonPrenotabile::Accolta));
        assert!(in_ritardo(Stato::Aperta, due, due));
        assert!(!in_ritardo(Stato::Chiusa, due, due + 1), "a closed richiesta is answered, never overdue");
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
