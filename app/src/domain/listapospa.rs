//! The rules of a UniEmens ListaPosPA declaration on one worker's record (`D0_DenunciaIndividuale`), pure,
//! so that the import on the server and the hand-made declaration in the browser check alike. The XML
//! reading is elsewhere; this module sees already-typed values and reports every problem it finds.
//!
//! Sources (DOMAIN.md §1): the element tree and code tables are reconstructed from public parsers and must
//! be checked against the official XSD; the five INPS error codes (00171I, 00172I, 00032I, 00124I, 00126I)
//! are as seen in a public builder. Problems for which no INPS code is known carry our own `CAS…` codes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codice_fiscale::CodiceFiscale;
use super::money::Money;
use super::period::Period;

/// The code tables (DOMAIN.md §1.4), as data: (code, description).
pub const COD_GESTIONE: &[(u8, &str)] = &[
    (1, "CTPS – Cassa trattamenti pensionistici dipendenti statali"),
    (2, "CPDEL – Cassa pensioni dipendenti enti locali"),
    (3, "CPI – Cassa pensioni insegnanti"),
    (4, "CPUG – Cassa pensioni ufficiali giudiziari"),
    (5, "CPS – Cassa pensioni sanitari"),
    (6, "INADEL – TFS enti locali e sanità"),
    (7, "ENPAS – TFS statali"),
    (8, "ENPDEP – Assicurazione sociale vita"),
    (9, "Gestione unitaria prestazioni creditizie e sociali"),
    (11, "ENAM"),
];

pub const CAUSALE_VARIAZIONE: &[(u8, &str)] = &[
    (1, "Integrazione di dati già comunicati"),
    (2, "Dati non denunciati di periodi pregressi"),
    (5, "Sostituzione di periodi pregressi"),
    (6, "Annullamento di periodi pregressi"),
    (7, "Conguaglio previdenziale"),
];

/// Which block a period is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Blocco {
    /// `E0_PeriodoNelMese`: a period of the declared month.
    E0,
    /// `V1_PeriodoPrecedente`: a correction of an earlier period, with its causale.
    V1 { causale: u8 },
}

/// The kind of a `Gestioni` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TipoGestione {
    Pensionistica,
    Previdenziale,
    Credito,
    Enpdep,
    Enam,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gestione {
    pub tipo: TipoGestione,
    pub cod_gestione: u8,
    pub imponibile: Money,
    pub contributo: Money,
    /// `Contrib1PerCento` of the pension gestione (zero elsewhere).
    pub contributo_1_per_cento: Money,
}

/// An `EnteVersante` (V1) or `AltroEnteVersante` (E0): contributions paid by another body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteVersante {
    pub tipo_contributo: u8,
    pub imponibile: Money,
    pub contributo: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periodo {
    pub blocco: Blocco,
    pub inizio: NaiveDate,
    pub fine: NaiveDate,
    pub gestioni: Vec<Gestione>,
    pub enti_versanti: Vec<EnteVersante>,
    /// Elements other than the dates were present (a cancelling V1 must carry only its dates).
    pub altri_elementi: bool,
}

/// One worker's record as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lavoratore {
    pub codice_fiscale: String,
    pub cognome: String,
    pub nome: String,
    pub periodi: Vec<Periodo>,
}

/// One problem, located by worker, period and element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errore {
    pub codice_fiscale: String,
    /// `dd/mm/yyyy–dd/mm/yyyy` of the period concerned, if any.
    pub periodo: Option<String>,
    pub elemento: String,
    pub codice: String,
    pub descrizione: String,
}

fn giorni(p: &Periodo) -> String {
    format!("{}–{}", p.inizio.format("%d/%m/%Y"), p.fine.format("%d/%m/%Y"))
}

