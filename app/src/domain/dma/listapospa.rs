//! The rules of a UniEmens ListaPosPA declaration on one worker's record (`D0_DenunciaIndividuale`), pure,
//! so that the import on the server and the hand-made declaration in the browser check alike. The XML
//! reading is elsewhere; this module sees already-typed values and reports every problem it finds.
//!
//! Sources (docs/domain.md §1): the element tree and code tables are reconstructed from public parsers and must
//! be checked against the official XSD; the five INPS error codes (00171I, 00172I, 00032I, 00124I, 00126I)
//! are as seen in a public builder. Problems for which no INPS code is known carry our own `CAS…` codes.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::codice_fiscale::CodiceFiscale;
use crate::domain::money::Money;
use crate::domain::partita_iva::PartitaIva;
use crate::domain::period::Period;

/// The code tables (docs/domain.md §1.4), as data: (code, description).
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

/// `TipoContributo` of an `EnteVersante` / `AltroEnteVersante`: which contribution the other body paid
/// (docs/domain.md §1.5, as the public builder uses them; 6 is the additional 1 %).
pub const TIPO_CONTRIBUTO: &[(u8, &str)] = &[
    (1, "CPDEL"),
    (2, "CPI"),
    (3, "CPS"),
    (5, "Contributo aggiuntivo"),
    (6, "Contributo aggiuntivo 1 %"),
    (7, "TFS (INADEL)"),
    (8, "TFR"),
    (9, "Fondo credito"),
];

/// `CodMotivoUtilizzo` of a V1 period: why an earlier period is declared again (docs/domain.md §1.4).
pub const COD_MOTIVO_UTILIZZO: &[(u8, &str)] = &[
    (1, "Conguaglio annuale"),
    (2, "Conguaglio annuale con retribuzioni di terzi"),
    (3, "Regolarizzazione da sentenza"),
    (4, "Regolarizzazione da transazione"),
    (5, "Regolarizzazione da circolare o messaggio"),
    (6, "Riduzione imponibile INADEL/ENPAS"),
    (7, "Recupero competenze di dipendente cessato"),
    (8, "Eventi con accredito figurativo"),
    (9, "Contribuzione correlata all'esodo"),
    (10, "TFS tempo determinato Bolzano/Trento"),
    (11, "Assenza retribuita"),
];

/// `PercPartTime` is written with three implied decimals: 50000 is 50 %, 83333 is 83,333 %. A part-time
/// share lies strictly between 0 and 100 %.
pub const PERC_PART_TIME_MASSIMA: u32 = 99_999;

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

/// What an amount element of a gestione counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ruolo {
    /// Part of the gestione's taxable (`Imponibile`; `ImponibileTFS`, `ImponibileTFR` of the TFS/TFR one).
    Imponibile,
    /// Part of the gestione's contribution (`Contributo`; `ContributoTFS`, `ContributoTFR`).
    Contributo,
    /// `Contrib1PerCento`, compared in 00172I.
    UnoPerCento,
    /// Every other amount: kept and shown as written.
    Altro,
}

/// One amount element of a gestione (docs/domain.md §1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoceImporto {
    /// The gestioni that have it; none for an amount of the period itself (`voce_periodo`).
    pub tipi: &'static [TipoGestione],
    /// The element's name; `RecuperoSgravi/…` for the amounts of a (repeatable) `RecuperoSgravi`, summed.
    pub elemento: &'static str,
    pub etichetta: &'static str,
    pub ruolo: Ruolo,
}

const PENS: &[TipoGestione] = &[TipoGestione::Pensionistica];
const PREV: &[TipoGestione] = &[TipoGestione::Previdenziale];
const CRED: &[TipoGestione] = &[TipoGestione::Credito];
const ALTRE: &[TipoGestione] =
    &[TipoGestione::Pensionistica, TipoGestione::Credito, TipoGestione::Enpdep, TipoGestione::Enam];
/// No gestione: an amount of the period itself.
const PERIODO: &[TipoGestione] = &[];

const fn voce(
    tipi: &'static [TipoGestione],
    elemento: &'static str,
    etichetta: &'static str,
    ruolo: Ruolo,
) -> VoceImporto {
    VoceImporto { tipi, elemento, etichetta, ruolo }
}

