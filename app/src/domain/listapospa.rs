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

/// The name of a CodGestione in the DMA pages and their "Gestione" filter (`sections::GESTIONI`).
pub fn voce_gestione(cod: u8) -> String {
    match cod {
        1 => "Pensioni (CTPS)",
        2 => "Pensioni (CPDEL)",
        3 => "Pensioni (CPI)",
        4 => "Pensioni (CPUG)",
        5 => "Pensioni (CPS)",
        6 | 7 => "TFS",
        8 => "ENPDEP",
        9 => "Credito",
        11 => "ENAM",
        other => return format!("Gestione {other}"),
    }
    .to_string()
}

/// `TipoPiano` of an F1 instalment: the kind of amortisation plan.
pub const TIPO_PIANO: &[(u8, &str)] = &[
    (11, "Riscatto ai fini pensionistici"),
    (12, "Ricongiunzione L. 29/1979"),
    (13, "Riscatto ai fini TFS"),
    (28, "Riscatto ai fini TFR"),
    (41, "Ricongiunzione L. 45/1990"),
];

/// `TipoOperazione` of an F1 instalment.
pub const TIPO_OPERAZIONE: &[(&str, &str)] = &[("V", "Versamento"), ("R", "Rimborso"), ("S", "Storno")];

/// `RegimeFineServizio` of the inquadramento.
pub const REGIME_FINE_SERVIZIO: &[(u8, &str)] = &[(1, "TFR"), (2, "Optante"), (3, "TFS")];

/// `TipoPartTime` of the inquadramento.
pub const TIPO_PART_TIME: &[(&str, &str)] = &[("P", "Orizzontale"), ("V", "Verticale"), ("M", "Misto")];

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

impl TipoGestione {
    pub const ALL: [TipoGestione; 5] = [
        TipoGestione::Pensionistica,
        TipoGestione::Previdenziale,
        TipoGestione::Credito,
        TipoGestione::Enpdep,
        TipoGestione::Enam,
    ];

    /// The element that holds it inside `Gestioni`.
    pub fn elemento(self) -> &'static str {
        match self {
            TipoGestione::Pensionistica => "GestPensionistica",
            TipoGestione::Previdenziale => "GestPrevidenziale",
            TipoGestione::Credito => "GestCredito",
            TipoGestione::Enpdep => "ENPDEP",
            TipoGestione::Enam => "ENAM",
        }
    }

    pub fn da_elemento(name: &str) -> Option<TipoGestione> {
        TipoGestione::ALL.into_iter().find(|t| t.elemento() == name)
    }

    pub fn etichetta(self) -> &'static str {
        match self {
            TipoGestione::Pensionistica => "Pensionistica",
            TipoGestione::Previdenziale => "Previdenziale (TFS/TFR)",
            TipoGestione::Credito => "Credito",
            TipoGestione::Enpdep => "ENPDEP",
            TipoGestione::Enam => "ENAM",
        }
    }
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

/// `InquadramentoLavPA`: how the worker is employed in the period. Numeric codes the reader could not read
/// are 0; absent texts are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inquadramento {
    pub tipo_impiego: u8,
    pub tipo_servizio: u8,
    pub contratto: String,
    pub qualifica: String,
    pub regime_fine_servizio: u8,
    /// `PartTimePA`: TipoPartTime and PercPartTime, when part-time.
    pub part_time: Option<(String, u8)>,
}

/// `F1_Ammortamento`: one instalment of an amortisation plan (riscatto, ricongiunzione) paid this month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rata {
    /// `AnnoMeseRif`; `None` when absent or unreadable.
    pub anno_mese_rif: Option<Period>,
    pub cod_gestione: u8,
    pub tipo_piano: u8,
    pub prg_rata: u16,
    pub totale_rate: u16,
    pub importo: Money,
    pub tipo_operazione: String,
}

