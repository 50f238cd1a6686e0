//! Reading a UniEmens ListaPosPA file as a stream: one worker's record (`D0_DenunciaIndividuale`) is held
//! at a time, checked by `domain::dma::listapospa` and dropped, so memory stays bounded whatever the file's size.
//! Limits on size, depth and elements; a DTD is refused (no entity of ours is ever expanded beyond the five
//! predefined ones and character references).
//!
//! Memory is bounded whatever the file holds: every element counts (self-closing ones too); no single piece
//! of markup or text may exceed `max_evento` bytes (checked as the bytes are consumed, so quick-xml's own
//! buffer never holds more); a value is at most `max_testo` bytes; a record holds at most `max_voci`
//! periods, instalments, and gestioni or enti versanti per period; problems are kept up to `max_errori`
//! (beyond, only counted). A file past any of these is refused with the reason in Italian.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::domain::dma::listapospa::{
    self as rules, Blocco, EnteVersante, Errore, GIORNO_MANCANTE, Gestione, Inquadramento, Intestazione, Lavoratore,
    Periodo, Rata, TipoGestione, ValoreErrato, VoceImporto,
};
use crate::domain::money::Money;
use crate::domain::period::Period;

/// What a file may be.
#[derive(Clone, Copy, Debug)]
pub struct Limiti {
    pub max_bytes: u64,
    pub max_depth: usize,
    pub max_elements: u64,
    /// Errors kept in full; beyond, only counted.
    pub max_errori: usize,
    /// Bytes of one value (the text of an element).
    pub max_testo: usize,
    /// Bytes of one piece of markup or text as the parser reads it (a tag, a text run, a comment, a CDATA).
    pub max_evento: u64,
    /// Entries of one list of a record: periods or instalments of a worker, gestioni or enti of a period.
    pub max_voci: usize,
}

impl Default for Limiti {
    fn default() -> Self {
        Limiti {
            // The same limit the page checks before sending (`domain::allegati::LimitiFile::DMA`).
            max_bytes: crate::domain::allegati::MAX_BYTES_DMA as u64,
            max_depth: 16,
            max_elements: 50_000_000,
            max_errori: 1_000,
            max_testo: 1_024,
            max_evento: 16 * 1024,
            max_voci: 1_000,
        }
    }
}

/// What the reading found: the heading, per-gestione totals of the month's periods, and the problems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lettura {
    pub anno_mese: Option<Period>,
    pub cf_azienda: Option<String>,
    pub prg_azienda: Option<String>,
    pub lavoratori: u64,
    /// CodGestione → (imponibile, contributo) of the E0 periods.
    pub totali: BTreeMap<u8, (Money, Money)>,
    /// The same of the V1 periods (the corrections of earlier months).
    pub totali_variazioni: BTreeMap<u8, (Money, Money)>,
    /// E0 and V1 periods read: a file of V1 periods only is a variation, not the month's declaration.
    pub periodi_e0: u64,
    pub periodi_v1: u64,
    /// One per `ListaPosPA` (or per `Azienda` without one), each to be checked against the position.
    pub intestazioni: Vec<Intestazione>,
    pub errori: Vec<Errore>,
    /// All problems, also those beyond `max_errori`.
    pub numero_errori: u64,
    /// Of those, the warnings (`Gravita::Avviso`): a file whose problems are all warnings is acquired.
    pub numero_avvisi: u64,
}

impl Lettura {
    /// The problems that refuse the file.
    pub fn numero_bloccanti(&self) -> u64 {
        self.numero_errori - self.numero_avvisi
    }
}

/// Why a file cannot be read at all (as opposed to records with problems).
#[derive(Debug, PartialEq, Eq)]
pub struct Illeggibile(pub String);

/// Counts the bytes read and stops past the limit of the file, or of one event: `evento` counts the bytes
/// consumed since the reader last handed an event over (reset by `leggi_lavoratori`), so a text run, tag or
/// CDATA section of hundreds of megabytes stops after `max_evento` bytes instead of filling quick-xml's buffer
/// (which then holds at most `max_evento` plus one buffer of the source: 8 KiB for the spooled file).
struct Limitato<R> {
    inner: R,
    letti: u64,
    max: u64,
    evento: u64,
    max_evento: u64,
}

const TROPPO_GRANDE: &str = "file troppo grande";
const EVENTO_TROPPO_GRANDE: &str = "evento troppo grande";

impl<R> Limitato<R> {
    fn check(&self) -> std::io::Result<()> {
        if self.letti > self.max {
            return Err(std::io::Error::other(TROPPO_GRANDE));
        }
        if self.evento > self.max_evento {
            return Err(std::io::Error::other(EVENTO_TROPPO_GRANDE));
        }
        Ok(())
    }
}

impl<R: Read> Read for Limitato<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.check()?;
        let n = self.inner.read(buf)?;
        self.letti += n as u64;
        self.evento += n as u64;
        self.check()?;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Limitato<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.check()?;
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.letti += amt as u64;
        self.evento += amt as u64;
        self.inner.consume(amt)
    }
}

/// How the text of the file is written: its XML declaration says (`encoding="ISO-8859-1"` from older payroll
/// programs), UTF-8 when it says nothing or the file starts with the UTF-8 byte order mark. Markup is ASCII
/// in all of them, so the parser reads the structure alike and only the text is decoded with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codifica {
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same number (exact, no table).
    Latin1,
    /// windows-1252 or ISO-8859-15, decoded by `encoding_rs`.
    Altra(&'static encoding_rs::Encoding),
}

impl Codifica {
    fn da_etichetta(etichetta: &str) -> Result<Codifica, Illeggibile> {
        let l = etichetta.trim().to_ascii_lowercase();
        match l.as_str() {
            // ASCII is UTF-8 without its bytes above 127: read strictly as UTF-8.
            "utf-8" | "utf8" | "us-ascii" | "ascii" => return Ok(Codifica::Utf8),
            "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" | "iso-ir-100" | "cp819"
            | "ibm819" => return Ok(Codifica::Latin1),
            _ => {}
        }
        // encoding_rs folds ISO-8859-1 into windows-1252 (the WHATWG rule for web pages); that label was
        // taken above, so only the labels of windows-1252 and ISO-8859-15 themselves get here.
        match encoding_rs::Encoding::for_label(l.as_bytes()) {
            Some(e) if e == encoding_rs::WINDOWS_1252 || e == encoding_rs::ISO_8859_15 => Ok(Codifica::Altra(e)),
            _ => Err(Illeggibile(format!(
                "Il file dichiara la codifica «{}», che non è ammessa: si usano UTF-8, ISO-8859-1, ISO-8859-15 o \
                 windows-1252.",
                etichetta.chars().filter(|c| !c.is_control()).take(40).collect::<String>()
            ))),
        }
    }