/// Every amount element of the five gestioni and of the period, as data: the reader reads each into the
/// model, the import stores each. (Counts and codes such as `GiorniUtiliFiniPensionistici` or `AderenteCredito45_2007` are not
/// amounts.)
pub const VOCI_IMPORTO: &[VoceImporto] = &[
    voce(ALTRE, "Imponibile", "Imponibile", Ruolo::Imponibile),
    voce(ALTRE, "Contributo", "Contributo", Ruolo::Contributo),
    voce(PENS, "ImponibileEccMass", "Imponibile eccedente il massimale", Ruolo::Altro),
    voce(PENS, "Contrib1PerCento", "Contributo aggiuntivo 1 %", Ruolo::UnoPerCento),
    voce(PENS, "IndennitaVolo", "Indennità di volo", Ruolo::Altro),
    voce(PENS, "MaggiorazBasePensL165_97", "Maggiorazione base pensionabile L. 165/97", Ruolo::Altro),
    voce(PENS, "RetribVirtualeFiniPens", "Retribuzione virtuale ai fini pensionistici", Ruolo::Altro),
    voce(PENS, "ContributoSospesoCalam", "Contributo sospeso per calamità", Ruolo::Altro),
    voce(PENS, "Maggiorazione", "Maggiorazione", Ruolo::Altro),
    voce(PENS, "StipendioTabellare", "Stipendio tabellare", Ruolo::Altro),
    voce(PENS, "RetribIndivAnzianita", "Retribuzione individuale di anzianità", Ruolo::Altro),
    voce(PENS, "QuotaDatoreL166_91", "Quota a carico del datore L. 166/91", Ruolo::Altro),
    voce(PENS, "ContributoL166_91", "Contributo L. 166/91", Ruolo::Altro),
    voce(PENS, "RecuperoSgravi/AltroImponibile", "Recupero sgravi – altro imponibile", Ruolo::Altro),
    voce(PENS, "RecuperoSgravi/Importo", "Recupero sgravi – importo", Ruolo::Altro),
    voce(PREV, "ImponibileTFS", "Imponibile TFS", Ruolo::Imponibile),
    voce(PREV, "ContributoTFS", "Contributo TFS", Ruolo::Contributo),
    voce(PREV, "ImponibileTFSEccMass", "Imponibile TFS eccedente il massimale", Ruolo::Altro),
    voce(PREV, "ImponibileTFR", "Imponibile TFR", Ruolo::Imponibile),
    voce(PREV, "ContributoTFR", "Contributo TFR", Ruolo::Contributo),
    voce(PREV, "ImponibileTFREccMass", "Imponibile TFR eccedente il massimale", Ruolo::Altro),
    voce(PREV, "RetribTeoricaTabellareTFR", "Retribuzione teorica tabellare TFR", Ruolo::Altro),
    voce(PREV, "ImponibileTFRUlterioriElem", "Imponibile TFR ulteriori elementi", Ruolo::Altro),
    voce(PREV, "RetribValutabileTFR", "Retribuzione valutabile TFR", Ruolo::Altro),
    voce(PREV, "ContributoSospesoPrev", "Contributo previdenziale sospeso", Ruolo::Altro),
    voce(CRED, "ImponibileEccMass", "Imponibile eccedente il massimale", Ruolo::Altro),
    // Written at the level of the period (E0_PeriodoNelMese, V1_PeriodoPrecedente), after its Gestioni: named
    // `Periodo/…`, since two of them share their name with elements of the TFS/TFR gestione.
    voce(PERIODO, "Periodo/RetribTeoricaTabellareTFR", "Retribuzione teorica tabellare TFR del periodo", Ruolo::Altro),
    voce(PERIODO, "Periodo/RetribValutabileTFR", "Retribuzione valutabile TFR del periodo", Ruolo::Altro),
    voce(PERIODO, "Periodo/ConguaglioImponibile", "Conguaglio imponibile", Ruolo::Altro),
];

/// The amount element the file names `nome`, written directly in a period (outside its Gestioni), if the
/// format has it.
pub fn voce_periodo(nome: &str) -> Option<&'static VoceImporto> {
    VOCI_IMPORTO.iter().find(|v| v.tipi.is_empty() && v.elemento.strip_prefix("Periodo/") == Some(nome))
}

/// The amount element `elemento` of a gestione of kind `tipo`, if the format has it.
pub fn voce_importo(tipo: TipoGestione, elemento: &str) -> Option<&'static VoceImporto> {
    VOCI_IMPORTO.iter().find(|v| v.elemento == elemento && v.tipi.contains(&tipo))
}