/// A period's day that is absent or unreadable.
pub const GIORNO_MANCANTE: NaiveDate = NaiveDate::MIN;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periodo {
    pub blocco: Blocco,
    /// `GIORNO_MANCANTE` when absent or unreadable (so are the next).
    pub inizio: NaiveDate,
    pub fine: NaiveDate,
    pub inquadramento: Option<Inquadramento>,
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
    /// E0 periods first, then V1, as the file orders them.
    pub periodi: Vec<Periodo>,
    /// F1 instalments.
    pub rate: Vec<Rata>,
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

fn giorni(p: &Periodo) -> Option<String> {
    Some(format!("{}–{}", p.inizio.format("%d/%m/%Y"), p.fine.format("%d/%m/%Y")))
}

/// A value that cannot be read: (code, Italian description). The reader of files and the hand-made
/// declaration read their values with these same functions, so both report a bad value alike.
pub type ValoreErrato = (&'static str, String);

/// The largest amount one element may carry. Far above any monthly figure of one worker, and small enough
/// that the sums of a whole file (millions of values) cannot overflow: found by fuzzing, an amount near the
/// limit of `i64` cents made the per-gestione totals and the 00171I/00172I/00032I sums overflow.
pub const IMPORTO_MASSIMO: Money = Money::from_cents(99_999_999_999);

pub fn leggi_importo(v: &str) -> Result<Money, ValoreErrato> {
    let importo = Money::parse(v)
        .map_err(|_| ("CAS040", format!("Importo «{v}» non valido: si scrive con la virgola decimale (1234,56).")))?;
    if importo.cents().unsigned_abs() > IMPORTO_MASSIMO.cents().unsigned_abs() {
        return Err(("CAS040", format!("Importo «{v}» fuori misura: al massimo {IMPORTO_MASSIMO} €.")));
    }
    Ok(importo)
}

pub fn leggi_data(v: &str) -> Result<NaiveDate, ValoreErrato> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| ("CAS041", format!("Data «{v}» non valida (aaaa-mm-gg).")))
}

pub fn leggi_numero<T: std::str::FromStr>(v: &str) -> Result<T, ValoreErrato> {
    v.parse().map_err(|_| ("CAS042", format!("Codice «{v}» non numerico o fuori misura.")))
}

pub fn leggi_mese(v: &str) -> Result<Period, ValoreErrato> {
    Period::parse(v).map_err(|_| ("CAS043", format!("Mese «{v}» non valido (aaaa-mm).")))
}

