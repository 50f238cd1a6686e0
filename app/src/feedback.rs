//! Instant Feedback as data: the services that ask for a rating, the three levels and the reasons a
//! negative rating picks from. The widget, the server's checks and the dashboard all read these lists.

use serde::{Deserialize, Serialize};

use crate::sections::Section;

/// How a use of a service comes about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uso {
    /// Consulting a page: one use per user, service and day (the server records it when the rating is
    /// offered).
    Consultazione,
    /// An action (a richiesta sent, a DMA submitted, a delega activated): the server records the use where
    /// the action happens, named by the record it created.
    Azione,
    /// An action that creates no record the page could name (a dossier printed as a download): the server
    /// records the use where the action happens, one per user, service and (Italian) day.
    AzioneDelGiorno,
}

pub struct Servizio {
    pub key: &'static str,
    pub label: &'static str,
    pub uso: Uso,
}

/// Every service that asks for a rating. Consultation services are the top-level sections (same slugs).
pub const SERVIZI: &[Servizio] = &[
    Servizio { key: "versamenti", label: "Versamenti", uso: Uso::Consultazione },
    Servizio { key: "note-rettifica", label: "Note di rettifica", uso: Uso::Consultazione },
    Servizio { key: "piani-ammortamento", label: "Piani di ammortamento", uso: Uso::Consultazione },
    Servizio { key: "dma", label: "DMA", uso: Uso::Consultazione },
    Servizio { key: "note-debito", label: "Note di debito", uso: Uso::Consultazione },
    Servizio { key: "note-debito-eca", label: "Note di debito ECA", uso: Uso::Consultazione },
    Servizio { key: "richiesta", label: "Comunicazione bidirezionale (invio richiesta)", uso: Uso::Azione },
    Servizio { key: "dma-invio", label: "Invio denuncia DMA", uso: Uso::Azione },
    Servizio { key: "delega-attivazione", label: "Attivazione delega", uso: Uso::Azione },
    // The other services of the circular (§3, §3.1): rated after a computation is shown, a file or a
    // contestazione is protocolled, the dossier is printed, an appointment is booked.
    Servizio { key: "calcolo-sanzioni", label: "Calcolo sanzioni ECA", uso: Uso::Consultazione },
    Servizio { key: "invio-tracciati", label: "Invio tracciati", uso: Uso::Azione },
    Servizio { key: "contestazione", label: "Contestazione note di debito", uso: Uso::Azione },
    Servizio { key: "fascicolo-stampa", label: "Stampa del fascicolo aziendale", uso: Uso::AzioneDelGiorno },
    Servizio { key: "prenotazione", label: "Agenda appuntamenti (prenotazione)", uso: Uso::Azione },
];

/// How many services the demo's feedback history was first drawn for (see `ssr::demo`): services added
/// later draw from their own sequence, so the rest of the demo data stays as it was.
pub const SERVIZI_ORIGINARI: usize = 9;

pub fn servizio(key: &str) -> Option<&'static Servizio> {
    SERVIZI.iter().find(|s| s.key == key)
}

/// The service a consultation section is rated as (child sections count as their parent's).
pub fn servizio_di_sezione(section: Section) -> &'static str {
    let top = section.parent().unwrap_or(section);
    top.spec().slug
}

/// The three levels, best first: (value stored, label, symbol).
pub const LIVELLI: &[(i64, &str, &str)] =
    &[(3, "Soddisfatto", "☺"), (2, "Abbastanza soddisfatto", "😐"), (1, "Non soddisfatto", "☹")];

pub const NEGATIVO: i64 = 1;

/// Why a user is not satisfied: (value stored, label).
pub const MOTIVI: &[(&str, &str)] = &[
    ("incompleto", "Informazioni incomplete o non aggiornate"),
    ("difficile", "Servizio difficile da usare"),
    ("lento", "Servizio lento o non disponibile"),
    ("esito", "Esito diverso da quello atteso"),
    ("altro", "Altro"),
];

pub const MAX_TESTO: usize = 500;

pub fn motivo_label(key: &str) -> Option<&'static str> {
    MOTIVI.iter().find(|m| m.0 == key).map(|m| m.1)
}

/// A rating as sent by the widget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Valutazione {
    pub livello: i64,
    pub motivo: Option<String>,
    pub testo: Option<String>,
}

/// A checked rating: level known, a known reason exactly when negative, text trimmed and bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct ValutazioneValida {
    pub livello: i64,
    pub motivo: Option<&'static str>,
    pub testo: Option<String>,
}