/// The taxable and contribution elements of a gestione: `Imponibile`/`Contributo`, or for the TFS/TFR one
/// those of the regime (`tfr`: TFR, otherwise TFS).
pub fn elementi_principali(tipo: TipoGestione, tfr: bool) -> (&'static str, &'static str) {
    match (tipo, tfr) {
        (TipoGestione::Previdenziale, false) => ("ImponibileTFS", "ContributoTFS"),
        (TipoGestione::Previdenziale, true) => ("ImponibileTFR", "ContributoTFR"),
        _ => ("Imponibile", "Contributo"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gestione {
    pub tipo: TipoGestione,
    pub cod_gestione: u8,
    /// The gestione's taxable: `Imponibile`, or `ImponibileTFS` + `ImponibileTFR` of the TFS/TFR gestione.
    pub imponibile: Money,
    /// Its contribution: `Contributo`, or `ContributoTFS` + `ContributoTFR`.
    pub contributo: Money,
    /// `Contrib1PerCento` of the pension gestione (zero elsewhere).
    pub contributo_1_per_cento: Money,
    /// Every amount element read other than the plain `Imponibile` and `Contributo` (those are the two
    /// above), once each, in the order first met: (element of `VOCI_IMPORTO`, amount).
    #[serde(default)]
    pub importi: Vec<(String, Money)>,
}

impl Gestione {
    pub fn nuova(tipo: TipoGestione, cod_gestione: u8) -> Gestione {
        Gestione {
            tipo,
            cod_gestione,
            imponibile: Money::ZERO,
            contributo: Money::ZERO,
            contributo_1_per_cento: Money::ZERO,
            importi: Vec::new(),
        }
    }

    /// One amount element as read. An element written twice keeps its last value, except the amounts of
    /// `RecuperoSgravi`, which repeats and is summed; at most one entry per element of `VOCI_IMPORTO`.
    pub fn aggiungi(&mut self, voce: &VoceImporto, importo: Money) {
        match voce.elemento {
            "Imponibile" => self.imponibile = importo,
            "Contributo" => self.contributo = importo,
            elemento => {
                let somma = elemento.starts_with("RecuperoSgravi/");
                match self.importi.iter_mut().find(|(e, _)| e == elemento) {
                    Some((_, m)) if somma => *m = (*m + importo).clamp(-IMPORTO_MASSIMO, IMPORTO_MASSIMO),
                    Some((_, m)) => *m = importo,
                    None => self.importi.push((elemento.to_string(), importo)),
                }
                let di = |ruolo: Ruolo| -> Money {
                    self.importi
                        .iter()
                        .filter(|(e, _)| voce_importo(self.tipo, e).is_some_and(|v| v.ruolo == ruolo))
                        .map(|(_, m)| *m)
                        .sum()
                };
                match voce.ruolo {
                    Ruolo::Imponibile => self.imponibile = di(Ruolo::Imponibile),
                    Ruolo::Contributo => self.contributo = di(Ruolo::Contributo),
                    Ruolo::UnoPerCento => self.contributo_1_per_cento = di(Ruolo::UnoPerCento),
                    Ruolo::Altro => {}
                }
            }
        }
    }

    /// The line of the DMA pages it belongs to: `voce_gestione`, except that the TFS/TFR gestione is "TFR"
    /// when it carries TFR amounts and no TFS ones.
    pub fn voce(&self) -> String {
        let ha = |quale: &str| self.importi.iter().any(|(e, _)| e.contains(quale));
        if self.tipo == TipoGestione::Previdenziale && ha("TFR") && !ha("TFS") {
            return "TFR".to_string();
        }
        voce_gestione(self.cod_gestione)
    }
}

/// The amounts of `importi` as the DMA pages store and show them: `ImponibileTFS 2000,00; ContributoTFS 50,00`
/// (the file's own element names and format). `leggi_importi` reads it back.
pub fn scrivi_importi(importi: &[(String, Money)]) -> String {
    importi.iter().map(|(e, m)| format!("{e} {}", scrivi_importo(*m))).collect::<Vec<_>>().join("; ")
}

pub fn leggi_importi(testo: &str) -> Option<Vec<(String, Money)>> {
    if testo.is_empty() {
        return Some(Vec::new());
    }
    testo
        .split("; ")
        .map(|voce| {
            let (e, m) = voce.rsplit_once(' ')?;
            Some((e.to_string(), leggi_importo(m).ok()?))
        })
        .collect()
}

/// An `EnteVersante` (V1) or `AltroEnteVersante` (E0): contributions paid by another body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnteVersante {
    pub tipo_contributo: u8,
    pub imponibile: Money,
    pub contributo: Money,
    /// `CFAzienda` of the paying body as written; empty when absent.
    #[serde(default)]
    pub cf_azienda: String,
    /// `PRGAZIENDA` of the paying body as written; empty when absent.
    #[serde(default)]
    pub prg_azienda: String,
    /// `AnnoMeseErogazione` (V1 only); `None` when absent, empty or unreadable.
    #[serde(default)]
    pub anno_mese_erogazione: Option<Period>,
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
    /// `PartTimePA`: TipoPartTime and PercPartTime (thousandths of a percent: 50000 = 50 %), when part-time.
    pub part_time: Option<(String, u32)>,
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
    /// `CodMotivoUtilizzo` of a V1, when given (0 when unreadable).
    #[serde(default)]
    pub motivo_utilizzo: Option<u8>,
    /// The amounts written in the period outside its Gestioni (`voce_periodo`), once each, in the order first
    /// met: (`Periodo/…` element of `VOCI_IMPORTO`, amount).
    #[serde(default)]
    pub importi: Vec<(String, Money)>,
}

impl Periodo {
    /// One amount of the period as read; an element written twice keeps its last value.
    pub fn aggiungi(&mut self, voce: &VoceImporto, importo: Money) {
        match self.importi.iter_mut().find(|(e, _)| e == voce.elemento) {
            Some((_, m)) => *m = importo,
            None => self.importi.push((voce.elemento.to_string(), importo)),
        }
    }
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

/// One problem, located by worker, period and element, with the severity `REGOLE` gives its code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errore {
    pub codice_fiscale: String,
    /// `dd/mm/yyyy–dd/mm/yyyy` of the period concerned, if any.
    pub periodo: Option<String>,
    pub elemento: String,
    pub codice: String,
    pub descrizione: String,
    #[serde(default)]
    pub gravita: Gravita,
}

impl Errore {
    /// A problem of code `codice`: its severity is the table's (`REGOLE`), never chosen where it is raised.
    pub fn nuovo(
        codice_fiscale: String,
        periodo: Option<String>,
        elemento: &str,
        codice: &str,
        descrizione: String,
    ) -> Errore {
        Errore {
            codice_fiscale,
            periodo,
            elemento: elemento.to_string(),
            codice: codice.to_string(),
            descrizione,
            gravita: gravita(codice),
        }
    }

    pub fn avviso(&self) -> bool {
        self.gravita == Gravita::Avviso
    }
}

/// How serious a problem is. INPS grades the outcome of a ListaPosPA file by it: one blocking error refuses
/// the file whole (*scartata*); a file with warnings only is acquired (*accettata con errori*) and its
/// warnings are listed per worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gravita {
    #[default]
    Bloccante,
    Avviso,
}

impl Gravita {
    pub fn etichetta(self) -> &'static str {
        match self {
            Gravita::Bloccante => "Bloccante",
            Gravita::Avviso => "Avviso",
        }
    }
}

/// A problem code with its severity and a short label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Regola {
    pub codice: &'static str,
    pub gravita: Gravita,
    pub etichetta: &'static str,
}

const fn bloccante(codice: &'static str, etichetta: &'static str) -> Regola {
    Regola { codice, gravita: Gravita::Bloccante, etichetta }
}

const fn avviso(codice: &'static str, etichetta: &'static str) -> Regola {
    Regola { codice, gravita: Gravita::Avviso, etichetta }
}