/// Every problem of one worker's record in the declaration of `mese`.
pub fn verifica(l: &Lavoratore, mese: Period) -> Vec<Errore> {
    let mut errori = Vec::new();
    let mut errore = |periodo: Option<&Periodo>, elemento: &str, codice: &str, descrizione: String| {
        errori.push(Errore {
            codice_fiscale: l.codice_fiscale.clone(),
            periodo: periodo.map(giorni),
            elemento: elemento.to_string(),
            codice: codice.to_string(),
            descrizione,
        })
    };
    match CodiceFiscale::parse(&l.codice_fiscale) {
        Ok(cf) if cf.is_person() => {}
        _ => errore(
            None,
            "CFLavoratore",
            "CAS001",
            format!("Codice fiscale del lavoratore «{}» non valido.", l.codice_fiscale),
        ),
    }
    if !(1..=40).contains(&l.cognome.trim().chars().count()) {
        errore(None, "Cognome", "CAS002", "Cognome mancante o più lungo di 40 caratteri.".to_string());
    }
    if !(1..=30).contains(&l.nome.trim().chars().count()) {
        errore(None, "Nome", "CAS002", "Nome mancante o più lungo di 30 caratteri.".to_string());
    }
    for p in &l.periodi {
        if p.fine < p.inizio {
            errore(Some(p), "GiornoFine", "CAS010", "Il giorno di fine precede quello di inizio.".to_string());
        }
        match p.blocco {
            Blocco::E0 => {
                if p.inizio < mese.first_day() || p.fine > mese.last_day() {
                    errore(
                        Some(p),
                        "E0_PeriodoNelMese",
                        "CAS011",
                        format!("Il periodo E0 deve cadere nel mese della denuncia ({}).", mese.iso()),
                    );
                }
            }
            Blocco::V1 { causale } => {
                if !CAUSALE_VARIAZIONE.iter().any(|(c, _)| *c == causale) {
                    errore(
                        Some(p),
                        "CausaleVariazione",
                        "CAS020",
                        format!("Causale di variazione {causale} sconosciuta."),
                    );
                }
                if p.inizio >= mese.first_day() {
                    errore(
                        Some(p),
                        "V1_PeriodoPrecedente",
                        "CAS021",
                        "Il periodo V1 deve precedere il mese della denuncia.".to_string(),
                    );
                }
                if causale == 6 && p.altri_elementi {
                    errore(
                        Some(p),
                        "V1_PeriodoPrecedente",
                        "00126I",
                        "Con causale 6 (annullamento) il periodo riporta solo GiornoInizio e GiornoFine.".to_string(),
                    );
                }
            }
        }
        for g in &p.gestioni {
            if !COD_GESTIONE.iter().any(|(c, _)| *c == g.cod_gestione) {
                errore(Some(p), "CodGestione", "CAS030", format!("Codice gestione {} sconosciuto.", g.cod_gestione));
            }
            if g.imponibile.cents() < 0 || g.contributo.cents() < 0 {
                errore(
                    Some(p),
                    "Imponibile",
                    "CAS031",
                    "Imponibile e contributo non possono essere negativi.".to_string(),
                );
            }
        }
        regole_enti_versanti(p, &mut errore);
    }
    errori
}

/// The cross-field rules between the amounts paid by other bodies and the worker's own gestioni.
fn regole_enti_versanti(p: &Periodo, errore: &mut impl FnMut(Option<&Periodo>, &str, &str, String)) {
    let somma = |tipi: &[u8], f: fn(&EnteVersante) -> Money| -> Money {
        p.enti_versanti.iter().filter(|e| tipi.contains(&e.tipo_contributo)).map(f).sum()
    };
    let gestione = |t: TipoGestione| p.gestioni.iter().find(|g| g.tipo == t);
    let pens = gestione(TipoGestione::Pensionistica);
    let (pens_imponibile, pens_contributo) =
        pens.map(|g| (g.imponibile, g.contributo + g.contributo_1_per_cento)).unwrap_or((Money::ZERO, Money::ZERO));
    if somma(&[1], |e| e.imponibile) > pens_imponibile {
        errore(
            Some(p),
            "EnteVersante",
            "00171I",
            "L'imponibile versato da altri enti (CPDEL) supera l'imponibile della gestione pensionistica.".to_string(),
        );
    }
    if somma(&[1, 5], |e| e.contributo) > pens_contributo {
        errore(
            Some(p),
            "EnteVersante",
            "00172I",
            "Il contributo versato da altri enti supera il contributo della gestione pensionistica (compreso l'1 %)."
                .to_string(),
        );
    }
    let credito = gestione(TipoGestione::Credito).map(|g| g.imponibile).unwrap_or(Money::ZERO);
    if somma(&[9], |e| e.imponibile) > credito {
        errore(
            Some(p),
            "EnteVersante",
            "00032I",
            "L'imponibile versato da altri enti al Fondo credito supera l'imponibile della gestione credito."
                .to_string(),
        );
    }
}