    fn decodifica(self, bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, Illeggibile> {
        let testo = match self {
            Codifica::Utf8 => std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed),
            Codifica::Latin1 => Some(std::borrow::Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            Codifica::Altra(e) => e.decode_without_bom_handling_and_without_replacement(bytes),
        };
        testo.ok_or_else(|| {
            Illeggibile(match self {
                Codifica::Utf8 => "Il file contiene testo non leggibile in UTF-8: lo salvi in UTF-8 o ne dichiari la \
                                   codifica nell'intestazione XML (per esempio encoding=\"ISO-8859-1\")."
                    .to_string(),
                _ => "Il file contiene testo non leggibile nella codifica che dichiara.".to_string(),
            })
        })
    }
}

/// The record being read, with the current period and gestione.
#[derive(Default)]
struct InCorso {
    lavoratore: Option<Lavoratore>,
    periodo: Option<Periodo>,
    gestione: Option<Gestione>,
    ente: Option<EnteVersante>,
    rata: Option<Rata>,
    /// Problems of values (amounts, dates, numbers) met in this record, the first `max_errori` of them.
    errori: Vec<Errore>,
    /// Those beyond, only counted, and how many of them are warnings.
    errori_oltre: u64,
    avvisi_oltre: u64,
    max_errori: usize,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `make bench`'s baseline for the reader: quick-xml walking every event of the file and building nothing,
/// the fastest any reader of it can be. Returns the number of events.
pub fn scorri<R: BufRead>(input: R) -> Result<u64, Illeggibile> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut events = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => return Ok(events),
            Ok(_) => events += 1,
            Err(e) => return Err(Illeggibile(e.to_string())),
        }
        buf.clear();
    }
}

/// Reads a whole file; `Err` only when it cannot be read as a ListaPosPA file at all.
pub fn leggi<R: BufRead>(input: R, limiti: Limiti) -> Result<Lettura, Illeggibile> {
    leggi_lavoratori(input, limiti, &mut |_| {})
}