/// Every problem code this module and the file reader raise (INPS `00xxxI` codes, our own `CASxxx`), with
/// its severity: the one place severities are decided (a test holds every raised code to appear here once).
///
/// What blocks is what leaves the declaration unusable or untrustworthy as data: a value that cannot be
/// read, a worker or a body that cannot be identified (codici fiscali, names), a period that is not a
/// period of the right month, a code outside its table (gestione, causale, motivo, tipo contributo, piano,
/// operazione), a missing required block or code (inquadramento, regime with TFS/TFR), a structure INPS
/// refuses (00124I one PosPA, 00126I a cancellation with data, 00024I/00311I a period across months).
/// What warns is a congruity check between values that are each readable and valid, which INPS reports
/// without refusing: the amounts of other paying bodies beyond the worker's (00171I, 00172I, 00032I), a
/// RegimeFineServizio given where no TFS/TFR gestione needs it (00390I: superfluous, not wrong), an
/// instalment number beyond the plan's total (CAS051: the instalment itself is readable and is paid).
pub const REGOLE: &[Regola] = &[
    bloccante("CAS001", "Codice fiscale del lavoratore non valido"),
    bloccante("CAS002", "Cognome o nome mancante o troppo lungo"),
    bloccante("CAS010", "Fine del periodo prima dell'inizio"),
    bloccante("CAS011", "Periodo E0 fuori dal mese della denuncia"),
    bloccante("CAS012", "Giorno di inizio o fine mancante"),
    bloccante("00024I", "Periodo E0 su più mesi"),
    bloccante("00311I", "Periodo V1 su più mesi"),
    bloccante("CAS020", "Causale di variazione sconosciuta"),
    bloccante("CAS021", "Periodo V1 non precedente il mese"),
    bloccante("CAS022", "Codice motivo utilizzo sconosciuto"),
    bloccante("00126I", "Annullamento (causale 6) con dati oltre le date"),
    bloccante("CAS030", "Codice gestione sconosciuto"),
    bloccante("CAS031", "Importo negativo"),
    bloccante("CAS040", "Importo non leggibile"),
    bloccante("CAS041", "Data non leggibile"),
    bloccante("CAS042", "Codice o numero non leggibile"),
    bloccante("CAS043", "Mese non leggibile"),
    bloccante("CAS050", "Tipo di piano sconosciuto"),
    avviso("CAS051", "Numero della rata oltre il totale delle rate"),
    bloccante("CAS052", "Mese di riferimento della rata mancante o successivo"),
    bloccante("CAS053", "Tipo di operazione della rata sconosciuto"),
    bloccante("CAS060", "Qualifica non di 6 caratteri"),
    bloccante("CAS061", "Regime di fine servizio mancante con TFS/TFR"),
    bloccante("CAS062", "Part-time non valido"),
    bloccante("CAS063", "Tipo impiego o tipo servizio mancante"),
    bloccante("CAS064", "InquadramentoLavPA mancante"),
    avviso("00390I", "Regime di fine servizio senza gestione TFS/TFR"),
    bloccante("CAS070", "Tipo contributo dell'ente versante sconosciuto"),
    bloccante("CAS071", "Codice fiscale dell'ente versante non valido"),
    bloccante("CAS072", "PRGAZIENDA dell'ente versante non valido"),
    bloccante("CAS073", "AnnoMeseErogazione dell'ente versante mancante"),
    avviso("00171I", "Imponibile di altri enti oltre quello pensionistico"),
    avviso("00172I", "Contributo di altri enti oltre quello pensionistico"),
    avviso("00032I", "Imponibile di altri enti oltre quello del Fondo credito"),
    bloccante("CAS080", "Codice fiscale del mittente non valido"),
    bloccante("CAS081", "Codice fiscale della software house non valido"),
    bloccante("00124I", "Più blocchi PosPA"),
];

pub fn regola(codice: &str) -> Option<&'static Regola> {
    REGOLE.iter().find(|r| r.codice == codice)
}

/// The severity of a code; one the table does not know blocks (never reached: a test holds every raised
/// code to the table).
pub fn gravita(codice: &str) -> Gravita {
    regola(codice).map_or(Gravita::Bloccante, |r| r.gravita)
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

/// The INPS decimal format of an amount: digits, then optionally a comma and one or two decimals; a minus
/// sign may lead (the rules say where a negative amount is not allowed). No thousands separator, no `+`,
/// no `€`, no spaces inside: what a payroll program writes, not what a person types.
fn formato_inps(v: &str) -> bool {
    let cifre = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let numero = v.strip_prefix('-').unwrap_or(v);
    match numero.split_once(',') {
        Some((intero, decimali)) => cifre(intero) && cifre(decimali) && decimali.len() <= 2,
        None => cifre(numero),
    }
}

/// An amount as a ListaPosPA file writes it (`-1234,56`): what `leggi_importo` reads back.
pub fn scrivi_importo(m: Money) -> String {
    let c = m.cents().unsigned_abs();
    format!("{}{},{:02}", if m.cents() < 0 { "-" } else { "" }, c / 100, c % 100)
}

pub fn leggi_importo(v: &str) -> Result<Money, ValoreErrato> {
    let errato = || {
        (
            "CAS040",
            format!(
                "Importo «{v}» non valido: si scrive in cifre con la virgola decimale (1234,56), senza separatore \
                 delle migliaia, segno + o simbolo €."
            ),
        )
    };
    if !formato_inps(v) {
        return Err(errato());
    }
    let importo = Money::parse(v).map_err(|_| errato())?;
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

/// `PercPartTime`: an integer of thousandths of a percent (50000 = 50 %).
pub fn leggi_percentuale(v: &str) -> Result<u32, ValoreErrato> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err((
            "CAS042",
            format!(
                "Percentuale di part-time «{v}» non valida: si scrive in cifre, con tre decimali impliciti (50000 = 50 %)."
            ),
        ));
    }
    v.parse().map_err(|_| ("CAS042", format!("Percentuale di part-time «{v}» fuori misura.")))
}

pub fn leggi_mese(v: &str) -> Result<Period, ValoreErrato> {
    Period::parse(v).map_err(|_| ("CAS043", format!("Mese «{v}» non valido (aaaa-mm).")))
}

