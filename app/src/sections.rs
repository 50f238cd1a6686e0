//! The consultation sections of a position: their columns, filters and sorting, as data. The pages
//! render from it, and the server builds its queries from it (with SQL kept server-side), so a
//! section is described once. Filter validation is here too: the same code runs in both places.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::period::Period;
use crate::model::ListQuery;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Section {
    Versamenti,
    NoteRettifica,
    PianiAmmortamento,
    RatePiano,
    Dma,
    DmaLavoratori,
    NoteDebito,
    NoteDebitoEca,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColKind {
    Text,
    Int,
    Money,
    Date,
    OptDate,
    Period,
}

pub struct ColumnSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: ColKind,
    pub sortable: bool,
    /// Summed over the filtered rows and shown under the table.
    pub total: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    Choice(&'static [(&'static str, &'static str)]),
    DateFrom,
    DateTo,
    PeriodFrom,
    PeriodTo,
    Contains,
}

pub struct FilterSpec {
    pub key: &'static str,
    pub label: &'static str,
    /// The column the filter applies to.
    pub column: &'static str,
    pub kind: FilterKind,
}

pub struct SectionSpec {
    pub section: Section,
    pub slug: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub columns: &'static [ColumnSpec],
    pub filters: &'static [FilterSpec],
    pub default_sort: (&'static str, bool),
    /// The section listing the children of a row (instalments of a piano, workers of a DMA).
    pub detail: Option<Section>,
    /// The (classe, oggetto) of the Comunicazione bidirezionale this page is about: its context link
    /// opens a new richiesta with position, classe and oggetto already chosen.
    pub argomento: (&'static str, &'static str),
    /// A service of the position each row leads to, opened for that row (the ECA notes' sanction calculation).
    pub azione_riga: Option<AzioneRiga>,
}

/// A link from each row of a section to a service of the position, which reads the row's id from `param`.
pub struct AzioneRiga {
    /// The service's slug under the position (`servizi::SERVIZI_POSIZIONE`).
    pub servizio: &'static str,
    pub param: &'static str,
    /// The link's text; its accessible name adds the row's first cell.
    pub etichetta: &'static str,
}

const fn col(key: &'static str, label: &'static str, kind: ColKind) -> ColumnSpec {
    ColumnSpec { key, label, kind, sortable: true, total: false }
}
const fn money_total(key: &'static str, label: &'static str) -> ColumnSpec {
    ColumnSpec { key, label, kind: ColKind::Money, sortable: true, total: true }
}
const fn filter(key: &'static str, label: &'static str, column: &'static str, kind: FilterKind) -> FilterSpec {
    FilterSpec { key, label, column, kind }
}

const CANALI: &[(&str, &str)] = &[("F24", "F24"), ("F24EP", "F24 EP"), ("BANCA_ITALIA", "Banca d'Italia")];
const STATI_NOTA: &[(&str, &str)] = &[
    ("emessa", "Emessa"),
    ("pagata", "Pagata"),
    ("parzialmente pagata", "Parzialmente pagata"),
    ("annullata", "Annullata"),
];
const TIPI_PIANO: &[(&str, &str)] = &[("Benefici pensione", "Benefici pensione"), ("TFS", "TFS")];
const STATI_PIANO: &[(&str, &str)] = &[("in corso", "In corso"), ("concluso", "Concluso")];
const STATI_RATA: &[(&str, &str)] = &[("pagata", "Pagata"), ("da pagare", "Da pagare"), ("scaduta", "Scaduta")];
/// «Sostituita»: a later declaration of the same month replaced it (it is listed, not counted).
const STATI_DMA: &[(&str, &str)] = &[
    ("accettata", "Accettata"),
    ("accettata con errori", "Accettata con errori"),
    ("scartata", "Scartata"),
    ("sostituita", "Sostituita"),
];
/// A declaration of the month, one that replaced the month's earlier one, or a file of corrections (V1
/// periods) only.
const TIPI_DMA: &[(&str, &str)] =
    &[("mensile", "Mensile"), ("sostitutiva", "Sostitutiva"), ("variazione", "Variazione")];
/// The names the seed and the ListaPosPA import (`domain::dma::listapospa::voce_gestione`) give.
const GESTIONI: &[(&str, &str)] = &[
    ("Pensioni (CTPS)", "Pensioni (CTPS)"),
    ("Pensioni (CPDEL)", "Pensioni (CPDEL)"),
    ("Pensioni (CPI)", "Pensioni (CPI)"),
    ("Pensioni (CPUG)", "Pensioni (CPUG)"),
    ("Pensioni (CPS)", "Pensioni (CPS)"),
    ("TFS", "TFS"),
    ("TFR", "TFR"),
    ("ENPDEP", "ENPDEP"),
    ("Credito", "Credito"),
    ("ENAM", "ENAM"),
    ("IVS privati", "IVS privati"),
];
const TIPI_NOTA_DEBITO: &[(&str, &str)] = &[("Sistemazione", "Sistemazione"), ("Regolarizzazione", "Regolarizzazione")];

pub static SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        section: Section::Versamenti,
        slug: "versamenti",
        title: "Versamenti F24, F24 EP e Banca d'Italia",
        intro: "I versamenti acquisiti per la posizione, con canale, periodo di riferimento e causale.",
        columns: &[
            col("data", "Data versamento", ColKind::Date),
            col("canale", "Canale", ColKind::Text),
            col("periodo", "Periodo", ColKind::Period),
            col("causale", "Causale", ColKind::Text),
            col("sede", "Codice sede", ColKind::Text),
            money_total("importo", "Importo (€)"),
        ],
        filters: &[
            filter("canale", "Canale", "canale", FilterKind::Choice(CANALI)),
            filter("dal", "Versati dal", "data", FilterKind::DateFrom),
            filter("al", "Versati al", "data", FilterKind::DateTo),
            filter("periodo_dal", "Periodo dal", "periodo", FilterKind::PeriodFrom),
            filter("periodo_al", "Periodo al", "periodo", FilterKind::PeriodTo),
            filter("causale", "Causale", "causale", FilterKind::Contains),
        ],
        default_sort: ("data", true),
        detail: None,
        argomento: ("Versamenti", "Pagamenti"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::NoteRettifica,
        slug: "note-rettifica",
        title: "Note di rettifica",
        intro: "Le note di rettifica emesse sulla posizione e il loro stato.",
        columns: &[
            col("numero", "Numero", ColKind::Text),
            col("data", "Data emissione", ColKind::Date),
            col("periodo", "Periodo", ColKind::Period),
            col("motivo", "Motivo", ColKind::Text),
            money_total("importo", "Importo (€)"),
            col("stato", "Stato", ColKind::Text),
        ],
        filters: &[
            filter("stato", "Stato", "stato", FilterKind::Choice(STATI_NOTA)),
            filter("dal", "Emesse dal", "data", FilterKind::DateFrom),
            filter("al", "Emesse al", "data", FilterKind::DateTo),
            filter("periodo_dal", "Periodo dal", "periodo", FilterKind::PeriodFrom),
            filter("periodo_al", "Periodo al", "periodo", FilterKind::PeriodTo),
        ],
        default_sort: ("data", true),
        detail: None,
        argomento: ("Uniemens", "Note di rettifica"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::PianiAmmortamento,
        slug: "piani-ammortamento",
        title: "Piani di ammortamento",
        intro: "I piani di ammortamento per benefici pensionistici e TFS; si aprono per vederne le rate.",
        columns: &[
            col("numero", "Numero piano", ColKind::Text),
            col("tipo", "Tipo", ColKind::Text),
            col("inizio", "Data inizio", ColKind::Date),
            col("rate", "Rate", ColKind::Int),
            money_total("importo", "Importo totale (€)"),
            col("stato", "Stato", ColKind::Text),
        ],
        filters: &[
            filter("tipo", "Tipo", "tipo", FilterKind::Choice(TIPI_PIANO)),
            filter("stato", "Stato", "stato", FilterKind::Choice(STATI_PIANO)),
            filter("dal", "Iniziati dal", "inizio", FilterKind::DateFrom),
            filter("al", "Iniziati al", "inizio", FilterKind::DateTo),
        ],
        default_sort: ("inizio", true),
        detail: Some(Section::RatePiano),
        argomento: ("Gestione del credito", "Dilazione amministrativa"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::RatePiano,
        slug: "rate",
        title: "Rate del piano di ammortamento",
        intro: "Le rate del piano, con scadenza, importo e pagamento.",
        columns: &[
            col("numero", "Rata n.", ColKind::Int),
            col("scadenza", "Scadenza", ColKind::Date),
            money_total("importo", "Importo (€)"),
            col("pagamento", "Data pagamento", ColKind::OptDate),
            col("stato", "Stato", ColKind::Text),
        ],
        filters: &[
            filter("stato", "Stato", "stato", FilterKind::Choice(STATI_RATA)),
            filter("dal", "Scadenza dal", "scadenza", FilterKind::DateFrom),
            filter("al", "Scadenza al", "scadenza", FilterKind::DateTo),
        ],
        default_sort: ("numero", false),
        detail: None,
        argomento: ("Gestione del credito", "Dilazione amministrativa"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::Dma,
        slug: "dma",
        title: "DMA – denunce trasmesse e errori",
        intro: "Le denunce mensili ListaPosPA trasmesse, per mese, con i totali e gli errori rilevati. Una \
                denuncia sostituita da una successiva dello stesso mese (sostitutiva) resta nell'elenco ma non \
                entra nei totali.",
        columns: &[
            col("periodo", "Periodo", ColKind::Period),
            col("tipo", "Tipo", ColKind::Text),
            col("invio", "Data invio", ColKind::Date),
            col("protocollo", "Protocollo", ColKind::Text),
            col("lavoratori", "Lavoratori", ColKind::Int),
            money_total("imponibile", "Imponibile (€)"),
            money_total("contributi", "Contributi (€)"),
            col("errori", "Errori", ColKind::Int),
            col("stato", "Esito", ColKind::Text),
        ],
        filters: &[
            filter("stato", "Esito", "stato", FilterKind::Choice(STATI_DMA)),
            filter("tipo", "Tipo", "tipo", FilterKind::Choice(TIPI_DMA)),
            filter("periodo_dal", "Periodo dal", "periodo", FilterKind::PeriodFrom),
            filter("periodo_al", "Periodo al", "periodo", FilterKind::PeriodTo),
        ],
        default_sort: ("periodo", true),
        detail: Some(Section::DmaLavoratori),
        argomento: ("Uniemens", "Uniemens trasmessi"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::DmaLavoratori,
        slug: "lavoratori",
        title: "Denuncia DMA – dettaglio per lavoratore",
        intro: "I lavoratori dichiarati nella denuncia del mese, per gestione, con gli altri importi dichiarati \
                (TFS, TFR, 1 %, eccedenze del massimale…) e gli eventuali codici di errore: in una denuncia accettata \
                con errori, gli avvisi rilevati.",
        columns: &[
            col("codice_fiscale", "Codice fiscale", ColKind::Text),
            col("nominativo", "Nominativo", ColKind::Text),
            col("gestione", "Gestione", ColKind::Text),
            money_total("imponibile", "Imponibile (€)"),
            money_total("contributi", "Contributi (€)"),
            col("importi", "Altri importi (€)", ColKind::Text),
            col("errore", "Codice errore", ColKind::Text),
            col("descrizione", "Descrizione errore", ColKind::Text),
        ],
        filters: &[
            filter("gestione", "Gestione", "gestione", FilterKind::Choice(GESTIONI)),
            filter("codice_fiscale", "Codice fiscale", "codice_fiscale", FilterKind::Contains),
            filter("errore", "Codice errore", "errore", FilterKind::Contains),
        ],
        default_sort: ("nominativo", false),
        detail: None,
        argomento: ("Uniemens", "Uniemens trasmessi"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::NoteDebito,
        slug: "note-debito",
        title: "Note di debito",
        intro: "Le note di debito per sistemazioni e regolarizzazioni contributive.",
        columns: &[
            col("numero", "Numero", ColKind::Text),
            col("data", "Data emissione", ColKind::Date),
            col("periodo", "Periodo", ColKind::Period),
            col("tipo", "Tipo", ColKind::Text),
            money_total("importo", "Importo (€)"),
            money_total("versato", "Versato (€)"),
            col("stato", "Stato", ColKind::Text),
        ],
        filters: &[
            filter("tipo", "Tipo", "tipo", FilterKind::Choice(TIPI_NOTA_DEBITO)),
            filter("stato", "Stato", "stato", FilterKind::Choice(STATI_NOTA)),
            filter("dal", "Emesse dal", "data", FilterKind::DateFrom),
            filter("al", "Emesse al", "data", FilterKind::DateTo),
        ],
        default_sort: ("data", true),
        detail: None,
        argomento: ("Gestione del credito", "Note di debito"),
        azione_riga: None,
    },
    SectionSpec {
        section: Section::NoteDebitoEca,
        slug: "note-debito-eca",
        title: "Note di debito ECA",
        intro: "Le note di debito dell'Estratto Conto Amministrazione (ECA), per anno.",
        columns: &[
            col("numero", "Numero", ColKind::Text),
            col("data", "Data emissione", ColKind::Date),
            col("anno", "Anno", ColKind::Int),
            col("scadenza", "Scadenza", ColKind::Date),
            money_total("importo", "Importo (€)"),
            col("stato", "Stato", ColKind::Text),
        ],
        filters: &[
            filter("stato", "Stato", "stato", FilterKind::Choice(STATI_NOTA)),
            filter("dal", "Emesse dal", "data", FilterKind::DateFrom),
            filter("al", "Emesse al", "data", FilterKind::DateTo),
        ],
        default_sort: ("data", true),
        detail: None,
        argomento: ("Gestione del credito", "ECA"),
        azione_riga: Some(AzioneRiga {
            servizio: "calcolo-sanzioni-eca",
            param: "nota",
            etichetta: "Calcola le sanzioni",
        }),
    },
];

/// Rows per page in every consultation table.
pub const PAGE_SIZE: u32 = 20;

impl Section {
    pub fn spec(self) -> &'static SectionSpec {
        SECTIONS.iter().find(|s| s.section == self).unwrap_or(&SECTIONS[0])
    }

    /// The top-level sections, in menu order (children are reached from their parent's rows).
    pub fn top_level() -> impl Iterator<Item = &'static SectionSpec> {
        SECTIONS.iter().filter(|s| !matches!(s.section, Section::RatePiano | Section::DmaLavoratori))
    }

    pub fn from_slug(slug: &str) -> Option<Section> {
        Section::top_level().find(|s| s.slug == slug).map(|s| s.section)
    }

    pub fn parent(self) -> Option<Section> {
        SECTIONS.iter().find(|s| s.detail == Some(self)).map(|s| s.section)
    }
}

/// A validated filter value, ready for the query builder.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterValue {
    Equals(String),
    From(String),
    To(String),
    Contains(String),
}

/// A list query checked against its section: known filters with valid values, a sortable column.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedQuery {
    /// (column key, condition)
    pub conditions: Vec<(&'static str, FilterValue)>,
    pub sort: &'static str,
    pub desc: bool,
    pub page: u32,
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(value, "%d/%m/%Y")).ok()
}

/// Why the filters or the order asked of a section are refused; each names the field (its label).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FiltroRifiutato {
    #[error("{0}: valore non ammesso.")]
    Valore(&'static str),
    #[error("{0}: data non valida (gg/mm/aaaa).")]
    Data(&'static str),
    #[error("{0}: periodo non valido (mm/aaaa).")]
    Periodo(&'static str),
    #[error("{0}: testo troppo lungo (massimo 64 caratteri).")]
    TestoLungo(&'static str),
    #[error("Ordinamento non ammesso.")]
    Ordinamento,
}

impl SectionSpec {
    /// Checks `query` against this section. Unknown parameters are ignored; a bad value is refused naming
    /// the field.
    pub fn check(&self, query: &ListQuery) -> Result<CheckedQuery, FiltroRifiutato> {
        let mut conditions = Vec::new();
        for spec in self.filters {
            let Some(raw) = query.filters.get(spec.key) else { continue };
            let value = match spec.kind {
                FilterKind::Choice(options) => {
                    if !options.iter().any(|(v, _)| v == raw) {
                        return Err(FiltroRifiutato::Valore(spec.label));
                    }
                    FilterValue::Equals(raw.clone())
                }
                FilterKind::DateFrom | FilterKind::DateTo => {
                    let date = parse_date(raw).ok_or(FiltroRifiutato::Data(spec.label))?;
                    let iso = date.format("%Y-%m-%d").to_string();
                    if spec.kind == FilterKind::DateFrom { FilterValue::From(iso) } else { FilterValue::To(iso) }
                }
                FilterKind::PeriodFrom | FilterKind::PeriodTo => {
                    let period: Period = raw.parse().map_err(|_| FiltroRifiutato::Periodo(spec.label))?;
                    let iso = period.iso();
                    if spec.kind == FilterKind::PeriodFrom { FilterValue::From(iso) } else { FilterValue::To(iso) }
                }
                FilterKind::Contains => {
                    if raw.chars().count() > 64 {
                        return Err(FiltroRifiutato::TestoLungo(spec.label));
                    }
                    FilterValue::Contains(raw.to_uppercase())
                }
            };
            conditions.push((spec.column, value));
        }
        let (sort, desc) = match query.sort.as_deref() {
            Some(key) => match self.columns.iter().find(|c| c.key == key && c.sortable) {
                Some(c) => (c.key, query.desc),
                None => return Err(FiltroRifiutato::Ordinamento),
            },
            None => self.default_sort,
        };
        Ok(CheckedQuery { conditions, sort, desc, page: query.page })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        ListQuery::from_params(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn every_filter_and_sort_names_a_column_of_its_section() {
        for spec in SECTIONS {
            for f in spec.filters {
                assert!(spec.columns.iter().any(|c| c.key == f.column), "{}: filter {}", spec.slug, f.key);
            }
            assert!(spec.columns.iter().any(|c| c.key == spec.default_sort.0), "{}", spec.slug);
        }
    }

    #[test]
    fn checks_filters_and_sort() {
        let spec = Section::Versamenti.spec();
        let ok = spec
            .check(&query(&[
                ("canale", "F24EP"),
                ("dal", "2024-01-31"),
                ("periodo_al", "03/2024"),
                ("ordina", "importo"),
                ("dir", "asc"),
            ]))
            .expect("valid");
        assert_eq!(ok.sort, "importo");
        assert!(!ok.desc);
        assert_eq!(
            ok.conditions,
            vec![
                ("canale", FilterValue::Equals("F24EP".into())),
                ("data", FilterValue::From("2024-01-31".into())),
                ("periodo", FilterValue::To("2024-03".into())),
            ]
        );
        let canale = spec.check(&query(&[("canale", "X")])).expect_err("refused");
        assert_eq!(canale.to_string(), "Canale: valore non ammesso.");
        let dal = spec.check(&query(&[("dal", "31/02/2024")])).expect_err("refused");
        assert!(matches!(dal, FiltroRifiutato::Data(_)), "{dal}");
        assert_eq!(spec.check(&query(&[("ordina", "1;DROP TABLE x")])).map(|_| ()), Err(FiltroRifiutato::Ordinamento));
    }

    #[test]
    fn slugs_resolve_only_for_top_level_sections() {
        assert_eq!(Section::from_slug("dma"), Some(Section::Dma));
        assert_eq!(Section::from_slug("rate"), None);
        assert_eq!(Section::RatePiano.parent(), Some(Section::PianiAmmortamento));
    }

    #[test]
    fn every_imported_gestione_can_be_filtered() {
        for (cod, _) in crate::domain::dma::listapospa::COD_GESTIONE {
            let voce = crate::domain::dma::listapospa::voce_gestione(*cod);
            assert!(GESTIONI.iter().any(|(v, _)| *v == voce), "{voce}");
        }
    }
}
