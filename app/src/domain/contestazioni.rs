//! Contestazione of a Nota di debito: which notes may be contested. The circular (34/2023, §3) lists among the
//! management services "Note di Debito – regolarizzazioni contributive (contestazione)", while the notes for
//! *sistemazioni* contributive are for consultation only: the contestazione is offered, and accepted, on the
//! notes of regolarizzazione alone.

/// The kind of a nota di debito as stored (`note_debito.kind`).
pub const REGOLARIZZAZIONE: &str = "Regolarizzazione";

/// A nota that may not be contested: its number, and its kind as the message names it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "La nota {numero} non è contestabile: la contestazione è prevista solo per le note di debito per \
     regolarizzazioni contributive, mentre le note di {tipo} sono soltanto consultabili."
)]
pub struct NonContestabile {
    pub numero: String,
    pub tipo: String,
}

/// Whether a nota of this kind may be contested (`numero`: the nota's number).
pub fn contestabile(kind: &str, numero: &str) -> Result<(), NonContestabile> {
    if kind == REGOLARIZZAZIONE {
        Ok(())
    } else {
        Err(NonContestabile { numero: numero.to_string(), tipo: tipo_plurale(kind) })
    }
}

/// The kind as the message names it (the stored kinds are `Sistemazione` and `Regolarizzazione`).
fn tipo_plurale(kind: &str) -> String {
    match kind {
        "Sistemazione" => "sistemazione contributiva".to_string(),
        other => other.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_notes_of_regolarizzazione_are_contested() {
        assert_eq!(contestabile("Regolarizzazione", "ND202500104"), Ok(()));
        let refused = contestabile("Sistemazione", "ND202500109").expect_err("refused").to_string();
        assert!(refused.contains("ND202500109") && refused.contains("solo per le note di debito per regolarizzazioni"));
        assert!(refused.contains("sistemazione contributiva"), "{refused}");
        assert!(contestabile("regolarizzazione ", "X").is_err(), "the stored kind, exactly");
    }
}