/// Every problem of one worker's record in the declaration of `mese`.
pub fn check(l: &Lavoratore, mese: Period) -> Vec<Errore> {
    let mut errori = Vec::new();
    let mut errore = |periodo: Option<String>, elemento: &str, codice: &str, descrizione: String| {
        errori.push(Errore::nuovo(l.codice_fiscale.clone(), periodo, elemento, codice, descrizione))
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
        // A period is declared month by month: one that spans two is refused whatever its block
        // (00024I for E0, 00311I for V1), and only one within a single month is compared with the declared one.
        let in_un_mese = date_lette && (p.inizio.year(), p.inizio.month()) == (p.fine.year(), p.fine.month());
        if !date_lette {
            errore(
                None,
                "GiornoInizio",
                "CAS012",
                "Giorno di inizio o di fine del periodo mancante o non valido.".to_string(),
            );
        } else if p.fine < p.inizio {
            errore(giorni(p), "GiornoFine", "CAS010", "Il giorno di fine precede quello di inizio.".to_string());
        } else if !in_un_mese {
            let (codice, blocco) = match p.blocco {
                Blocco::E0 => ("00024I", "E0_PeriodoNelMese"),
                Blocco::V1 { .. } => ("00311I", "V1_PeriodoPrecedente"),
            };
            errore(
                giorni(p),
                blocco,
                codice,
                "GiornoInizio e GiornoFine devono cadere nello stesso mese: un periodo che ne attraversa più di uno \
                 si dichiara con un periodo per mese."
                    .to_string(),
            );
        }
        match p.blocco {
            Blocco::E0 => {
                if in_un_mese && (p.inizio < mese.first_day() || p.fine > mese.last_day()) {
                    errore(
                        giorni(p),
                        "E0_PeriodoNelMese",
                        "CAS011",
                        format!("Il periodo E0 deve cadere nel mese della denuncia ({mese})."),
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
                if let Some(motivo) = p.motivo_utilizzo
                    && !COD_MOTIVO_UTILIZZO.iter().any(|(c, _)| *c == motivo)
                {
                    errore(
                        giorni(p),
                        "CodMotivoUtilizzo",
                        "CAS022",
                        "Codice motivo utilizzo sconosciuto: i codici ammessi vanno da 1 a 11.".to_string(),
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
        match &p.inquadramento {
            Some(i) => regole_inquadramento(i, p, &mut |elemento, codice, descrizione| {
                errore(giorni(p), elemento, codice, descrizione)
            }),
            None if richiede_inquadramento(p.blocco) => errore(
                giorni(p),
                "InquadramentoLavPA",
                "CAS064",
                "Manca InquadramentoLavPA: un periodo E0, o V1 con causale 2 o 5, dice come il lavoratore è inquadrato."
                    .to_string(),
            ),
            None => {}
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
        for e in &p.enti_versanti {
            regole_ente_versante(e, p.blocco, &mut |elemento, codice, descrizione| {
                errore(giorni(p), elemento, codice, descrizione)
            });
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

/// Whether a period must say how the worker is employed: a period of the month (E0) and a V1 that declares
/// a period anew (causale 2, not declared before; 5, replacing one). An integration (1) carries only what it
/// adds, a cancellation (6) only its dates, a conguaglio (7) only amounts.
pub fn richiede_inquadramento(blocco: Blocco) -> bool {
    matches!(blocco, Blocco::E0 | Blocco::V1 { causale: 2 | 5 })
}

fn regole_inquadramento(i: &Inquadramento, p: &Periodo, errore: &mut impl FnMut(&str, &str, String)) {
    if i.tipo_impiego == 0 {
        errore("TipoImpiego", "CAS063", "Tipo impiego mancante nell'inquadramento.".to_string());
    }
    if i.tipo_servizio == 0 {
        errore("TipoServizio", "CAS063", "Tipo servizio mancante nell'inquadramento.".to_string());
    }
    if i.qualifica.trim().chars().count() != 6 {
        errore("Qualifica", "CAS060", format!("La qualifica «{}» deve essere di 6 caratteri.", i.qualifica));
    }
    // The end-of-service regime belongs to the TFS/TFR gestione: demanded where the period has one, refused
    // where it has none (INPS 00390I, "valorizzabile solo con GestPrevidenziale"). 0 is "not given".
    let previdenziale = p.gestioni.iter().any(|g| g.tipo == TipoGestione::Previdenziale);
    if previdenziale && !REGIME_FINE_SERVIZIO.iter().any(|(c, _)| *c == i.regime_fine_servizio) {
        errore(
            "RegimeFineServizio",
            "CAS061",
            "Regime di fine servizio mancante o sconosciuto: con la gestione previdenziale (TFS/TFR) va indicato \
             (1 TFR, 2 optante, 3 TFS)."
                .to_string(),
        );
    }
    if !previdenziale && i.regime_fine_servizio != 0 {
        errore(
            "RegimeFineServizio",
            "00390I",
            "RegimeFineServizio è valorizzabile solo con la gestione previdenziale (GestPrevidenziale), che il \
             periodo non ha."
                .to_string(),
        );
    }
    if let Some((tipo, percentuale)) = &i.part_time {
        if !TIPO_PART_TIME.iter().any(|(c, _)| c == tipo) {
            errore("TipoPartTime", "CAS062", format!("Tipo di part-time «{tipo}» sconosciuto (P, V o M)."));
        }
        if !(1..=PERC_PART_TIME_MASSIMA).contains(percentuale) {
            errore(
                "PercPartTime",
                "CAS062",
                "La percentuale di part-time si scrive con tre decimali impliciti, da 1 a 99999 (50000 = 50 %, \
                 83333 = 83,333 %)."
                    .to_string(),
            );
        }
    }
}

/// The codes of one body paying for the worker: its kind of contribution, its codice fiscale and PRGAZIENDA
/// when written, and, in a V1, the month the amounts were paid out.
fn regole_ente_versante(e: &EnteVersante, blocco: Blocco, errore: &mut impl FnMut(&str, &str, String)) {
    if !TIPO_CONTRIBUTO.iter().any(|(c, _)| *c == e.tipo_contributo) {
        errore(
            "TipoContributo",
            "CAS070",
            format!("Tipo contributo {} sconosciuto (1, 2, 3, 5, 6, 7, 8 o 9).", e.tipo_contributo),
        );
    }
    if !e.cf_azienda.is_empty() && PartitaIva::parse(&e.cf_azienda).is_err() {
        errore(
            "CFAzienda",
            "CAS071",
            format!(
                "Codice fiscale dell'ente versante «{}» non valido: 11 cifre con il carattere di controllo.",
                e.cf_azienda
            ),
        );
    }
    if !e.prg_azienda.is_empty() && (e.prg_azienda.len() != 5 || !e.prg_azienda.bytes().all(|b| b.is_ascii_digit())) {
        errore(
            "PRGAZIENDA",
            "CAS072",
            format!(
                "PRGAZIENDA dell'ente versante «{}» non valido: 5 cifre (00000 la sede principale).",
                e.prg_azienda
            ),
        );
    }
    if matches!(blocco, Blocco::V1 { .. }) && e.anno_mese_erogazione.is_none() {
        errore(
            "AnnoMeseErogazione",
            "CAS073",
            "AnnoMeseErogazione dell'ente versante mancante, vuoto o non valido (aaaa-mm).".to_string(),
        );
    }
}

fn regole_rata(r: &Rata, mese: Period, errore: &mut impl FnMut(&str, &str, String)) {
    match r.anno_mese_rif {
        None => errore("AnnoMeseRif", "CAS052", "Mese di riferimento della rata mancante o non valido.".to_string()),
        Some(m) if m > mese => errore(
            "AnnoMeseRif",
            "CAS052",
            format!("Il mese di riferimento della rata segue il mese della denuncia ({mese})."),
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
    // The additional 1 % paid by the other body (TipoContributo 6) is compared too: the worker's side of
    // the limit includes Contrib1PerCento, so the other side must include its counterpart.
    if somma(&[1, 5, 6], |e| e.contributo) > pens_contributo {
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
    (blocchi > 1).then(|| {
        del_file(
            "PosPA",
            "00124I",
            format!("La denuncia contiene {blocchi} blocchi PosPA: ne è ammesso uno solo, con tutti i lavoratori."),
        )
    })
}

/// A problem of the file as a whole (no worker).
fn del_file(elemento: &str, codice: &str, descrizione: String) -> Errore {
    Errore::nuovo(String::new(), None, elemento, codice, descrizione)
}

/// The codes of `DatiMittente`: who sends the file (`CFPersonaMittente`, a person; `CFMittente`, a person or
/// a body) and the software house that wrote it (`CFSoftwarehouse`, 11 digits, all zeros when none).
pub fn verifica_mittente(elemento: &str, valore: &str) -> Option<Errore> {
    let cf = CodiceFiscale::parse(valore);
    match elemento {
        "CFPersonaMittente" if !cf.as_ref().is_ok_and(CodiceFiscale::is_person) => Some(del_file(
            elemento,
            "CAS080",
            format!("Codice fiscale della persona che invia «{valore}» non valido: 16 caratteri di una persona."),
        )),
        "CFMittente" if cf.is_err() => {
            Some(del_file(elemento, "CAS080", format!("Codice fiscale del mittente «{valore}» non valido.")))
        }
        "CFSoftwarehouse" if valore != "00000000000" && PartitaIva::parse(valore).is_err() => Some(del_file(
            elemento,
            "CAS081",
            format!(
                "Codice fiscale della software house «{valore}» non valido: 11 cifre con il carattere di controllo, \
                 o 00000000000 se il programma non è di una software house."
            ),
        )),
        _ => None,
    }
}

/// The heading of one `ListaPosPA` of the file: the `CFAzienda` and `AnnoMeseDenuncia` of its `Azienda`
/// block and its own `PRGAZIENDA`, as written (`None` when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Intestazione {
    pub cf_azienda: Option<String>,
    pub prg_azienda: Option<String>,
    pub anno_mese: Option<String>,
}

/// Why the headings of a ListaPosPA file are not the position's; the message is the user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntestazioneRifiutata {
    /// A block names another position. `blocco`: its number from 1, when the file has more than one;
    /// `cf_azienda`, `prg_azienda`: as written (`assente` when missing); `solo_cifre`: the same position with
    /// PRGAZIENDA written without its five digits.
    AltraPosizione {
        blocco: Option<usize>,
        cf_azienda: String,
        prg_azienda: String,
        posizione: String,
        prg_posizione: String,
        solo_cifre: bool,
    },
    /// The blocks declare more than one month (the months, sorted).
    MesiDiversi(Vec<String>),
}

impl std::fmt::Display for IntestazioneRifiutata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntestazioneRifiutata::AltraPosizione {
                blocco,
                cf_azienda,
                prg_azienda,
                posizione,
                prg_posizione,
                solo_cifre,
            } => {
                match blocco {
                    Some(n) => write!(f, "Il blocco ListaPosPA n. {n} del file")?,
                    None => write!(f, "Il file")?,
                }
                write!(
                    f,
                    " è di un'altra posizione (CFAzienda {cf_azienda}, PRGAZIENDA {prg_azienda}): non corrisponde a \
                     {posizione}"
                )?;
                if *solo_cifre {
                    write!(f, ": PRGAZIENDA si scrive con 5 cifre, come nel codice della posizione ({prg_posizione})")?;
                }
                write!(f, ".")
            }
            IntestazioneRifiutata::MesiDiversi(mesi) => write!(
                f,
                "Il file contiene denunce di mesi diversi ({}): si invia una denuncia per mese.",
                mesi.join(", ")
            ),
        }
    }
}

impl std::error::Error for IntestazioneRifiutata {}

/// Whether every heading of the file is the position's: CFAzienda equal to the Ente's code and PRGAZIENDA
/// written exactly as the position code has it (five digits: "0" is not "00000"), and one month for all.
pub fn check_intestazioni(
    intestazioni: &[Intestazione],
    cf_ente: &str,
    prg_posizione: &str,
    posizione: &str,
) -> Result<(), IntestazioneRifiutata> {
    let scritto = |v: &Option<String>| v.clone().unwrap_or_else(|| "assente".to_string());
    let molti = intestazioni.len() > 1;
    for (n, i) in intestazioni.iter().enumerate() {
        if i.cf_azienda.as_deref() == Some(cf_ente) && i.prg_azienda.as_deref() == Some(prg_posizione) {
            continue;
        }
        let solo_cifre = i.cf_azienda.as_deref() == Some(cf_ente)
            && i.prg_azienda
                .as_deref()
                .is_some_and(|p| p.trim_start_matches('0') == prg_posizione.trim_start_matches('0'));
        return Err(IntestazioneRifiutata::AltraPosizione {
            blocco: molti.then_some(n + 1),
            cf_azienda: scritto(&i.cf_azienda),
            prg_azienda: scritto(&i.prg_azienda),
            posizione: posizione.to_string(),
            prg_posizione: prg_posizione.to_string(),
            solo_cifre,
        });
    }
    let mut mesi: Vec<&str> = intestazioni.iter().filter_map(|i| i.anno_mese.as_deref()).collect();
    mesi.sort_unstable();
    mesi.dedup();
    if mesi.len() > 1 {
        return Err(IntestazioneRifiutata::MesiDiversi(mesi.into_iter().map(str::to_string).collect()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headings_must_be_the_positions_and_of_one_month() {
        let h = |cf: &str, prg: &str, mese: &str| Intestazione {
            cf_azienda: Some(cf.into()),
            prg_azienda: Some(prg.into()),
            anno_mese: Some(mese.into()),
        };
        let code = "8100000001800000";
        assert_eq!(check_intestazioni(&[h("81000000018", "00000", "2026-03")], "81000000018", "00000", code), Ok(()));
        let zero = check_intestazioni(&[h("81000000018", "0", "2026-03")], "81000000018", "00000", code);
        assert_eq!(
            zero.expect_err("refused").to_string(),
            "Il file è di un'altra posizione (CFAzienda 81000000018, PRGAZIENDA 0): non corrisponde a \
             8100000001800000: PRGAZIENDA si scrive con 5 cifre, come nel codice della posizione (00000)."
        );
        let two = [h("81000000018", "00000", "2026-03"), h("80000000000", "00000", "2026-03")];
        let other = check_intestazioni(&two, "81000000018", "00000", code).expect_err("refused");
        assert!(other.to_string().starts_with("Il blocco ListaPosPA n. 2 del file è di un'altra posizione"), "{other}");
        let months = [h("81000000018", "00000", "2026-04"), h("81000000018", "00000", "2026-03")];
        assert_eq!(
            check_intestazioni(&months, "81000000018", "00000", code),
            Err(IntestazioneRifiutata::MesiDiversi(vec!["2026-03".into(), "2026-04".into()]))
        );
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn euro(e: i64) -> Money {
        Money::from_euros(e).expect("euro")
    }

    /// The problem codes written in a source file outside its tests: `"CAS123"` and `"00123I"` literals.
    fn codici_nel_sorgente(sorgente: &str) -> Vec<String> {
        let codice = sorgente.split("#[cfg(test)]").next().unwrap_or_default();
        let b = codice.as_bytes();
        let mut trovati = Vec::new();
        for i in 0..b.len().saturating_sub(7) {
            let w = &b[i..i + 8];
            let cas = w.starts_with(b"\"CAS") && w[4..7].iter().all(u8::is_ascii_digit) && w[7] == b'"';
            let inps = w[0] == b'"' && w[1..6].iter().all(u8::is_ascii_digit) && w[6] == b'I' && w[7] == b'"';
            if cas || inps {
                trovati.push(String::from_utf8_lossy(&w[1..7]).into_owned());
            }
        }
        trovati
    }

    #[test]
    fn every_code_raised_has_its_severity_in_the_table_once() {
        let questo = include_str!("listapospa.rs");
        // The table itself is not a place that raises.
        let (prima, dopo) = questo.split_once("pub const REGOLE").expect("table");
        let dopo = dopo.split_once("];").expect("end of table").1;
        let mut raised = codici_nel_sorgente(&format!("{prima}{dopo}"));
        raised.extend(codici_nel_sorgente(include_str!("manuale.rs")));
        raised.extend(codici_nel_sorgente(include_str!("../../ssr/dma/listapospa.rs")));
        raised.sort();
        raised.dedup();
        assert!(raised.len() > 30, "{raised:?}");
        for code in &raised {
            assert_eq!(REGOLE.iter().filter(|r| r.codice == code).count(), 1, "{code} in REGOLE once");
        }
        // And the table lists nothing that is never raised, each code once.
        let mut table: Vec<&str> = REGOLE.iter().map(|r| r.codice).collect();
        table.sort_unstable();
        assert_eq!(table, raised, "REGOLE lists exactly the codes raised");
        // The severities an INPS user expects of the codes the issue names.
        for code in ["00124I", "00126I", "00024I", "00311I", "CAS001", "CAS030", "CAS040", "CAS011", "CAS080"] {
            assert_eq!(gravita(code), Gravita::Bloccante, "{code}");
        }
        for code in ["00171I", "00172I", "00032I"] {
            assert_eq!(gravita(code), Gravita::Avviso, "{code}");
        }
    }

    #[test]
    fn every_problem_carries_the_severity_of_its_code() {
        let mut p = e0(vec![pensione(2_000, 476)]);
        p.enti_versanti = vec![ente(1, 2_001, 100)];
        let mut l = lavoratore(vec![p]);
        l.codice_fiscale = "RSSMRA70A01H501X".to_string();
        let errori = check(&l, Period::new(2026, 3).expect("period"));
        let gravita: Vec<(&str, Gravita)> = errori.iter().map(|e| (e.codice.as_str(), e.gravita)).collect();
        assert_eq!(gravita, [("CAS001", Gravita::Bloccante), ("00171I", Gravita::Avviso)]);
        assert_eq!(verifica_blocchi_pospa(2).map(|e| e.gravita), Some(Gravita::Bloccante));
    }

    #[test]
    fn the_tfs_tfr_gestione_sums_its_lines_and_keeps_each() {
        let mut g = Gestione::nuova(TipoGestione::Previdenziale, 6);
        let voce = |e: &str| voce_importo(TipoGestione::Previdenziale, e).expect(e);
        g.aggiungi(voce("ImponibileTFS"), euro(1_000));
        g.aggiungi(voce("ContributoTFS"), euro(25));
        assert_eq!((g.imponibile, g.contributo, g.voce().as_str()), (euro(1_000), euro(25), "TFS"));
        g.aggiungi(voce("ImponibileTFR"), euro(500));
        g.aggiungi(voce("ContributoTFR"), euro(34));
        g.aggiungi(voce("RetribValutabileTFR"), euro(700));
        assert_eq!((g.imponibile, g.contributo), (euro(1_500), euro(59)));
        // Written again: the last value, not a sum.
        g.aggiungi(voce("ImponibileTFS"), euro(900));
        assert_eq!(g.imponibile, euro(1_400));
        assert_eq!(g.importi.len(), 5);
        assert!(voce_importo(TipoGestione::Previdenziale, "Imponibile").is_none(), "not an element of TFS/TFR");
        let mut tfr = Gestione::nuova(TipoGestione::Previdenziale, 6);
        tfr.aggiungi(voce("ImponibileTFR"), euro(500));
        assert_eq!(tfr.voce(), "TFR");
        // The amounts of RecuperoSgravi (repeatable) add up.
        let mut p = Gestione::nuova(TipoGestione::Pensionistica, 2);
        let sgravi = voce_importo(TipoGestione::Pensionistica, "RecuperoSgravi/Importo").expect("sgravi");
        p.aggiungi(sgravi, euro(10));
        p.aggiungi(sgravi, euro(5));
        assert_eq!(p.importi, [("RecuperoSgravi/Importo".to_string(), euro(15))]);
        assert_eq!(
            scrivi_importi(&g.importi),
            "ImponibileTFS 900,00; ContributoTFS 25,00; ImponibileTFR 500,00; ContributoTFR 34,00; RetribValutabileTFR 700,00"
        );
        assert_eq!(leggi_importi(&scrivi_importi(&g.importi)), Some(g.importi.clone()));
        assert_eq!(leggi_importi(""), Some(Vec::new()));
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
            imponibile: euro(imponibile),
            contributo: euro(contributo),
            ..Gestione::nuova(TipoGestione::Pensionistica, 2)
        }
    }

    fn inquadramento() -> Inquadramento {
        Inquadramento {
            tipo_impiego: 1,
            tipo_servizio: 4,
            contratto: "RALN".to_string(),
            qualifica: "000123".to_string(),
            regime_fine_servizio: 0,
            part_time: None,
        }
    }

    fn e0(gestioni: Vec<Gestione>) -> Periodo {
        Periodo {
            blocco: Blocco::E0,
            inizio: day(2026, 3, 1),
            fine: day(2026, 3, 31),
            inquadramento: Some(inquadramento()),
            gestioni,
            enti_versanti: Vec::new(),
            altri_elementi: true,
            motivo_utilizzo: None,
            importi: Vec::new(),
        }
    }

    fn ente(tipo_contributo: u8, imponibile: i64, contributo: i64) -> EnteVersante {
        EnteVersante {
            tipo_contributo,
            imponibile: euro(imponibile),
            contributo: euro(contributo),
            cf_azienda: String::new(),
            prg_azienda: String::new(),
            anno_mese_erogazione: None,
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
        check(l, Period::new(2026, 3).expect("period")).into_iter().map(|e| e.codice).collect()
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
        assert_eq!(codici(&l), ["CAS001", "CAS002", "00024I", "CAS030"]);
        let errori = check(&l, Period::new(2026, 3).expect("period"));
        assert_eq!(errori[2].periodo.as_deref(), Some("01/03/2026–02/04/2026"));
        assert_eq!(errori[0].codice_fiscale, "RSSMRA70A01H501X");
    }

    #[test]
    fn other_bodies_cannot_pay_more_than_the_worker_owes() {
        let mut p = e0(vec![pensione(2_000, 476)]);
        p.enti_versanti = vec![ente(1, 2_001, 100)];
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["00171I"]);
        p.enti_versanti = vec![ente(1, 1_000, 400), ente(5, 0, 100)];
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["00172I"]);
        // The 1 % contribution counts on the worker's side.
        p.gestioni[0].contributo_1_per_cento = euro(30);
        assert!(codici(&lavoratore(vec![p.clone()])).is_empty());
        // ...and the other body's 1 % (TipoContributo 6) on the other side: 400 + 100 + 10 > 476 + 30.
        p.enti_versanti.push(ente(6, 0, 10));
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["00172I"]);
        p.enti_versanti = vec![ente(9, 10, 0)];
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
            motivo_utilizzo: None,
            importi: Vec::new(),
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
        assert!(codici(&lavoratore(vec![p.clone()])).is_empty());
        // Part-time in implied decimals: 83,333 % and 50 % pass, 100 % and 0 do not.
        for (perc, ok) in [(83_333, true), (50_000, true), (100_000, false), (0, false)] {
            p.inquadramento = Some(Inquadramento { part_time: Some(("P".to_string(), perc)), ..inquadramento() });
            assert_eq!(codici(&lavoratore(vec![p.clone()])).is_empty(), ok, "{perc}");
        }
        p.inquadramento = Some(Inquadramento {
            qualifica: "12345".to_string(),
            regime_fine_servizio: 4,
            part_time: Some(("X".to_string(), 0)),
            ..Inquadramento::default()
        });
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["CAS063", "CAS063", "CAS060", "00390I", "CAS062", "CAS062"]);
        // The regime goes with the TFS/TFR gestione, and only there.
        let tfs = Gestione { tipo: TipoGestione::Previdenziale, cod_gestione: 6, ..pensione(2_000, 50) };
        p.gestioni.push(tfs);
        p.inquadramento = Some(inquadramento());
        assert_eq!(codici(&lavoratore(vec![p.clone()])), ["CAS061"]);
        p.inquadramento = Some(Inquadramento { regime_fine_servizio: 3, ..inquadramento() });
        assert!(codici(&lavoratore(vec![p.clone()])).is_empty());
        p.inquadramento = None;
        assert_eq!(codici(&lavoratore(vec![p])), ["CAS064"]);
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
        for v in ["2.500,00", "€ 10,00", "+5,00", "1 000,00", "1'000,00", "10,", ",50", "10,505", "1e3"] {
            assert_eq!(leggi_importo(v).map_err(|e| e.0), Err("CAS040"), "{v}");
        }
        assert_eq!(leggi_importo("-5,5"), Ok(Money::from_cents(-550)));
        assert_eq!(leggi_importo("2500"), Ok(Money::from_cents(250_000)));
        for cents in [0, 5, -550, 6_553_500, IMPORTO_MASSIMO.cents()] {
            let m = Money::from_cents(cents);
            assert_eq!(leggi_importo(&scrivi_importo(m)), Ok(m));
        }
        assert_eq!(leggi_percentuale("83333"), Ok(83_333));
        assert_eq!(leggi_percentuale("83,333").map_err(|e| e.0), Err("CAS042"));
        assert_eq!(leggi_data("2026-03-01"), Ok(day(2026, 3, 1)));
        assert_eq!(leggi_data("01/03/2026").map_err(|e| e.0), Err("CAS041"));
        assert_eq!(leggi_numero::<u8>("300").map_err(|e| e.0), Err("CAS042"));
        assert_eq!(leggi_mese("2026-13").map_err(|e| e.0), Err("CAS043"));
    }
}