/// The declaration-level rule: all workers in one `PosPA` block.
pub fn verifica_blocchi_pospa(blocchi: usize) -> Option<Errore> {
    (blocchi > 1).then(|| Errore {
        codice_fiscale: String::new(),
        periodo: None,
        elemento: "PosPA".to_string(),
        codice: "00124I".to_string(),
        descrizione: format!(
            "La denuncia contiene {blocchi} blocchi PosPA: ne è ammesso uno solo, con tutti i lavoratori."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn euro(e: i64) -> Money {
        Money::from_euros(e).expect("euro")
    }

    fn pensione(imponibile: i64, contributo: i64) -> Gestione {
        Gestione {
            tipo: TipoGestione::Pensionistica,
            cod_gestione: 2,
            imponibile: euro(imponibile),
            contributo: euro(contributo),
            contributo_1_per_cento: Money::ZERO,
        }
    }

    fn e0(gestioni: Vec<Gestione>) -> Periodo {
        Periodo {
            blocco: Blocco::E0,
            inizio: day(2026, 3, 1),
            fine: day(2026, 3, 31),
            gestioni,
            enti_versanti: Vec::new(),
            altri_elementi: true,
        }
    }

    fn lavoratore(periodi: Vec<Periodo>) -> Lavoratore {
        Lavoratore {
            codice_fiscale: "RSSMRA70A01H501S".to_string(),
            cognome: "Rossi".to_string(),
            nome: "Mario".to_string(),
            periodi,
        }
    }

    fn codici(l: &Lavoratore) -> Vec<String> {
        verifica(l, Period::new(2026, 3).expect("period")).into_iter().map(|e| e.codice).collect()
    }

    #[test]
    fn a_clean_record_passes() {
        assert!(codici(&lavoratore(vec![e0(vec![pensione(2_000, 476)])])).is_empty());
    }

    #[test]
    fn identity_dates_and_codes_are_checked() {
        let mut l = lavoratore(vec![e0(vec![pensione(2_000, 476)])]);
        l.codice_fiscale = "RSSMRA70A01H501X".to_string();
        l.nome = String::new();
        l.periodi[0].fine = day(2026, 4, 2);
        l.periodi[0].gestioni[0].cod_gestione = 10;
        assert_eq!(codici(&l), ["CAS001", "CAS002", "CAS011", "CAS030"]);
        let errori = verifica(&l, Period::new(2026, 3).expect("period"));
        assert_eq!(errori[2].periodo.as_deref(), Some("01/03/2026–02/04/2026"));
        assert_eq!(errori[0].codice_fiscale, "RSSMRA70A01H501X");
    }

    #[test]
    fn other_bodies_cannot_pay_more_than_the_worker_owes() {
        let mut p = e0(vec![pensione(2_000, 476)]);
        p.enti_versanti = vec![EnteVersante { tipo_contributo: 1, imponibile: euro(2_001), contributo: euro(100) }];
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["00171I"]);
        p.enti_versanti = vec![
            EnteVersante { tipo_contributo: 1, imponibile: euro(1_000), contributo: euro(400) },
            EnteVersante { tipo_contributo: 5, imponibile: Money::ZERO, contributo: euro(100) },
        ];
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["00172I"]);
        // The 1 % contribution counts on the worker's side.
        p.gestioni[0].contributo_1_per_cento = euro(30);
        assert!(codici(&lavoratore(vec![p.clone()])).is_empty());
        p.enti_versanti = vec![EnteVersante { tipo_contributo: 9, imponibile: euro(10), contributo: Money::ZERO }];
        assert_eq!(codici(&lavoratore(vec![p])), ["00032I"]);
    }

    #[test]
    fn corrections_precede_the_month_and_a_cancellation_carries_only_dates() {
        let v1 = |causale, altri| Periodo {
            blocco: Blocco::V1 { causale },
            inizio: day(2025, 11, 1),
            fine: day(2025, 11, 30),
            gestioni: Vec::new(),
            enti_versanti: Vec::new(),
            altri_elementi: altri,
        };
        assert!(codici(&lavoratore(vec![v1(6, false)])).is_empty());
        assert_eq!(codici(&lavoratore(vec![v1(6, true)])), ["00126I"]);
        assert_eq!(codici(&lavoratore(vec![v1(3, false)])), ["CAS020"]);
        let mut late = v1(1, true);
        late.inizio = day(2026, 3, 1);
        late.fine = day(2026, 3, 31);
        assert_eq!(codici(&lavoratore(vec![late])), ["CAS021"]);
    }

    #[test]
    fn one_pospa_block_only() {
        assert_eq!(verifica_blocchi_pospa(1), None);
        assert_eq!(verifica_blocchi_pospa(2).map(|e| e.codice), Some("00124I".to_string()));
    }
}
