//! A DMA declaration compiled by hand (*Compilazione manuale DMA – ListaPosPA*): the form's draft, kept as
//! the user typed it, its ListaPosPA XML, and its check. The draft is read with the same value functions and
//! rules as an imported file (`domain::dma::listapospa`), and in the same order, so the browser (this module
//! compiled to WebAssembly) shows exactly the problems the server's import of its XML will find — a
//! property the tests hold over generated drafts.

use serde::{Deserialize, Serialize};

use super::listapospa::{
    self as rules, Blocco, Errore, GIORNO_MANCANTE, Gestione, Inquadramento, Lavoratore, Periodo, Rata, TipoGestione,
    ValoreErrato,
};
use crate::domain::money::Money;
use crate::domain::period::Period;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaDenuncia {
    /// `aaaa-mm`.
    pub mese: String,
    pub cf_azienda: String,
    pub prg_azienda: String,
    pub lavoratori: Vec<BozzaLavoratore>,
}

/// Rows carry an `id` only so that the form keeps each row's inputs while others are added or removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaLavoratore {
    pub id: u32,
    pub codice_fiscale: String,
    pub cognome: String,
    pub nome: String,
    pub periodi: Vec<BozzaPeriodo>,
    pub rate: Vec<BozzaRata>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaPeriodo {
    pub id: u32,
    /// E0 (in the month) or V1 (a correction, with `causale`).
    pub v1: bool,
    pub causale: String,
    pub inizio: String,
    pub fine: String,
    pub inquadramento: BozzaInquadramento,
    pub gestioni: Vec<BozzaGestione>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaInquadramento {
    pub tipo_impiego: String,
    pub tipo_servizio: String,
    pub contratto: String,
    pub qualifica: String,
    pub tipo_part_time: String,
    pub perc_part_time: String,
    pub regime_fine_servizio: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaGestione {
    pub id: u32,
    pub tipo: TipoGestione,
    pub cod_gestione: String,
    pub imponibile: String,
    pub contributo: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BozzaRata {
    pub id: u32,
    pub anno_mese_rif: String,
    pub cod_gestione: String,
    pub tipo_piano: String,
    pub prg_rata: String,
    pub totale_rate: String,
    pub importo: String,
    pub tipo_operazione: String,
}

/// A value as a file would carry it: no control characters (XML cannot hold most of them) and trimmed
/// (the reader trims every value).
pub fn testo(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string()
}

impl BozzaInquadramento {
    /// The TFR regime (RegimeFineServizio 1): the TFS/TFR gestione then declares `ImponibileTFR` and
    /// `ContributoTFR`, otherwise `ImponibileTFS` and `ContributoTFS`.
    pub fn tfr(&self) -> bool {
        testo(&self.regime_fine_servizio) == "1"
    }

    fn vuoto(&self) -> bool {
        [
            &self.tipo_impiego,
            &self.tipo_servizio,
            &self.contratto,
            &self.qualifica,
            &self.tipo_part_time,
            &self.perc_part_time,
            &self.regime_fine_servizio,
        ]
        .iter()
        .all(|s| testo(s).is_empty())
    }

    fn part_time(&self) -> bool {
        !testo(&self.tipo_part_time).is_empty() || !testo(&self.perc_part_time).is_empty()
    }
}

impl BozzaPeriodo {
    /// A period of the declared month, with one pension gestione to fill in.
    pub fn nuovo(id: u32, mese: &str) -> BozzaPeriodo {
        let (inizio, fine) =
            Period::parse(mese).map(|m| (m.first_day().to_string(), m.last_day().to_string())).unwrap_or_default();
        BozzaPeriodo {
            id,
            v1: false,
            causale: String::new(),
            inizio,
            fine,
            inquadramento: BozzaInquadramento::default(),
            gestioni: vec![BozzaGestione::nuova(id * 10, TipoGestione::Pensionistica)],
        }
    }
}

impl BozzaGestione {
    pub fn nuova(id: u32, tipo: TipoGestione) -> BozzaGestione {
        BozzaGestione { id, tipo, cod_gestione: String::new(), imponibile: String::new(), contributo: String::new() }
    }
}

// Absent values take the reader's defaults: 0, zero euro, no day.
fn codice(v: &str) -> u8 {
    rules::leggi_numero(&testo(v)).unwrap_or(0)
}

fn numero(v: &str) -> u16 {
    rules::leggi_numero(&testo(v)).unwrap_or(0)
}

fn importo(v: &str) -> Money {
    rules::leggi_importo(&testo(v)).unwrap_or(Money::ZERO)
}

fn giorno(v: &str) -> chrono::NaiveDate {
    rules::leggi_data(&testo(v)).unwrap_or(GIORNO_MANCANTE)
}

/// Reads one worker's draft as a file reader would, collecting the values that cannot be read in the
/// order of their elements in the XML (`scrivi_xml`).
struct Lettore {
    cf: String,
    errori: Vec<Errore>,
}

impl Lettore {
    fn leggi(&mut self, elemento: &str, valore: &str, controllo: fn(&str) -> Result<(), ValoreErrato>) {
        let v = testo(valore);
        if v.is_empty() {
            return;
        }
        if let Err((codice, descrizione)) = controllo(&v) {
            self.errori.push(Errore::nuovo(self.cf.clone(), None, elemento, codice, descrizione));
        }
    }

    fn codice(&mut self, elemento: &str, valore: &str) {
        self.leggi(elemento, valore, |v| rules::leggi_numero::<u8>(v).map(drop));
    }

    fn periodo(&mut self, p: &BozzaPeriodo) -> Periodo {
        self.leggi("GiornoInizio", &p.inizio, |v| rules::leggi_data(v).map(drop));
        self.leggi("GiornoFine", &p.fine, |v| rules::leggi_data(v).map(drop));
        let i = &p.inquadramento;
        let inquadramento = (!i.vuoto()).then(|| {
            self.codice("TipoImpiego", &i.tipo_impiego);
            self.codice("TipoServizio", &i.tipo_servizio);
            if i.part_time() {
                self.leggi("PercPartTime", &i.perc_part_time, |v| rules::leggi_percentuale(v).map(drop));
            }
            self.codice("RegimeFineServizio", &i.regime_fine_servizio);
            Inquadramento {
                tipo_impiego: codice(&i.tipo_impiego),
                tipo_servizio: codice(&i.tipo_servizio),
                contratto: testo(&i.contratto),
                qualifica: testo(&i.qualifica),
                regime_fine_servizio: codice(&i.regime_fine_servizio),
                part_time: i.part_time().then(|| {
                    (testo(&i.tipo_part_time), rules::leggi_percentuale(&testo(&i.perc_part_time)).unwrap_or(0))
                }),
            }
        });
        let mut gestioni = Vec::new();
        for g in &p.gestioni {
            self.codice("CodGestione", &g.cod_gestione);
            let (el_imponibile, el_contributo) = rules::elementi_principali(g.tipo, p.inquadramento.tfr());
            self.leggi(el_imponibile, &g.imponibile, |v| rules::leggi_importo(v).map(drop));
            self.leggi(el_contributo, &g.contributo, |v| rules::leggi_importo(v).map(drop));
            let mut gestione = Gestione::nuova(g.tipo, codice(&g.cod_gestione));
            // As a reader of the XML would: each element written (not empty) is read, a bad one as zero.
            for (elemento, valore) in [(el_imponibile, &g.imponibile), (el_contributo, &g.contributo)] {
                if let (false, Some(voce)) = (testo(valore).is_empty(), rules::voce_importo(g.tipo, elemento)) {
                    gestione.aggiungi(voce, importo(valore));
                }
            }
            gestioni.push(gestione);
        }
        Periodo {
            blocco: if p.v1 { Blocco::V1 { causale: codice(&p.causale) } } else { Blocco::E0 },
            inizio: giorno(&p.inizio),
            fine: giorno(&p.fine),
            altri_elementi: inquadramento.is_some() || !gestioni.is_empty(),
            inquadramento,
            gestioni,
            enti_versanti: Vec::new(),
            motivo_utilizzo: None,
            importi: Vec::new(),
        }
    }

    fn rata(&mut self, r: &BozzaRata) -> Rata {
        self.leggi("AnnoMeseRif", &r.anno_mese_rif, |v| rules::leggi_mese(v).map(drop));
        self.codice("CodGestione", &r.cod_gestione);
        self.codice("TipoPiano", &r.tipo_piano);
        self.leggi("PrgRata", &r.prg_rata, |v| rules::leggi_numero::<u16>(v).map(drop));
        self.leggi("TotaleRate", &r.totale_rate, |v| rules::leggi_numero::<u16>(v).map(drop));
        self.leggi("Importo", &r.importo, |v| rules::leggi_importo(v).map(drop));
        Rata {
            anno_mese_rif: rules::leggi_mese(&testo(&r.anno_mese_rif)).ok(),
            cod_gestione: codice(&r.cod_gestione),
            tipo_piano: codice(&r.tipo_piano),
            prg_rata: numero(&r.prg_rata),
            totale_rate: numero(&r.totale_rate),
            importo: importo(&r.importo),
            tipo_operazione: testo(&r.tipo_operazione),
        }
    }
}

/// One worker's draft as the record a file reader would build, and its unreadable values. The order is the
/// XML's: E0 periods, F1 instalments, V1 periods.
fn lavoratore(b: &BozzaLavoratore) -> (Lavoratore, Vec<Errore>) {
    let cf = testo(&b.codice_fiscale).to_uppercase();
    let mut lettore = Lettore { cf: cf.clone(), errori: Vec::new() };
    let mut periodi: Vec<Periodo> = b.periodi.iter().filter(|p| !p.v1).map(|p| lettore.periodo(p)).collect();
    let rate = b.rate.iter().map(|r| lettore.rata(r)).collect();
    periodi.extend(b.periodi.iter().filter(|p| p.v1).map(|p| lettore.periodo(p)));
    let record = Lavoratore { codice_fiscale: cf, cognome: testo(&b.cognome), nome: testo(&b.nome), periodi, rate };
    (record, lettore.errori)
}

impl BozzaDenuncia {
    /// Sets the declared month; E0 periods still without days get the whole month.
    pub fn imposta_mese(&mut self, mese: String) {
        if let Ok(m) = Period::parse(&testo(&mese)) {
            let periodi = self.lavoratori.iter_mut().flat_map(|l| l.periodi.iter_mut());
            for p in periodi.filter(|p| !p.v1 && testo(&p.inizio).is_empty() && testo(&p.fine).is_empty()) {
                p.inizio = m.first_day().to_string();
                p.fine = m.last_day().to_string();
            }
        }
        self.mese = mese;
    }

    /// The workers as a file reader would build them.
    pub fn lavoratori(&self) -> Vec<Lavoratore> {
        self.lavoratori.iter().map(|l| lavoratore(l).0).collect()
    }

    /// Every problem of the draft, as the import of its XML would list them; `Err` when the declared month
    /// cannot be read (the import would refuse the file whole).
    pub fn check(&self) -> Result<Vec<Errore>, String> {
        let mese = rules::leggi_mese(&testo(&self.mese)).map_err(|(_, why)| why)?;
        Ok(self
            .lavoratori
            .iter()
            .flat_map(|b| {
                let (l, mut errori) = lavoratore(b);
                errori.extend(rules::check(&l, mese));
                errori
            })
            .collect())
    }

    /// The declaration as a UniEmens ListaPosPA file.
    pub fn scrivi_xml(&self) -> String {
        let mut x = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DenunceMensili>\n<Azienda>"));
        x.campo("AnnoMeseDenuncia", &self.mese);
        x.campo("CFAzienda", &self.cf_azienda);
        x.0.push_str("\n<ListaPosPA>");
        x.campo("PRGAZIENDA", &self.prg_azienda);
        x.0.push_str("\n<PosPA>\n");
        for l in &self.lavoratori {
            x.0.push_str("<D0_DenunciaIndividuale>");
            x.campo("CFLavoratore", &testo(&l.codice_fiscale).to_uppercase());
            x.campo("Cognome", &l.cognome);
            x.campo("Nome", &l.nome);
            for p in l.periodi.iter().filter(|p| !p.v1) {
                x.periodo("E0_PeriodoNelMese", "", p);
            }
            for r in &l.rate {
                x.0.push_str("<F1_Ammortamento>");
                x.campo("AnnoMeseRif", &r.anno_mese_rif);
                x.campo("CodGestione", &r.cod_gestione);
                x.campo("TipoPiano", &r.tipo_piano);
                x.campo("PrgRata", &r.prg_rata);
                x.campo("TotaleRate", &r.totale_rate);
                x.campo("Importo", &r.importo);
                x.campo("TipoOperazione", &r.tipo_operazione);
                x.0.push_str("</F1_Ammortamento>");
            }
            for p in l.periodi.iter().filter(|p| p.v1) {
                let causale = format!(" CausaleVariazione=\"{}\"", escape(&testo(&p.causale)));
                x.periodo("V1_PeriodoPrecedente", &causale, p);
            }
            x.0.push_str("</D0_DenunciaIndividuale>\n");
        }
        x.0.push_str("</PosPA>\n</ListaPosPA>\n</Azienda>\n</DenunceMensili>\n");
        x.0
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

struct Xml(String);

impl Xml {
    /// An element with its value; an empty value writes nothing (the reader's default stands).
    fn campo(&mut self, nome: &str, valore: &str) {
        let v = testo(valore);
        if !v.is_empty() {
            self.0.push_str(&format!("<{nome}>{}</{nome}>", escape(&v)));
        }
    }

    fn periodo(&mut self, nome: &str, attributi: &str, p: &BozzaPeriodo) {
        self.0.push_str(&format!("<{nome}{attributi}>"));
        self.campo("GiornoInizio", &p.inizio);
        self.campo("GiornoFine", &p.fine);
        let i = &p.inquadramento;
        if !i.vuoto() {
            self.0.push_str("<InquadramentoLavPA>");
            self.campo("TipoImpiego", &i.tipo_impiego);
            self.campo("TipoServizio", &i.tipo_servizio);
            self.campo("Contratto", &i.contratto);
            self.campo("Qualifica", &i.qualifica);
            if i.part_time() {
                self.0.push_str("<PartTimePA>");
                self.campo("TipoPartTime", &i.tipo_part_time);
                self.campo("PercPartTime", &i.perc_part_time);
                self.0.push_str("</PartTimePA>");
            }
            self.campo("RegimeFineServizio", &i.regime_fine_servizio);
            self.0.push_str("</InquadramentoLavPA>");
        }
        if !p.gestioni.is_empty() {
            self.0.push_str("<Gestioni>");
            for g in &p.gestioni {
                let tag = g.tipo.elemento();
                self.0.push_str(&format!("<{tag}>"));
                self.campo("CodGestione", &g.cod_gestione);
                let (imponibile, contributo) = rules::elementi_principali(g.tipo, p.inquadramento.tfr());
                self.campo(imponibile, &g.imponibile);
                self.campo(contributo, &g.contributo);
                self.0.push_str(&format!("</{tag}>"));
            }
            self.0.push_str("</Gestioni>");
        }
        self.0.push_str(&format!("</{nome}>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bozza() -> BozzaDenuncia {
        let mut periodo = BozzaPeriodo::nuovo(1, "2026-03");
        periodo.gestioni[0].cod_gestione = "2".to_string();
        periodo.gestioni[0].imponibile = "2.000.00".to_string();
        periodo.gestioni[0].contributo = "476,00".to_string();
        periodo.inquadramento = BozzaInquadramento {
            tipo_impiego: "1".to_string(),
            tipo_servizio: "4".to_string(),
            contratto: "RALN".to_string(),
            qualifica: "000123".to_string(),
            ..BozzaInquadramento::default()
        };
        BozzaDenuncia {
            mese: "2026-03".to_string(),
            cf_azienda: "80012345678".to_string(),
            prg_azienda: "00000".to_string(),
            lavoratori: vec![BozzaLavoratore {
                id: 1,
                codice_fiscale: "rssmra70a01h501x".to_string(),
                cognome: "Rossi & C.".to_string(),
                nome: "Mario".to_string(),
                periodi: vec![periodo],
                rate: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_new_period_covers_the_declared_month() {
        let p = BozzaPeriodo::nuovo(1, "2026-02");
        assert_eq!((p.inizio.as_str(), p.fine.as_str()), ("2026-02-01", "2026-02-28"));
        // A period made before the month was chosen gets its days with the month; typed days stay.
        let mut b = bozza();
        b.lavoratori[0].periodi.push(BozzaPeriodo::nuovo(2, ""));
        b.imposta_mese("2026-02".to_string());
        let giorni: Vec<_> = b.lavoratori[0].periodi.iter().map(|p| (p.inizio.as_str(), p.fine.as_str())).collect();
        assert_eq!(giorni, [("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")]);
    }

    #[test]
    fn the_draft_is_checked_like_a_file_and_fixing_it_clears_the_problems() {
        let mut b = bozza();
        let codici = |b: &BozzaDenuncia| b.check().expect("mese").into_iter().map(|e| e.codice).collect::<Vec<_>>();
        assert_eq!(codici(&b), ["CAS040", "CAS001"]);
        b.lavoratori[0].codice_fiscale = "RSSMRA70A01H501S".to_string();
        b.lavoratori[0].periodi[0].gestioni[0].imponibile = "2000,00".to_string();
        assert!(codici(&b).is_empty());
        // A period of the month says how the worker is employed; part-time in implied decimals.
        b.lavoratori[0].periodi[0].inquadramento.perc_part_time = "83333".to_string();
        b.lavoratori[0].periodi[0].inquadramento.tipo_part_time = "P".to_string();
        assert!(codici(&b).is_empty());
        b.lavoratori[0].periodi[0].inquadramento.perc_part_time = "100000".to_string();
        assert_eq!(codici(&b), ["CAS062"]);
        b.lavoratori[0].periodi[0].inquadramento = BozzaInquadramento::default();
        assert_eq!(codici(&b), ["CAS064"]);
        b.mese = "marzo".to_string();
        assert!(b.check().is_err());
    }

    #[test]
    fn the_xml_escapes_text_and_leaves_out_empty_values() {
        let xml = bozza().scrivi_xml();
        assert!(xml.contains("<Cognome>Rossi &amp; C.</Cognome>"), "{xml}");
        assert!(xml.contains("<CFLavoratore>RSSMRA70A01H501X</CFLavoratore>"));
        assert!(xml.contains("<InquadramentoLavPA><TipoImpiego>1</TipoImpiego>"), "{xml}");
        assert!(!xml.contains("RegimeFineServizio") && !xml.contains("PartTimePA"), "{xml}");
        assert!(xml.contains("<GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>"));
    }
}