/// Every problem of one worker's record in the declaration of `mese`.
pub fn verifica(l: &Lavoratore, mese: Period) -> Vec<Errore> {
    let mut errori = Vec::new();
    let mut errore = |periodo: Option<String>, elemento: &str, codice: &str, descrizione: String| {
        errori.push(Errore {
            codice_fiscale: l.codice_fiscale.clone(),
            periodo,
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
        let date_lette = p.inizio != GIORNO_MANCANTE && p.fine != GIORNO_MANCANTE;
        if !date_lette {
            errore(
                None,
                "GiornoInizio",
                "CAS012",
                "Giorno di inizio o di fine del periodo mancante o non valido.".to_string(),
            );
        } else if p.fine < p.inizio {
            errore(giorni(p), "GiornoFine", "CAS010", "Il giorno di fine precede quello di inizio.".to_string());
        }
        match p.blocco {
            Blocco::E0 => {
                if date_lette && (p.inizio < mese.first_day() || p.fine > mese.last_day()) {
                    errore(
                        giorni(p),
                        "E0_PeriodoNelMese",
                        "CAS011",
                        format!("Il periodo E0 deve cadere nel mese della denuncia ({}).", mese.iso()),
                    );
                }
            }
            Blocco::V1 { causale } => {
                if !CAUSALE_VARIAZIONE.iter().any(|(c, _)| *c == causale) {
                    errore(
                        giorni(p),
                        "CausaleVariazione",
                        "CAS020",
                        format!("Causale di variazione {causale} sconosciuta."),
                    );
                }
                if date_lette && p.inizio >= mese.first_day() {
                    errore(
                        giorni(p),
                        "V1_PeriodoPrecedente",
                        "CAS021",
                        "Il periodo V1 deve precedere il mese della denuncia.".to_string(),
                    );
                }
                if causale == 6 && p.altri_elementi {
                    errore(
                        giorni(p),
                        "V1_PeriodoPrecedente",
                        "00126I",
                        "Con causale 6 (annullamento) il periodo riporta solo GiornoInizio e GiornoFine.".to_string(),
                    );
                }
            }
        }
        if let Some(i) = &p.inquadramento {
            regole_inquadramento(i, &mut |elemento, codice, descrizione| {
                errore(giorni(p), elemento, codice, descrizione)
            });
        }
        for g in &p.gestioni {
            if !COD_GESTIONE.iter().any(|(c, _)| *c == g.cod_gestione) {
                errore(giorni(p), "CodGestione", "CAS030", format!("Codice gestione {} sconosciuto.", g.cod_gestione));
            }
            if g.imponibile.cents() < 0 || g.contributo.cents() < 0 {
                errore(
                    giorni(p),
                    "Imponibile",
                    "CAS031",
                    "Imponibile e contributo non possono essere negativi.".to_string(),
                );
            }
        }
        regole_enti_versanti(p, &mut |elemento, codice, descrizione| errore(giorni(p), elemento, codice, descrizione));
    }
    for r in &l.rate {
        let rif =
            r.anno_mese_rif.map(|m| format!("rata {}/{} di {:02}/{}", r.prg_rata, r.totale_rate, m.month(), m.year()));
        regole_rata(r, mese, &mut |elemento, codice, descrizione| errore(rif.clone(), elemento, codice, descrizione));
    }
    errori
}

fn regole_inquadramento(i: &Inquadramento, errore: &mut impl FnMut(&str, &str, String)) {
    if i.tipo_impiego == 0 {
        errore("TipoImpiego", "CAS063", "Tipo impiego mancante nell'inquadramento.".to_string());
    }
    if i.tipo_servizio == 0 {
        errore("TipoServizio", "CAS063", "Tipo servizio mancante nell'inquadramento.".to_string());
    }
    if i.qualifica.trim().chars().count() != 6 {
        errore("Qualifica", "CAS060", format!("La qualifica «{}» deve essere di 6 caratteri.", i.qualifica));
    }
    if !REGIME_FINE_SERVIZIO.iter().any(|(c, _)| *c == i.regime_fine_servizio) {
        errore(
            "RegimeFineServizio",
            "CAS061",
            "Regime di fine servizio mancante o sconosciuto (1 TFR, 2 optante, 3 TFS).".to_string(),
        );
    }
    if let Some((tipo, percentuale)) = &i.part_time {
        if !TIPO_PART_TIME.iter().any(|(c, _)| c == tipo) {
            errore("TipoPartTime", "CAS062", format!("Tipo di part-time «{tipo}» sconosciuto (P, V o M)."));
        }
        if !(1..=99).contains(percentuale) {
            errore("PercPartTime", "CAS062", "La percentuale di part-time va da 1 a 99.".to_string());
        }
    }
}

fn regole_rata(r: &Rata, mese: Period, errore: &mut impl FnMut(&str, &str, String)) {
    match r.anno_mese_rif {
        None => errore("AnnoMeseRif", "CAS052", "Mese di riferimento della rata mancante o non valido.".to_string()),
        Some(m) if m > mese => errore(
            "AnnoMeseRif",
            "CAS052",
            format!("Il mese di riferimento della rata segue il mese della denuncia ({}).", mese.iso()),
        ),
        Some(_) => {}
    }
    if !COD_GESTIONE.iter().any(|(c, _)| *c == r.cod_gestione) {
        errore("CodGestione", "CAS030", format!("Codice gestione {} sconosciuto.", r.cod_gestione));
    }
    if !TIPO_PIANO.iter().any(|(c, _)| *c == r.tipo_piano) {
        errore("TipoPiano", "CAS050", format!("Tipo di piano {} sconosciuto.", r.tipo_piano));
    }
    if r.prg_rata == 0 || r.prg_rata > r.totale_rate {
        errore(
            "PrgRata",
            "CAS051",
            format!("La rata {} non è tra la prima e l'ultima ({}).", r.prg_rata, r.totale_rate),
        );
    }
    if !TIPO_OPERAZIONE.iter().any(|(c, _)| *c == r.tipo_operazione) {
        errore(
            "TipoOperazione",
            "CAS053",
            format!("Tipo di operazione «{}» sconosciuto (V, R o S).", r.tipo_operazione),
        );
    }
    if r.importo.cents() < 0 {
        errore("Importo", "CAS031", "L'importo della rata non può essere negativo.".to_string());
    }
}

/// The cross-field rules between the amounts paid by other bodies and the worker's own gestioni.
fn regole_enti_versanti(p: &Periodo, errore: &mut impl FnMut(&str, &str, String)) {
    let somma = |tipi: &[u8], f: fn(&EnteVersante) -> Money| -> Money {
        p.enti_versanti.iter().filter(|e| tipi.contains(&e.tipo_contributo)).map(f).sum()
    };
    let gestione = |t: TipoGestione| p.gestioni.iter().find(|g| g.tipo == t);
    let pens = gestione(TipoGestione::Pensionistica);
    let (pens_imponibile, pens_contributo) =
        pens.map(|g| (g.imponibile, g.contributo + g.contributo_1_per_cento)).unwrap_or((Money::ZERO, Money::ZERO));
    if somma(&[1], |e| e.imponibile) > pens_imponibile {
        errore(
            "EnteVersante",
            "00171I",
            "L'imponibile versato da altri enti (CPDEL) supera l'imponibile della gestione pensionistica.".to_string(),
        );
    }
    if somma(&[1, 5], |e| e.contributo) > pens_contributo {
        errore(
            "EnteVersante",
            "00172I",
            "Il contributo versato da altri enti supera il contributo della gestione pensionistica (compreso l'1 %)."
                .to_string(),
        );
    }
    let credito = gestione(TipoGestione::Credito).map(|g| g.imponibile).unwrap_or(Money::ZERO);
    if somma(&[9], |e| e.imponibile) > credito {
        errore(
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

    #[test]
    fn an_amount_beyond_the_limit_is_refused_so_no_total_can_overflow() {
        assert_eq!(leggi_importo("999999999,99").map(Money::cents), Ok(99_999_999_999));
        assert_eq!(leggi_importo("-999999999,99").map(Money::cents), Ok(-99_999_999_999));
        let (code, text) = leggi_importo("1000000000,00").expect_err("too large");
        assert_eq!(code, "CAS040");
        assert!(text.contains("fuori misura"), "{text}");
        assert!(leggi_importo("92233720368547758,07").is_err());
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
            inquadramento: None,
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
            rate: Vec::new(),
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
            inquadramento: None,
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

    #[test]
    fn missing_dates_are_reported_once_and_not_compared() {
        let mut p = e0(vec![pensione(2_000, 476)]);
        p.inizio = GIORNO_MANCANTE;
        assert_eq!(codici(&lavoratore(vec![p])), ["CAS012"]);
    }

    #[test]
    fn the_inquadramento_needs_its_codes() {
        let mut p = e0(vec![pensione(2_000, 476)]);
        p.inquadramento = Some(Inquadramento {
            tipo_impiego: 1,
            tipo_servizio: 4,
            contratto: "RALN".to_string(),
            qualifica: "000123".to_string(),
            regime_fine_servizio: 1,
            part_time: None,
        });
        assert!(codici(&lavoratore(vec![p.clone()])).is_empty());
        p.inquadramento = Some(Inquadramento {
            qualifica: "12345".to_string(),
            regime_fine_servizio: 4,
            part_time: Some(("X".to_string(), 0)),
            ..Inquadramento::default()
        });
        assert_eq!(codici(&lavoratore(vec![p])), ["CAS063", "CAS063", "CAS060", "CAS061", "CAS062", "CAS062"]);
    }

    #[test]
    fn an_instalment_belongs_to_a_known_plan_and_an_earlier_month() {
        let buona = Rata {
            anno_mese_rif: Period::new(2026, 2).ok(),
            cod_gestione: 2,
            tipo_piano: 11,
            prg_rata: 3,
            totale_rate: 60,
            importo: euro(120),
            tipo_operazione: "V".to_string(),
        };
        let mut l = lavoratore(Vec::new());
        l.rate = vec![buona.clone()];
        assert!(codici(&l).is_empty());
        l.rate = vec![Rata {
            anno_mese_rif: Period::new(2026, 4).ok(),
            cod_gestione: 10,
            tipo_piano: 14,
            prg_rata: 61,
            tipo_operazione: "X".to_string(),
            importo: euro(-1),
            ..buona.clone()
        }];
        assert_eq!(codici(&l), ["CAS052", "CAS030", "CAS050", "CAS051", "CAS053", "CAS031"]);
        l.rate = vec![Rata { anno_mese_rif: None, prg_rata: 0, ..buona }];
        assert_eq!(codici(&l), ["CAS052", "CAS051"]);
    }

    #[test]
    fn values_are_read_alike_everywhere() {
        assert_eq!(leggi_importo("1234,56"), Ok(Money::from_cents(123_456)));
        assert_eq!(leggi_importo("2.000.00").map_err(|e| e.0), Err("CAS040"));
        assert_eq!(leggi_data("2026-03-01"), Ok(day(2026, 3, 1)));
        assert_eq!(leggi_data("01/03/2026").map_err(|e| e.0), Err("CAS041"));
        assert_eq!(leggi_numero::<u8>("300").map_err(|e| e.0), Err("CAS042"));
        assert_eq!(leggi_mese("2026-13").map_err(|e| e.0), Err("CAS043"));
    }
}