/// As `leggi`, handing each worker's record, once read, to `ogni_lavoratore`.
pub fn leggi_lavoratori<R: BufRead>(
    input: R,
    limiti: Limiti,
    ogni_lavoratore: &mut dyn FnMut(&Lavoratore),
) -> Result<Lettura, Illeggibile> {
    // The byte order mark decides before any declaration; UTF-16 has no ASCII markup for the parser to read.
    // Its first three bytes are taken whatever the buffer's size and handed back in front of the rest, so a
    // small buffer sees the same mark (and quick-xml finds it whole, to skip it).
    let mut input = input;
    let mut inizio = Vec::with_capacity(3);
    while inizio.len() < 3 {
        let pezzo = input.fill_buf().map_err(|_| Illeggibile("Il file caricato non è leggibile.".to_string()))?;
        if pezzo.is_empty() {
            break;
        }
        let n = pezzo.len().min(3 - inizio.len());
        inizio.extend_from_slice(&pezzo[..n]);
        input.consume(n);
    }
    if inizio.starts_with(&[0xFF, 0xFE]) || inizio.starts_with(&[0xFE, 0xFF]) {
        return Err(Illeggibile(
            "Il file è in UTF-16: una denuncia ListaPosPA si invia in UTF-8 (o ISO-8859-1, windows-1252).".to_string(),
        ));
    }
    let bom = inizio.starts_with(&[0xEF, 0xBB, 0xBF]);
    let mut codifica = Codifica::Utf8;
    let mut reader = Reader::from_reader(Limitato {
        inner: std::io::Cursor::new(inizio).chain(input),
        letti: 0,
        max: limiti.max_bytes,
        evento: 0,
        max_evento: limiti.max_evento,
    });
    // No trimming by the reader: it would cut the spaces around an entity ("Rossi &amp; C."); values are
    // trimmed whole when their element ends.
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut elements: u64 = 0;
    // PosPA blocks of the current ListaPosPA, and the most any had (00124I: one per ListaPosPA).
    let mut pospa = 0;
    let mut pospa_max = 0;
    let mut out = Lettura::default();
    let mut cur = InCorso { max_errori: limiti.max_errori, ..InCorso::default() };
    let mut azienda = Azienda::default();
    loop {
        let read = reader.read_event_into(&mut buf);
        // The parser's own words are English and technical: the user gets where the file breaks, in Italian.
        let at = reader.error_position();
        let event = read.map_err(|e| {
            let msg = e.to_string();
            tracing::info!(error = %msg, at, "ListaPosPA file refused as XML");
            Illeggibile(if msg.contains(TROPPO_GRANDE) {
                format!("Il file supera il limite di {} MB.", limiti.max_bytes / (1024 * 1024))
            } else if msg.contains(EVENTO_TROPPO_GRANDE) {
                format!(
                    "Un testo del file supera il limite di {} KB senza marcatori, nell'elemento «{}».",
                    limiti.max_evento / 1024,
                    path.last().map(String::as_str).unwrap_or("radice")
                )
            } else {
                format!("Il file non è un XML ben formato: la struttura si interrompe vicino al byte {at}.")
            })
        })?;
        // The next event's bytes count from here.
        reader.get_mut().evento = 0;
        match event {
            Event::Decl(d) => {
                if let Some(Ok(etichetta)) = d.encoding()
                    && !bom
                {
                    codifica = Codifica::da_etichetta(&String::from_utf8_lossy(&etichetta))?;
                }
            }
            Event::DocType(_) => return Err(Illeggibile("Il file contiene una DTD: non è ammessa.".to_string())),
            Event::Start(e) => {
                elements += 1;
                if elements > limiti.max_elements {
                    return Err(Illeggibile("Il file contiene troppi elementi.".to_string()));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                path.push(name.clone());
                if path.len() > limiti.max_depth {
                    return Err(Illeggibile("Il file è annidato troppo in profondità.".to_string()));
                }
                text.clear();
                azienda.apri(&name, &mut out);
                apri(&name, &e, &mut cur, &mut pospa);
            }
            Event::Empty(e) => {
                // A self-closing element is an element: counted like any other.
                elements += 1;
                if elements > limiti.max_elements {
                    return Err(Illeggibile("Il file contiene troppi elementi.".to_string()));
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                azienda.apri(&name, &mut out);
                apri(&name, &e, &mut cur, &mut pospa);
                azienda.chiudi(&name, "", &path, &mut out);
                chiudi(&name, "", &path, &mut cur, &mut out, &azienda, limiti, ogni_lavoratore)?;
            }
            Event::Text(t) => {
                text.push_str(&codifica.decodifica(&t)?);
                testo_ammesso(&text, &path, limiti)?;
            }
            Event::CData(t) => {
                text.push_str(&codifica.decodifica(&t)?);
                testo_ammesso(&text, &path, limiti)?;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*String::from_utf8_lossy(&r) {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                let c = resolved.ok_or_else(|| Illeggibile("Il file usa un'entità non ammessa.".to_string()))?;
                text.push(c);
                testo_ammesso(&text, &path, limiti)?;
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let value = std::mem::take(&mut text);
                if name == "ListaPosPA" {
                    pospa_max = pospa_max.max(std::mem::take(&mut pospa));
                }
                azienda.chiudi(&name, value.trim(), &path, &mut out);
                chiudi(&name, value.trim(), &path, &mut cur, &mut out, &azienda, limiti, ogni_lavoratore)?;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(e) = rules::verifica_blocchi_pospa(pospa_max.max(pospa)) {
        registra(&mut out, e, limiti);
    }
    if out.anno_mese.is_none() || out.cf_azienda.is_none() {
        return Err(Illeggibile("Mancano AnnoMeseDenuncia o CFAzienda: non è una denuncia ListaPosPA.".to_string()));
    }
    Ok(out)
}

/// The `Azienda` block being read: its month (the records are checked against it) and where its
/// ListaPosPA headings start in `Lettura::intestazioni`, so that its CFAzienda and month reach them whatever
/// the order of its elements.
#[derive(Default)]
struct Azienda {
    anno_mese: Option<String>,
    mese: Option<Period>,
    cf: Option<String>,
    prima_lista: usize,
    prg: Option<String>,
}

impl Azienda {
    fn apri(&mut self, name: &str, out: &mut Lettura) {
        match name {
            "Azienda" => *self = Azienda { prima_lista: out.intestazioni.len(), ..Azienda::default() },
            "ListaPosPA" => self.prg = None,
            _ => {}
        }
    }

    fn chiudi(&mut self, name: &str, v: &str, path: &[String], out: &mut Lettura) {
        let parent = path.last().map(String::as_str).unwrap_or_default();
        match (parent, name) {
            ("Azienda", "AnnoMeseDenuncia") => {
                self.anno_mese = Some(v.to_string());
                self.mese = Period::parse(v).ok();
                out.anno_mese = out.anno_mese.or(self.mese);
            }
            ("Azienda", "CFAzienda") => {
                self.cf = Some(v.to_string());
                out.cf_azienda.get_or_insert_with(|| v.to_string());
            }
            ("ListaPosPA", "PRGAZIENDA") => {
                self.prg = Some(v.to_string());
                out.prg_azienda.get_or_insert_with(|| v.to_string());
            }
            (_, "ListaPosPA") => {
                out.intestazioni.push(Intestazione { cf_azienda: None, prg_azienda: self.prg.take(), anno_mese: None })
            }
            (_, "Azienda") => {
                if out.intestazioni.len() == self.prima_lista {
                    out.intestazioni.push(Intestazione::default());
                }
                for i in &mut out.intestazioni[self.prima_lista..] {
                    i.cf_azienda.clone_from(&self.cf);
                    i.anno_mese.clone_from(&self.anno_mese);
                }
            }
            _ => {}
        }
    }
}

/// A value longer than `max_testo` refuses the file, naming its element.
fn testo_ammesso(text: &str, path: &[String], limiti: Limiti) -> Result<(), Illeggibile> {
    if text.len() <= limiti.max_testo {
        return Ok(());
    }
    Err(Illeggibile(format!(
        "Il valore dell'elemento «{}» supera i {} caratteri ammessi.",
        path.last().map(String::as_str).unwrap_or("radice"),
        limiti.max_testo
    )))
}

/// Room for one more entry in a record's list of `what`, or the refusal naming the worker.
fn c_e_posto<T>(list: &[T], what: &str, cur: &InCorso, limiti: Limiti) -> Result<(), Illeggibile> {
    if list.len() < limiti.max_voci {
        return Ok(());
    }
    let cf = cur.lavoratore.as_ref().map(|l| l.codice_fiscale.as_str()).filter(|cf| !cf.is_empty());
    Err(Illeggibile(format!(
        "Il record del lavoratore {} ha più di {} {what}: il file non è ammesso.",
        cf.unwrap_or("senza codice fiscale"),
        limiti.max_voci
    )))
}

fn registra(out: &mut Lettura, e: Errore, limiti: Limiti) {
    out.numero_errori += 1;
    out.numero_avvisi += u64::from(e.avviso());
    if out.errori.len() < limiti.max_errori {
        out.errori.push(e);
    }
}

fn apri(name: &str, e: &BytesStart<'_>, cur: &mut InCorso, pospa: &mut usize) {
    match name {
        "PosPA" => *pospa += 1,
        "D0_DenunciaIndividuale" => {
            cur.lavoratore = Some(Lavoratore {
                codice_fiscale: String::new(),
                cognome: String::new(),
                nome: String::new(),
                periodi: Vec::new(),
                rate: Vec::new(),
            });
            cur.errori.clear();
            cur.errori_oltre = 0;
            cur.avvisi_oltre = 0;
        }
        "E0_PeriodoNelMese" | "V1_PeriodoPrecedente" => {
            let blocco = if name == "E0_PeriodoNelMese" {
                Blocco::E0
            } else {
                Blocco::V1 { causale: attr(e, "CausaleVariazione").and_then(|c| c.parse().ok()).unwrap_or(0) }
            };
            cur.periodo = Some(Periodo {
                blocco,
                inizio: GIORNO_MANCANTE,
                fine: GIORNO_MANCANTE,
                inquadramento: None,
                gestioni: Vec::new(),
                enti_versanti: Vec::new(),
                altri_elementi: false,
                // An attribute that is not a number is kept as 0, which no table has: the rule reports it.
                motivo_utilizzo: attr(e, "CodMotivoUtilizzo").map(|c| c.trim().parse().unwrap_or(0)),
                importi: Vec::new(),
            });
        }
        "EnteVersante" | "AltroEnteVersante" => {
            cur.ente = Some(EnteVersante {
                tipo_contributo: 0,
                imponibile: Money::ZERO,
                contributo: Money::ZERO,
                cf_azienda: String::new(),
                prg_azienda: String::new(),
                anno_mese_erogazione: None,
            })
        }
        "InquadramentoLavPA" => {
            if let Some(p) = cur.periodo.as_mut() {
                p.inquadramento = Some(Inquadramento::default());
            }
        }
        "PartTimePA" => {
            if let Some(i) = cur.periodo.as_mut().and_then(|p| p.inquadramento.as_mut()) {
                i.part_time = Some((String::new(), 0));
            }
        }
        "F1_Ammortamento" => cur.rata = Some(Rata::default()),
        _ => {
            if let Some(tipo) = TipoGestione::da_elemento(name) {
                cur.gestione = Some(Gestione::nuova(tipo, 0));
            }
        }
    }
}

/// A value problem of the current record.
fn valore(cur: &mut InCorso, elemento: &str, codice: &str, descrizione: String) {
    if cur.errori.len() >= cur.max_errori {
        cur.errori_oltre += 1;
        cur.avvisi_oltre += u64::from(rules::gravita(codice) == rules::Gravita::Avviso);
        return;
    }
    let cf = cur.lavoratore.as_ref().map(|l| l.codice_fiscale.clone()).unwrap_or_default();
    cur.errori.push(Errore::nuovo(cf, None, elemento, codice, descrizione));
}

/// A value read with the shared rules of `domain::dma::listapospa`; a bad one is recorded and replaced by `fallback`.
fn letto<T>(cur: &mut InCorso, elemento: &str, value: Result<T, ValoreErrato>, fallback: T) -> T {
    value.unwrap_or_else(|(codice, descrizione)| {
        valore(cur, elemento, codice, descrizione);
        fallback
    })
}

/// The amount element `name` (child of `parent`) of the gestione being read, if it is one of its kind.
fn voce_in_gestione(cur: &InCorso, parent: &str, name: &str) -> Option<&'static VoceImporto> {
    let tipo = cur.gestione.as_ref()?.tipo;
    match parent {
        "RecuperoSgravi" => match name {
            "Importo" => rules::voce_importo(tipo, "RecuperoSgravi/Importo"),
            "AltroImponibile" => rules::voce_importo(tipo, "RecuperoSgravi/AltroImponibile"),
            _ => None,
        },
        _ if TipoGestione::da_elemento(parent).is_some() => rules::voce_importo(tipo, name),
        _ => None,
    }
}

/// The inquadramento of the current period, if one is open.
fn inquadramento(cur: &mut InCorso) -> Option<&mut Inquadramento> {
    cur.periodo.as_mut().and_then(|p| p.inquadramento.as_mut())
}

fn chiudi(
    name: &str,
    v: &str,
    path: &[String],
    cur: &mut InCorso,
    out: &mut Lettura,
    azienda: &Azienda,
    limiti: Limiti,
    ogni_lavoratore: &mut dyn FnMut(&Lavoratore),
) -> Result<(), Illeggibile> {
    if out.intestazioni.len() > limiti.max_voci {
        return Err(Illeggibile(format!("Il file ha più di {} blocchi ListaPosPA: non è ammesso.", limiti.max_voci)));
    }
    let parent = path.last().map(String::as_str).unwrap_or_default();
    // Inside a period, anything but its dates makes it "not only dates" (rule 00126I).
    if let Some(p) = cur.periodo.as_mut()
        && !matches!(name, "GiornoInizio" | "GiornoFine" | "E0_PeriodoNelMese" | "V1_PeriodoPrecedente")
    {
        p.altri_elementi = true;
    }
    match (parent, name) {
        ("DatiMittente", "CFPersonaMittente" | "CFMittente" | "CFSoftwarehouse") => {
            if let Some(e) = rules::verifica_mittente(name, v) {
                registra(out, e, limiti);
            }
        }
        ("D0_DenunciaIndividuale", "CFLavoratore") => {
            if let Some(l) = cur.lavoratore.as_mut() {
                l.codice_fiscale = v.to_uppercase();
            }
        }
        ("D0_DenunciaIndividuale", "Cognome") => {
            if let Some(l) = cur.lavoratore.as_mut() {
                l.cognome = v.to_string();
            }
        }
        ("D0_DenunciaIndividuale", "Nome") => {
            if let Some(l) = cur.lavoratore.as_mut() {
                l.nome = v.to_string();
            }
        }
        (_, "GiornoInizio") if cur.periodo.is_some() && cur.ente.is_none() => {
            let d = letto(cur, name, rules::leggi_data(v), GIORNO_MANCANTE);
            if let Some(p) = cur.periodo.as_mut() {
                p.inizio = d;
            }
        }
        (_, "GiornoFine") if cur.periodo.is_some() && cur.ente.is_none() => {
            let d = letto(cur, name, rules::leggi_data(v), GIORNO_MANCANTE);
            if let Some(p) = cur.periodo.as_mut() {
                p.fine = d;
            }
        }
        (_, "CodGestione") if cur.gestione.is_some() => {
            let n = letto(cur, name, rules::leggi_numero(v), 0);
            if let Some(g) = cur.gestione.as_mut() {
                g.cod_gestione = n;
            }
        }
        (_, "TipoContributo") if cur.ente.is_some() => {
            let n = letto(cur, name, rules::leggi_numero(v), 0);
            if let Some(e) = cur.ente.as_mut() {
                e.tipo_contributo = n;
            }
        }
        (_, "Imponibile" | "Contributo") if cur.ente.is_some() => {
            let m = letto(cur, name, rules::leggi_importo(v), Money::ZERO);
            if let Some(e) = cur.ente.as_mut() {
                if name == "Imponibile" {
                    e.imponibile = m;
                } else {
                    e.contributo = m;
                }
            }
        }
        // Every amount element of the gestione (`VOCI_IMPORTO`), those of its RecuperoSgravi too.
        _ if cur.ente.is_none() && voce_in_gestione(cur, parent, name).is_some() => {
            let voce = voce_in_gestione(cur, parent, name);
            let m = letto(cur, name, rules::leggi_importo(v), Money::ZERO);
            if let (Some(g), Some(voce)) = (cur.gestione.as_mut(), voce) {
                g.aggiungi(voce, m);
            }
        }
        // The amounts of the period itself, outside its Gestioni (`Periodo/…` of `VOCI_IMPORTO`).
        ("E0_PeriodoNelMese" | "V1_PeriodoPrecedente", _)
            if cur.periodo.is_some() && rules::voce_periodo(name).is_some() =>
        {
            let voce = rules::voce_periodo(name);
            let m = letto(cur, name, rules::leggi_importo(v), Money::ZERO);
            if let (Some(p), Some(voce)) = (cur.periodo.as_mut(), voce) {
                p.aggiungi(voce, m);
            }
        }
        (_, "CFAzienda" | "PRGAZIENDA") if cur.ente.is_some() => {
            if let Some(e) = cur.ente.as_mut() {
                if name == "CFAzienda" {
                    e.cf_azienda = v.to_string();
                } else {
                    e.prg_azienda = v.to_string();
                }
            }
        }
        (_, "AnnoMeseErogazione") if cur.ente.is_some() => {
            // Empty is "not given" (the rule says so); anything else must be a month.
            let mese = if v.is_empty() { None } else { letto(cur, name, rules::leggi_mese(v).map(Some), None) };
            if let Some(e) = cur.ente.as_mut() {
                e.anno_mese_erogazione = mese;
            }
        }
        (_, "EnteVersante" | "AltroEnteVersante") => {
            if let Some(p) = cur.periodo.as_ref() {
                c_e_posto(&p.enti_versanti, "enti versanti in un periodo", cur, limiti)?;
            }
            if let (Some(e), Some(p)) = (cur.ente.take(), cur.periodo.as_mut()) {
                p.enti_versanti.push(e);
            }
        }
        (_, "TipoImpiego" | "TipoServizio" | "RegimeFineServizio")
            if cur.periodo.as_ref().is_some_and(|p| p.inquadramento.is_some()) =>
        {
            let n = letto(cur, name, rules::leggi_numero(v), 0);
            if let Some(i) = inquadramento(cur) {
                match name {
                    "TipoImpiego" => i.tipo_impiego = n,
                    "TipoServizio" => i.tipo_servizio = n,
                    _ => i.regime_fine_servizio = n,
                }
            }
        }
        (_, "PercPartTime") if cur.periodo.as_ref().is_some_and(|p| p.inquadramento.is_some()) => {
            let n = letto(cur, name, rules::leggi_percentuale(v), 0);
            if let Some(pt) = inquadramento(cur).and_then(|i| i.part_time.as_mut()) {
                pt.1 = n;
            }
        }
        (_, "Contratto" | "Qualifica" | "TipoPartTime") => {
            if let Some(i) = inquadramento(cur) {
                match name {
                    "Contratto" => i.contratto = v.to_string(),
                    "Qualifica" => i.qualifica = v.to_string(),
                    _ => {
                        if let Some(pt) = i.part_time.as_mut() {
                            pt.0 = v.to_string();
                        }
                    }
                }
            }
        }
        ("F1_Ammortamento", _) if cur.rata.is_some() => {
            let mut rata = cur.rata.take().unwrap_or_default();
            match name {
                "AnnoMeseRif" => rata.anno_mese_rif = letto(cur, name, rules::leggi_mese(v).map(Some), None),
                "CodGestione" => rata.cod_gestione = letto(cur, name, rules::leggi_numero(v), 0),
                "TipoPiano" => rata.tipo_piano = letto(cur, name, rules::leggi_numero(v), 0),
                "PrgRata" => rata.prg_rata = letto(cur, name, rules::leggi_numero(v), 0),
                "TotaleRate" => rata.totale_rate = letto(cur, name, rules::leggi_numero(v), 0),
                "Importo" => rata.importo = letto(cur, name, rules::leggi_importo(v), Money::ZERO),
                "TipoOperazione" => rata.tipo_operazione = v.to_string(),
                _ => {}
            }
            cur.rata = Some(rata);
        }
        (_, "F1_Ammortamento") => {
            if let Some(l) = cur.lavoratore.as_ref() {
                c_e_posto(&l.rate, "rate di ammortamento", cur, limiti)?;
            }
            if let (Some(r), Some(l)) = (cur.rata.take(), cur.lavoratore.as_mut()) {
                l.rate.push(r);
            }
        }
        (_, n) if TipoGestione::da_elemento(n).is_some() => {
            if let Some(p) = cur.periodo.as_ref() {
                c_e_posto(&p.gestioni, "gestioni in un periodo", cur, limiti)?;
            }
            if let (Some(g), Some(p)) = (cur.gestione.take(), cur.periodo.as_mut()) {
                p.gestioni.push(g);
            }
        }
        (_, "E0_PeriodoNelMese" | "V1_PeriodoPrecedente") => {
            if let Some(l) = cur.lavoratore.as_ref() {
                c_e_posto(&l.periodi, "periodi", cur, limiti)?;
            }
            if let (Some(p), Some(l)) = (cur.periodo.take(), cur.lavoratore.as_mut()) {
                let totali = if p.blocco == Blocco::E0 {
                    out.periodi_e0 += 1;
                    &mut out.totali
                } else {
                    out.periodi_v1 += 1;
                    &mut out.totali_variazioni
                };
                for g in &p.gestioni {
                    let t = totali.entry(g.cod_gestione).or_insert((Money::ZERO, Money::ZERO));
                    t.0 += g.imponibile;
                    t.1 += g.contributo;
                }
                l.periodi.push(p);
            }
        }
        (_, "D0_DenunciaIndividuale") => {
            if let Some(l) = cur.lavoratore.take() {
                out.lavoratori += 1;
                let errori: Vec<Errore> = std::mem::take(&mut cur.errori)
                    .into_iter()
                    .map(|mut e| {
                        e.codice_fiscale = l.codice_fiscale.clone();
                        e
                    })
                    .collect();
                // The records are checked against the month of their own Azienda block, which comes first
                // (AnnoMeseDenuncia opens the block): a record without it cannot be checked, so the file is refused.
                let Some(month) = azienda.mese else {
                    return Err(Illeggibile(
                        "AnnoMeseDenuncia mancante, non valido o dopo i lavoratori: il mese della denuncia apre il \
                         blocco Azienda."
                            .to_string(),
                    ));
                };
                let record = rules::check(&l, month);
                for e in errori.into_iter().chain(record) {
                    registra(out, e, limiti);
                }
                out.numero_errori += std::mem::take(&mut cur.errori_oltre);
                out.numero_avvisi += std::mem::take(&mut cur.avvisi_oltre);
                ogni_lavoratore(&l);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Valid codici fiscali the generator cycles through.
const CF_GENERATI: [&str; 4] = ["RSSMRA70A01H501S", "BNCLRA85M41F205C", "VRDGPP65C10L219T", "NRENNA90D45H501O"];

/// Writes a ListaPosPA file of `lavoratori` records for March 2026 of `cf_azienda` (PRGAZIENDA 00000), as a
/// stream (any size). With `con_errori`, every 10th worker has a wrong check character in its codice fiscale
/// and every 7th an amount with a decimal point; the file also gets a second PosPA block (00124I).
/// Used by the tests and the benchmarks (`cassetto listapospa genera`).
pub fn genera(
    out: &mut impl std::io::Write,
    cf_azienda: &str,
    lavoratori: usize,
    con_errori: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>\
         <CFAzienda>{cf_azienda}</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>\n"
    )?;
    for i in 0..lavoratori {
        let cf = CF_GENERATI[i % CF_GENERATI.len()];
        let cf = if con_errori && i % 10 == 0 { format!("{}X", &cf[..15]) } else { cf.to_string() };
        let imponibile = if con_errori && i % 7 == 3 {
            "2.000.00".to_string()
        } else {
            format!("{},{:02}", 1_500 + i % 900, i % 100)
        };
        // Even workers are in the TFS regime (3), odd ones in the TFR regime (1): both lines of the TFS/TFR
        // gestione are written, as a payroll program does.
        let (regime, fine_servizio) = if i % 2 == 0 {
            (3, "<ImponibileTFS>2000,00</ImponibileTFS><ContributoTFS>50,00</ContributoTFS>")
        } else {
            (1, "<ImponibileTFR>2000,00</ImponibileTFR><ContributoTFR>138,20</ContributoTFR>")
        };
        writeln!(
            out,
            "<D0_DenunciaIndividuale><CFLavoratore>{cf}</CFLavoratore><Cognome>Rossi &amp; C.</Cognome><Nome>Mario</Nome>\
             <E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>\
             <InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>\
             <Qualifica>000123</Qualifica><RegimeFineServizio>{regime}</RegimeFineServizio></InquadramentoLavPA>\
             <Gestioni><GestPensionistica><CodGestione>2</CodGestione><Imponibile>{imponibile}</Imponibile>\
             <Contributo>476,00</Contributo></GestPensionistica>\
             <GestPrevidenziale><CodGestione>6</CodGestione>{fine_servizio}</GestPrevidenziale>\
             <GestCredito><CodGestione>9</CodGestione><Imponibile>2000,00</Imponibile><Contributo>7,00</Contributo></GestCredito>\
             </Gestioni></E0_PeriodoNelMese></D0_DenunciaIndividuale>"
        )?;
    }
    writeln!(out, "</PosPA>{}</ListaPosPA></Azienda></DenunceMensili>", if con_errori { "<PosPA></PosPA>" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ListaPosPA file of `workers` records for March 2026; `bad` adds one error of each kind to worker 0.
    fn file(workers: usize, bad: bool) -> String {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>\
             <CFAzienda>80012345678</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>",
        );
        for i in 0..workers {
            let cf = if bad && i == 0 { "RSSMRA70A01H501X" } else { "RSSMRA70A01H501S" };
            let imponibile = if bad && i == 0 { "2.000.00" } else { "2000,00" };
            s.push_str(&format!(
                "<D0_DenunciaIndividuale><CFLavoratore>{cf}</CFLavoratore><Cognome>Rossi &amp; C.</Cognome><Nome>Mario</Nome>\
                 <E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>\
                 <InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>\
                 <Qualifica>000123</Qualifica></InquadramentoLavPA><Gestioni><GestPensionistica><CodGestione>2</CodGestione><Imponibile>{imponibile}</Imponibile>\
                 <Contributo>476,00</Contributo></GestPensionistica>\
                 <GestCredito><CodGestione>9</CodGestione><Imponibile>2000,00</Imponibile><Contributo>7,00</Contributo></GestCredito>\
                 </Gestioni></E0_PeriodoNelMese>"
            ));
            if bad && i == 0 {
                s.push_str(
                    "<V1_PeriodoPrecedente CausaleVariazione=\"6\"><GiornoInizio>2025-11-01</GiornoInizio>\
                     <GiornoFine>2025-11-30</GiornoFine><Gestioni><GestPensionistica><CodGestione>2</CodGestione>\
                     </GestPensionistica></Gestioni></V1_PeriodoPrecedente>",
                );
            }
            s.push_str("</D0_DenunciaIndividuale>");
        }
        s.push_str("</PosPA>");
        if bad {
            s.push_str("<PosPA></PosPA>");
        }
        s.push_str("</ListaPosPA></Azienda></DenunceMensili>\n");
        s
    }

    fn generated(workers: usize, bad: bool) -> Vec<u8> {
        let mut out = Vec::new();
        genera(&mut out, "80012345678", workers, bad).expect("genera");
        out
    }

    #[test]
    fn the_generator_writes_valid_files_or_the_errors_it_promises() {
        let clean = leggi(generated(25, false).as_slice(), Limiti::default()).expect("lettura");
        assert_eq!((clean.lavoratori, clean.numero_errori), (25, 0));
        let bad = leggi(generated(25, true).as_slice(), Limiti::default()).expect("lettura");
        let count = |code: &str| bad.errori.iter().filter(|e| e.codice == code).count();
        // Workers 0, 10, 20 have a wrong CF; 3, 10, 17, 24 a dotted amount; one extra PosPA.
        assert_eq!((count("CAS001"), count("CAS040"), count("00124I")), (3, 4, 1));
    }

    #[test]
    fn the_generator_writes_tfs_and_tfr_and_the_totals_count_them() {
        let mut lines = Vec::new();
        let l = leggi_lavoratori(generated(4, false).as_slice(), Limiti::default(), &mut |l| {
            let g = &l.periodi[0].gestioni[1];
            lines.push((g.voce(), g.imponibile.cents(), g.contributo.cents(), g.importi.clone()))
        })
        .expect("lettura");
        let e = |c: i64| Money::from_cents(c);
        assert_eq!(
            lines[0],
            (
                "TFS".to_string(),
                200_000,
                5_000,
                vec![("ImponibileTFS".to_string(), e(200_000)), ("ContributoTFS".to_string(), e(5_000))]
            )
        );
        assert_eq!(
            lines[1],
            (
                "TFR".to_string(),
                200_000,
                13_820,
                vec![("ImponibileTFR".to_string(), e(200_000)), ("ContributoTFR".to_string(), e(13_820))]
            )
        );
        // Two TFS and two TFR lines in the declaration's totals of gestione 6.
        assert_eq!(l.totali[&6], (e(800_000), e(2 * 5_000 + 2 * 13_820)));
    }

    #[test]
    fn every_amount_of_every_gestione_is_read() {
        // Each amount element of VOCI_IMPORTO, written with a different value, in the gestione it belongs to.
        let mut gestioni = String::new();
        let mut attesi: Vec<(TipoGestione, &str, i64)> = Vec::new();
        for (n, tipo) in TipoGestione::ALL.into_iter().enumerate() {
            let tag = tipo.elemento();
            let mut corpo = format!("<CodGestione>{}</CodGestione>", [2, 6, 9, 8, 11][n]);
            let mut sgravi = String::new();
            for (k, v) in rules::VOCI_IMPORTO.iter().enumerate().filter(|(_, v)| v.tipi.contains(&tipo)) {
                let cents = (n as i64 + 1) * 100_000 + k as i64 * 101;
                let scritto = rules::scrivi_importo(Money::from_cents(cents));
                match v.elemento.strip_prefix("RecuperoSgravi/") {
                    Some(e) => sgravi.push_str(&format!("<{e}>{scritto}</{e}>")),
                    None => corpo.push_str(&format!("<{0}>{scritto}</{0}>", v.elemento)),
                }
                attesi.push((tipo, v.elemento, cents));
            }
            if !sgravi.is_empty() {
                corpo.push_str(&format!(
                    "<RecuperoSgravi><AnnoRif>2025</AnnoRif><MeseRif>12</MeseRif><CodiceRecupero>1</CodiceRecupero>\
                     {sgravi}</RecuperoSgravi>"
                ));
            }
            gestioni.push_str(&format!("<{tag}>{corpo}</{tag}>"));
        }
        // And the amounts of the period itself, after its Gestioni; two share their names with TFR elements.
        let mut del_periodo = String::new();
        let mut attesi_periodo: Vec<(String, Money)> = Vec::new();
        for (k, v) in rules::VOCI_IMPORTO.iter().enumerate().filter(|(_, v)| v.tipi.is_empty()) {
            let m = Money::from_cents(900_000 + k as i64 * 7);
            let nome = v.elemento.strip_prefix("Periodo/").expect("named Periodo/");
            del_periodo.push_str(&format!("<{nome}>{}</{nome}>", rules::scrivi_importo(m)));
            attesi_periodo.push((v.elemento.to_string(), m));
        }
        assert_eq!(attesi_periodo.len(), 3);
        let file = one_record(&format!(
            "<Cognome>Rossi</Cognome><Nome>Mario</Nome><E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio>\
             <GiornoFine>2026-03-31</GiornoFine><Gestioni>{gestioni}</Gestioni>{del_periodo}</E0_PeriodoNelMese>"
        ));
        let mut letto = None;
        leggi_lavoratori(file.as_bytes(), Limiti::default(), &mut |l| letto = Some(l.clone())).expect("lettura");
        let periodo = letto.expect("worker").periodi.remove(0);
        for (tipo, elemento, cents) in attesi {
            let g = periodo.gestioni.iter().find(|g| g.tipo == tipo).expect("gestione");
            let valore = match elemento {
                "Imponibile" => g.imponibile,
                "Contributo" => g.contributo,
                e => g.importi.iter().find(|(x, _)| x == e).map(|(_, m)| *m).unwrap_or_else(|| panic!("{e} not read")),
            };
            assert_eq!(valore.cents(), cents, "{tipo:?} {elemento}");
        }
        assert_eq!(periodo.importi, attesi_periodo);
        let prev = periodo.gestioni.iter().find(|g| g.tipo == TipoGestione::Previdenziale).expect("prev");
        assert!(prev.importi.iter().all(|(e, m)| !e.starts_with("Periodo/") && m.cents() < 900_000), "{prev:?}");
        let somma =
            |a: &str, b: &str| prev.importi.iter().filter(|(e, _)| e == a || e == b).map(|(_, m)| *m).sum::<Money>();
        assert_eq!(prev.imponibile, somma("ImponibileTFS", "ImponibileTFR"));
        assert_eq!(prev.contributo, somma("ContributoTFS", "ContributoTFR"));
        let pens = &periodo.gestioni[0];
        assert_eq!(
            Some(pens.contributo_1_per_cento),
            pens.importi.iter().find(|(e, _)| e == "Contrib1PerCento").map(|x| x.1)
        );
        // Stored as text and read back alike.
        assert_eq!(rules::leggi_importi(&rules::scrivi_importi(&prev.importi)), Some(prev.importi.clone()));
    }

    #[test]
    fn each_worker_is_handed_over_once_read() {
        let mut names = Vec::new();
        leggi_lavoratori(file(2, false).as_bytes(), Limiti::default(), &mut |l| names.push(l.cognome.clone()))
            .expect("lettura");
        assert_eq!(names, ["Rossi & C.", "Rossi & C."]);
    }

    #[test]
    fn a_valid_file_gives_the_heading_and_totals_per_gestione() {
        let l = leggi(file(3, false).as_bytes(), Limiti::default()).expect("lettura");
        assert_eq!(l.anno_mese, Period::new(2026, 3).ok());
        assert_eq!(
            (l.cf_azienda.as_deref(), l.prg_azienda.as_deref(), l.lavoratori),
            (Some("80012345678"), Some("00000"), 3)
        );
        assert_eq!(l.totali[&2], (Money::from_euros(6_000).expect("e"), Money::from_euros(1_428).expect("e")));
        assert_eq!(l.totali[&9].0, Money::from_euros(6_000).expect("e"));
        assert!(l.errori.is_empty(), "{:?}", l.errori);
    }

    #[test]
    fn each_problem_is_reported_with_its_worker_and_code() {
        let l = leggi(file(2, true).as_bytes(), Limiti::default()).expect("lettura");
        let codes: Vec<(&str, &str)> =
            l.errori.iter().map(|e| (e.codice_fiscale.as_str(), e.codice.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("RSSMRA70A01H501X", "CAS040"),
                ("RSSMRA70A01H501X", "CAS001"),
                ("RSSMRA70A01H501X", "00126I"),
                ("", "00124I")
            ]
        );
        assert_eq!(l.numero_errori, 4);
    }

    #[test]
    fn limits_and_dtds_stop_the_reading() {
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><DenunceMensili/>";
        assert!(leggi(dtd.as_bytes(), Limiti::default()).expect_err("refused").0.contains("DTD"));
        let small = Limiti { max_bytes: 1_000, ..Limiti::default() };
        assert!(leggi(file(20, false).as_bytes(), small).expect_err("refused").0.contains("limite"));
        let deep = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        assert!(leggi(deep.as_bytes(), Limiti::default()).expect_err("refused").0.contains("profondità"));
        assert!(leggi("<DenunceMensili><Azienda>".as_bytes(), Limiti::default()).is_err());
        assert!(leggi("<x/>".as_bytes(), Limiti::default()).expect_err("refused").0.contains("AnnoMeseDenuncia"));
    }

    #[test]
    fn errors_beyond_the_cap_are_counted_not_kept() {
        let few = Limiti { max_errori: 2, ..Limiti::default() };
        let l = leggi(file(2, true).as_bytes(), few).expect("lettura");
        assert_eq!((l.errori.len(), l.numero_errori), (2, 4));
    }

    /// A heading and one D0 record whose body is `inside`.
    fn one_record(inside: &str) -> String {
        format!(
            "<DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia><CFAzienda>80012345678</CFAzienda>\
             <ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA><D0_DenunciaIndividuale>\
             <CFLavoratore>RSSMRA70A01H501S</CFLavoratore>{inside}</D0_DenunciaIndividuale></PosPA></ListaPosPA>\
             </Azienda></DenunceMensili>"
        )
    }

    #[test]
    fn a_long_value_is_refused_naming_its_element() {
        let long = one_record(&format!("<Cognome>{}</Cognome>", "R".repeat(2_000)));
        let e = leggi(long.as_bytes(), Limiti::default()).expect_err("refused");
        assert!(e.0.contains("«Cognome»") && e.0.contains("1024"), "{e:?}");
        // Built of entities, one character at a time: the same.
        let refs = one_record(&format!("<Cognome>{}</Cognome>", "&amp;".repeat(2_000)));
        assert!(leggi(refs.as_bytes(), Limiti::default()).expect_err("refused").0.contains("«Cognome»"));
        let fine = one_record(&format!("<Cognome>{}</Cognome>", "R".repeat(1_000)));
        assert!(leggi(fine.as_bytes(), Limiti::default()).is_ok());
    }

    #[test]
    fn one_huge_piece_of_text_or_markup_stops_the_reading_early() {
        let limiti = Limiti { max_evento: 4_096, ..Limiti::default() };
        for body in [
            format!("<Cognome>{}</Cognome>", "R".repeat(100_000)),
            format!("<Cognome><![CDATA[{}]]></Cognome>", "<>".repeat(50_000)),
            format!("<!--{}-->", "> ".repeat(50_000)),
            format!("<Nome a=\"{}\"/>", "x".repeat(100_000)),
        ] {
            // Through a small buffer, as from a file (a slice hands its whole rest over at once).
            let file = one_record(&body);
            let e = leggi(std::io::BufReader::with_capacity(512, file.as_bytes()), limiti).expect_err("refused");
            // Named: the element whose content it is (Cognome for the text and the CDATA, the record otherwise).
            assert!(e.0.contains("4 KB") && e.0.contains("nell'elemento «"), "{e:?}");
        }
    }

    #[test]
    fn self_closing_elements_count() {
        let limiti = Limiti { max_elements: 50, ..Limiti::default() };
        let many = one_record(&"<Altro/>".repeat(100));
        assert!(leggi(many.as_bytes(), limiti).expect_err("refused").0.contains("troppi elementi"));
    }

    #[test]
    fn the_lists_of_a_record_are_bounded() {
        let limiti = Limiti { max_voci: 10, ..Limiti::default() };
        let periods = one_record(&"<E0_PeriodoNelMese/>".repeat(11));
        let e = leggi(periods.as_bytes(), limiti).expect_err("refused");
        assert!(e.0.contains("RSSMRA70A01H501S") && e.0.contains("più di 10 periodi"), "{e:?}");
        let gestioni = one_record(&format!(
            "<E0_PeriodoNelMese><Gestioni>{}</Gestioni></E0_PeriodoNelMese>",
            "<GestPensionistica/>".repeat(11)
        ));
        assert!(leggi(gestioni.as_bytes(), limiti).expect_err("refused").0.contains("gestioni"));
        let enti =
            one_record(&format!("<V1_PeriodoPrecedente>{}</V1_PeriodoPrecedente>", "<EnteVersante/>".repeat(11)));
        assert!(leggi(enti.as_bytes(), limiti).expect_err("refused").0.contains("enti versanti"));
        let rate = one_record(&"<F1_Ammortamento/>".repeat(11));
        assert!(leggi(rate.as_bytes(), limiti).expect_err("refused").0.contains("rate"));
        assert!(leggi(one_record(&"<E0_PeriodoNelMese/>".repeat(10)).as_bytes(), limiti).is_ok());
    }

    #[test]
    fn the_problems_of_one_record_are_kept_up_to_the_cap_and_all_counted() {
        let limiti = Limiti { max_errori: 3, ..Limiti::default() };
        let bad = one_record(&format!(
            "<E0_PeriodoNelMese><Gestioni><GestPensionistica>{}</GestPensionistica></Gestioni></E0_PeriodoNelMese>",
            "<Imponibile>x</Imponibile>".repeat(50)
        ));
        let l = leggi(bad.as_bytes(), limiti).expect("lettura");
        assert_eq!(l.errori.len(), 3);
        assert!(l.numero_errori >= 50, "{}", l.numero_errori);
        let all = leggi(bad.as_bytes(), Limiti::default()).expect("lettura");
        assert_eq!(all.numero_errori, l.numero_errori, "the cap changes what is kept, not what is counted");
        assert_eq!(all.errori[..3], l.errori[..]);
    }

    mod bozze {
        use proptest::prelude::*;

        use crate::domain::dma::listapospa::TipoGestione;
        use crate::domain::dma::manuale::{
            BozzaDenuncia, BozzaGestione, BozzaInquadramento, BozzaLavoratore, BozzaPeriodo, BozzaRata,
        };

        fn uno(valori: &'static [&'static str]) -> impl Strategy<Value = String> {
            proptest::sample::select(valori).prop_map(String::from)
        }

        const GIORNI: &[&str] = &["2026-03-01", "2026-03-31", "2025-11-01", "2025-11-30", "", "01/03/2026"];
        const IMPORTI: &[&str] = &["2000,00", "476,00", "", "2.000.00", "-5,00", " 7,50 "];
        const CODICI: &[&str] = &["1", "2", "9", "", "x", "300", "11"];

        fn gestione() -> impl Strategy<Value = BozzaGestione> {
            (proptest::sample::select(TipoGestione::ALL.to_vec()), uno(CODICI), uno(IMPORTI), uno(IMPORTI)).prop_map(
                |(tipo, cod_gestione, imponibile, contributo)| BozzaGestione {
                    id: 0,
                    tipo,
                    cod_gestione,
                    imponibile,
                    contributo,
                },
            )
        }

        fn inquadramento() -> impl Strategy<Value = BozzaInquadramento> {
            let vuoto = Just(BozzaInquadramento::default());
            let pieno = (
                uno(&["1", "", "x"]),
                uno(&["4", ""]),
                uno(&["RALN", ""]),
                uno(&["000123", "12"]),
                uno(&["", "P", "X"]),
                uno(&["", "50", "0", "y"]),
                uno(&["1", "4", ""]),
            )
                .prop_map(|(a, b, c, d, e, f, g)| BozzaInquadramento {
                    tipo_impiego: a,
                    tipo_servizio: b,
                    contratto: c,
                    qualifica: d,
                    tipo_part_time: e,
                    perc_part_time: f,
                    regime_fine_servizio: g,
                });
            prop_oneof![vuoto, pieno]
        }

        fn periodo() -> impl Strategy<Value = BozzaPeriodo> {
            (
                any::<bool>(),
                uno(&["1", "6", "3", ""]),
                uno(GIORNI),
                uno(GIORNI),
                inquadramento(),
                proptest::collection::vec(gestione(), 0..3),
            )
                .prop_map(|(v1, causale, inizio, fine, inquadramento, gestioni)| BozzaPeriodo {
                    id: 0,
                    v1,
                    causale,
                    inizio,
                    fine,
                    inquadramento,
                    gestioni,
                })
        }

        fn rata() -> impl Strategy<Value = BozzaRata> {
            (
                uno(&["2026-02", "2026-04", "", "02/2026"]),
                uno(CODICI),
                uno(&["11", "14", ""]),
                uno(&["3", "0", "70000"]),
                uno(&["60", ""]),
                uno(IMPORTI),
                uno(&["V", "X", ""]),
            )
                .prop_map(|(a, b, c, d, e, f, g)| BozzaRata {
                    id: 0,
                    anno_mese_rif: a,
                    cod_gestione: b,
                    tipo_piano: c,
                    prg_rata: d,
                    totale_rate: e,
                    importo: f,
                    tipo_operazione: g,
                })
        }

        fn lavoratore() -> impl Strategy<Value = BozzaLavoratore> {
            (
                uno(&["RSSMRA70A01H501S", "rssmra70a01h501x", " BNCLRA85M41F205C ", ""]),
                uno(&[
                    "Rossi",
                    "Rossi & C.",
                    "<O'Neil \"x\">",
                    "",
                    "Ro\tssi",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                ]),
                uno(&["Mario", "", "Anna Maria"]),
                proptest::collection::vec(periodo(), 0..3),
                proptest::collection::vec(rata(), 0..2),
            )
                .prop_map(|(codice_fiscale, cognome, nome, periodi, rate)| BozzaLavoratore {
                    id: 0,
                    codice_fiscale,
                    cognome,
                    nome,
                    periodi,
                    rate,
                })
        }

        proptest! {
            /// A hand-made declaration and the import of its XML agree: the same workers, and the same
            /// problems in the same order (the browser shows what the server will find).
            #[test]
            fn a_draft_and_the_import_of_its_xml_agree(lavoratori in proptest::collection::vec(lavoratore(), 0..4)) {
                let bozza = BozzaDenuncia {
                    mese: "2026-03".to_string(),
                    cf_azienda: "80012345678".to_string(),
                    prg_azienda: "00000".to_string(),
                    lavoratori,
                };
                let xml = bozza.scrivi_xml();
                let mut letti = Vec::new();
                let lettura = super::super::leggi_lavoratori(xml.as_bytes(), super::super::Limiti::default(), &mut |l| {
                    letti.push(l.clone())
                })
                .expect("lettura");
                prop_assert_eq!(letti, bozza.lavoratori());
                prop_assert_eq!(lettura.errori, bozza.check().expect("mese"));
            }
        }
    }

    proptest::proptest! {
        /// Whatever bytes come in, reading ends with an answer (never a panic), within the limits.
        #[test]
        fn any_input_gets_an_answer(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let _ = leggi(bytes.as_slice(), Limiti { max_bytes: 4096, ..Limiti::default() });
        }

        /// Valid files of any size read with as many workers as written and no error.
        #[test]
        fn generated_files_read_back(workers in 0usize..40) {
            let l = leggi(file(workers, false).as_bytes(), Limiti::default()).expect("lettura");
            proptest::prop_assert_eq!(l.lavoratori, workers as u64);
            proptest::prop_assert!(l.errori.is_empty());
        }
    }
}