/// Why a rating is refused; the messages are the user's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValutazioneRifiutata {
    #[error("Scelga una delle tre valutazioni.")]
    Livello,
    #[error("Indichi il motivo per cui non è soddisfatto.")]
    MotivoMancante,
    #[error("Motivo non previsto.")]
    MotivoSconosciuto,
    #[error("Il commento può avere al massimo {MAX_TESTO} caratteri.")]
    TestoLungo,
}

pub fn check(v: &Valutazione) -> Result<ValutazioneValida, ValutazioneRifiutata> {
    if !LIVELLI.iter().any(|l| l.0 == v.livello) {
        return Err(ValutazioneRifiutata::Livello);
    }
    let motivo = match (v.livello == NEGATIVO, v.motivo.as_deref().map(str::trim).filter(|m| !m.is_empty())) {
        (true, None) => return Err(ValutazioneRifiutata::MotivoMancante),
        (true, Some(m)) => {
            Some(MOTIVI.iter().find(|k| k.0 == m).map(|k| k.0).ok_or(ValutazioneRifiutata::MotivoSconosciuto)?)
        }
        (false, _) => None,
    };
    let testo = v.testo.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    if testo.as_ref().is_some_and(|t| t.chars().count() > MAX_TESTO) {
        return Err(ValutazioneRifiutata::TestoLungo);
    }
    Ok(ValutazioneValida { livello: v.livello, motivo, testo })
}

/// The dashboard: per service, the counts, the month-by-month series and the reasons.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Riepilogo {
    pub servizi: Vec<RiepilogoServizio>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiepilogoServizio {
    pub key: String,
    pub label: String,
    /// Counts per level, indexed by level - 1 (negative, neutral, positive).
    pub conteggi: [i64; 3],
    /// (month `aaaa-mm`, counts per level), oldest first, months without ratings left out.
    pub mesi: Vec<(String, [i64; 3])>,
    /// (reason label, count), most frequent first.
    pub motivi: Vec<(String, i64)>,
    /// The latest comments of negative ratings (at most five).
    pub commenti: Vec<String>,
}

/// Share of satisfied users in per cent (positive over all), rounded; none without ratings.
pub fn soddisfazione(conteggi: &[i64; 3]) -> Option<i64> {
    let total: i64 = conteggi.iter().sum();
    (total > 0).then(|| (conteggi[2] * 100 + total / 2) / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(livello: i64, motivo: Option<&str>, testo: Option<&str>) -> Valutazione {
        Valutazione { livello, motivo: motivo.map(Into::into), testo: testo.map(Into::into) }
    }

    #[test]
    fn a_negative_rating_needs_a_known_reason() {
        assert_eq!(check(&v(1, None, None)), Err(ValutazioneRifiutata::MotivoMancante));
        assert_eq!(check(&v(1, Some("  "), None)), Err(ValutazioneRifiutata::MotivoMancante));
        assert_eq!(check(&v(1, Some("boh"), None)), Err(ValutazioneRifiutata::MotivoSconosciuto));
        assert_eq!(check(&v(1, Some("lento"), Some("  troppo  "))).expect("valid").motivo, Some("lento"));
        assert_eq!(check(&v(1, Some("lento"), Some("  troppo  "))).expect("valid").testo.as_deref(), Some("troppo"));
    }

    #[test]
    fn other_levels_drop_any_reason_and_unknown_levels_are_refused() {
        assert_eq!(check(&v(3, Some("lento"), None)).expect("valid").motivo, None);
        assert_eq!(check(&v(2, None, Some(""))).expect("valid").testo, None);
        assert_eq!(check(&v(0, None, None)), Err(ValutazioneRifiutata::Livello));
        assert_eq!(check(&v(4, None, None)), Err(ValutazioneRifiutata::Livello));
        assert_eq!(check(&v(2, None, Some(&"x".repeat(MAX_TESTO + 1)))), Err(ValutazioneRifiutata::TestoLungo));
        assert!(check(&v(2, None, Some(&"è".repeat(MAX_TESTO)))).is_ok());
    }

    #[test]
    fn consultation_services_are_the_top_level_sections() {
        for spec in Section::top_level() {
            let s = servizio(spec.slug).expect("every top-level section is a rated service");
            assert_eq!(s.uso, Uso::Consultazione);
        }
        assert_eq!(servizio_di_sezione(Section::RatePiano), "piani-ammortamento");
        assert_eq!(servizio_di_sezione(Section::DmaLavoratori), "dma");
    }

    #[test]
    fn satisfaction_is_the_rounded_share_of_positive_ratings() {
        assert_eq!(soddisfazione(&[0, 0, 0]), None);
        assert_eq!(soddisfazione(&[1, 1, 1]), Some(33));
        assert_eq!(soddisfazione(&[0, 1, 2]), Some(67));
        assert_eq!(soddisfazione(&[0, 0, 5]), Some(100));
    }
}
