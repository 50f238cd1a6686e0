//! Printable PDF documents, rendered on the server with typst used as a library.
//!
//! Each document is a fixed typst template plus its data, which the template reads from a virtual
//! JSON file. The data is never spliced into the markup: typst prints string values as plain text,
//! so a name such as `Studio #1 *Rossi* [srl]` comes out literally and cannot inject markup or code.
//! Here: the delega form ("Modulo di delega all'intermediario", INPS Circolare 34/2023 §2b); the
//! Fascicolo aziendale (`ssr::fascicolo`) uses the same renderer with its own template.
//!
//! Rendering is synchronous and CPU-bound (tens of milliseconds for the delega form, longer for a
//! whole dossier): async callers run it through `typeset`, on the typesetting pool — a few threads of
//! its own (at most half the cores), never the async threads nor tokio's blocking pool (which grows to
//! hundreds of threads): a burst of prints queues for the pool and the pages keep being served.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use anyhow::Context;
use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

/// Data printed on the delega form. Everything is already validated text.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct DelegaForm {
    pub reference: String,     // e.g. "DEL-2026-000042"
    pub position_code: String, // posizione contributiva
    pub ente_denominazione: String,
    pub ente_codice_fiscale: String,
    pub ente_pec: String,
    pub legal_rep_codice_fiscale: String,
    /// The legal representative's name and surname as the intermediary typed them (forms fixed before
    /// they were asked for have them empty).
    #[serde(default)]
    pub legal_rep_nome: String,
    #[serde(default)]
    pub legal_rep_cognome: String,
    /// The services delegated, as labels (e.g. "Gestione contributiva dipendenti pubblici").
    #[serde(default)]
    pub services: Vec<String>,
    /// The period, in words ("dal 01/01/2027 al 31/12/2027" or "dal 01/01/2027 fino a revoca"); empty on
    /// forms fixed before deleghe had a stated period.
    #[serde(default)]
    pub period: String,
    /// For a renewal: the reference of the delega it continues.
    #[serde(default)]
    pub renews_reference: Option<String>,
    pub intermediary_name: String,
    pub intermediary_codice_fiscale: String,
    pub albo_category: String,     // human label, e.g. "Consulente del lavoro"
    pub albo_registration: String, // e.g. "1234"
    pub albo_province: String,     // e.g. "RM"
    pub created_on: chrono::NaiveDate,
}

/// Renders the delega form as an A4 PDF (tagged, fonts embedded and subset).
pub fn delega_form_pdf(form: &DelegaForm) -> anyhow::Result<Vec<u8>> {
    let (pdf, warnings) = render_delega(form)?;
    for warning in &warnings {
        tracing::warn!(reference = %form.reference, "delega PDF: {warning}");
    }
    Ok(pdf)
}

/// The typst template of the delega form. It reads every variable part from `/data.json`; string
/// values inserted with `#d.field` or passed to functions are printed as text, never parsed.
const DELEGA_TEMPLATE: &str = r##"
#let d = json("/data.json")
#let title = "Delega a operare per la posizione contributiva " + d.position_code

#set document(
  title: title,
  date: datetime(year: d.year, month: d.month, day: d.day),
)
#set page(
  paper: "a4",
  margin: (x: 2.2cm, top: 2cm, bottom: 2.5cm),
  footer: context text(size: 8pt, fill: luma(90))[
    Cassetto previdenziale – Gestione dipendenti pubblici
    #h(1fr)
    Rif. #d.reference
    #h(1.5em)
    Pagina #counter(page).display() di #counter(page).final().first()
  ],
)
#set text(font: "Titillium Web", size: 10.5pt, lang: "it", region: "IT", hyphenate: false)
#set par(justify: true, leading: 0.7em, spacing: 1.2em)
#show heading: set text(weight: "bold")
#show heading.where(level: 1): set text(size: 16pt)
#show heading.where(level: 1): set block(above: 1.2em, below: 1.2em)
#show heading.where(level: 2): set text(size: 12pt)
#show heading.where(level: 2): set block(above: 0em, below: 0.9em)

// An empty value prints as a dash, so a blank field is visibly blank rather than missing.
#let value(v) = if v == "" [—] else [#v]

// A labelled block of label/value rows; kept on one page so a block never splits from its title.
#let section(label, rows) = block(
  width: 100%,
  breakable: false,
  stroke: 0.6pt + luma(150),
  radius: 3pt,
  inset: 12pt,
  above: 1.4em,
  below: 1.4em,
)[
  #heading(level: 2, label)
  #grid(
    columns: (15em, 1fr),
    row-gutter: 0.8em,
    column-gutter: 1em,
    ..rows.map(((k, v)) => (text(fill: luma(70), k), strong(value(v)))).flatten()
  )
]

#grid(
  columns: (1fr, auto),
  align: (left + bottom, right + bottom),
  text(size: 9pt, fill: luma(70))[
    INPS – Circolare n. 34/2023 \
    Modulo di delega all'intermediario
  ],
  text(size: 9pt)[Riferimento #strong(d.reference)],
)

#heading(level: 1, title)

Il/La sottoscritto/a #strong(value(d.legal_rep_full_name)), legale rappresentante
dell'Amministrazione/Ente indicato di seguito (codice fiscale #strong(d.legal_rep_codice_fiscale)), delega
l'intermediario indicato di seguito, abilitato ai sensi della legge 11 gennaio 1979, n. 12, a operare per
conto dell'Ente sui servizi indicati, relativi alla posizione contributiva #strong(d.position_code), per il
periodo indicato.

#if d.renews_reference != none [
  La presente delega rinnova la delega #strong(d.renews_reference) e decorre dal giorno successivo alla sua
  scadenza.
]

#section("Delegante", (
  ("Legale rappresentante", d.legal_rep_full_name),
  ("Codice fiscale del legale rappresentante", d.legal_rep_codice_fiscale),
  ("Amministrazione/Ente", d.ente_denominazione),
  ("Codice fiscale dell'Ente", d.ente_codice_fiscale),
  ("PEC dell'Ente", d.ente_pec),
  ("Posizione contributiva", d.position_code),
))

#section("Oggetto e durata della delega", (
  ("Servizi delegati", d.services_text),
  ("Periodo", d.period),
))

#section("Intermediario delegato", (
  ("Nome e cognome o denominazione", d.intermediary_name),
  ("Codice fiscale", d.intermediary_codice_fiscale),
  ("Categoria", d.albo_category),
  ("Numero di iscrizione all'albo", d.albo_registration),
  ("Provincia dell'albo", d.albo_province),
))

#grid(
  columns: (1fr, 1fr),
  column-gutter: 2em,
  [Data della richiesta: #strong(d.date)],
  [Riferimento: #strong(d.reference)],
)

L'intermediario custodisce presso di sé il presente modulo, sottoscritto dal legale rappresentante,
unitamente a una fotocopia di un valido documento di identità del delegante, per tutto il periodo di durata
della delega nonché nei cinque anni successivi, e lo esibisce all'Istituto su richiesta.

#v(3em)
#grid(
  columns: (1fr, 1fr),
  column-gutter: 3em,
  [Luogo e data #v(2.5em) #line(length: 100%, stroke: 0.6pt)],
  [Firma del legale rappresentante #v(2.5em) #line(length: 100%, stroke: 0.6pt)],
)
"##;

/// Titillium Web, the Bootstrap Italia typeface, from the npm package that the build setup installs
/// (`make setup`). Only the two weights the templates use, so the binary stays small; the fonts are
/// not committed to the repository.
const FONT_REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tools/node_modules/bootstrap-italia/dist/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-regular.ttf"
));
const FONT_BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tools/node_modules/bootstrap-italia/dist/fonts/Titillium_Web/titillium-web-v10-latin-ext_latin-700.ttf"
));

/// The parts of the world that depend on no document: built once, shared by every render (the
/// standard library and the parsed fonts are the costly parts).
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    data_id: FileId,
}

fn virtual_file(path: &str) -> Result<FileId, String> {
    VirtualPath::new(path)
        .map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
        .map_err(|err| format!("virtual path {path}: {err}"))
}

static SHARED: LazyLock<Result<Shared, String>> = LazyLock::new(|| {
    let fonts: Vec<Font> =
        [FONT_REGULAR, FONT_BOLD].into_iter().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    // A font that fails to parse would silently print nothing; refuse to render instead.
    if fonts.len() != 2 {
        return Err(format!("expected 2 embedded fonts, parsed {}", fonts.len()));
    }
    Ok(Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        data_id: virtual_file("/data.json")?,
    })
});

/// A fixed typst template, which reads every variable part from `/data.json`.
pub(crate) struct Template {
    /// What the document is, for error messages ("delega PDF").
    what: &'static str,
    main_id: FileId,
    main: Source,
}

impl Template {
    /// `path` is the template's virtual file name, distinct per template (`/delega.typ`).
    pub(crate) fn new(what: &'static str, path: &str, source: &str) -> Result<Template, String> {
        let main_id = virtual_file(path)?;
        Ok(Template { what, main_id, main: Source::new(main_id, source.to_owned()) })
    }
}

static DELEGA: LazyLock<Result<Template, String>> =
    LazyLock::new(|| Template::new("delega PDF", "/delega.typ", DELEGA_TEMPLATE));

/// A typst world with exactly two files: the template and its data.
struct TemplateWorld {
    shared: &'static Shared,
    template: &'static Template,
    data: Bytes,
}

impl World for TemplateWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.template.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.template.main_id {
            Ok(self.template.main.clone())
        } else if id == self.shared.data_id {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data_id {
            Ok(self.data.clone())
        } else if id == self.template.main_id {
            Ok(Bytes::from_string(self.template.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    // Templates take their dates from the data: a document must not depend on the clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}

/// What the template reads from `/data.json`: the form, plus the date already in Italian format
/// and split into parts for the PDF metadata.
#[derive(Serialize)]
struct TemplateData<'a> {
    #[serde(flatten)]
    form: &'a DelegaForm,
    /// "Nome Cognome" of the legal representative (empty on old forms: printed as a dash).
    legal_rep_full_name: String,
    /// The services, one per line.
    services_text: String,
    date: String,
    year: i32,
    month: u32,
    day: u32,
}

/// Renders the form and returns the PDF with typst's warnings (e.g. a character missing from the
/// font), which the tests require to be none.
fn render_delega(form: &DelegaForm) -> anyhow::Result<(Vec<u8>, Vec<String>)> {
    use chrono::Datelike;

    let legal_rep_full_name = format!("{} {}", form.legal_rep_nome.trim(), form.legal_rep_cognome.trim());
    let data = TemplateData {
        form,
        legal_rep_full_name: legal_rep_full_name.trim().to_string(),
        services_text: form.services.join("; "),
        date: form.created_on.format("%d/%m/%Y").to_string(),
        year: form.created_on.year(),
        month: form.created_on.month(),
        day: form.created_on.day(),
    };
    render(&DELEGA, &data, &form.reference)
}

/// How many threads typeset: half the cores, at least one.
pub fn typeset_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).max(1)
}

type TypesetJob = Box<dyn FnOnce() + Send>;

/// The typesetting threads, fed from one queue (started on first use).
static TYPESET_POOL: LazyLock<std::sync::mpsc::Sender<TypesetJob>> = LazyLock::new(|| {
    let (sender, receiver) = std::sync::mpsc::channel::<TypesetJob>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..typeset_threads() {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("typeset-{n}"))
            .spawn(move || {
                loop {
                    let job = match receiver.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return, // the pool is gone
                    }
                }
            })
            .expect("spawning a typesetting thread");
    }
    sender
});

/// Runs `work` (a rendering) on the typesetting pool and waits for it without blocking the async threads.
pub async fn typeset<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: TypesetJob = Box::new(move || {
        let _ = done.send(work());
    });
    TYPESET_POOL.send(job).map_err(|_| anyhow::anyhow!("typesetting threads stopped"))?;
    result.await.map_err(|_| anyhow::anyhow!("typesetting job lost"))?
}

/// Renderings in progress now, and the most there ever were at once (observed by the tests: never more
/// than `typeset_threads`).
static RENDERING: AtomicUsize = AtomicUsize::new(0);
static RENDERING_PEAK: AtomicUsize = AtomicUsize::new(0);

/// (renderings in progress, most at once since start).
pub fn rendering_gauge() -> (usize, usize) {
    (RENDERING.load(Ordering::SeqCst), RENDERING_PEAK.load(Ordering::SeqCst))
}

/// Counts a rendering while it lives.
struct Rendering;

impl Rendering {
    fn start() -> Rendering {
        let now = RENDERING.fetch_add(1, Ordering::SeqCst) + 1;
        RENDERING_PEAK.fetch_max(now, Ordering::SeqCst);
        Rendering
    }
}

impl Drop for Rendering {
    fn drop(&mut self) {
        RENDERING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Renders `template` with `data` as `/data.json`; returns the PDF (tagged, fonts embedded and subset)
/// with typst's warnings. `ident` is the PDF's document identifier, so a re-render of the same
/// document keeps it.
pub(crate) fn render(
    template: &'static LazyLock<Result<Template, String>>,
    data: &impl Serialize,
    ident: &str,
) -> anyhow::Result<(Vec<u8>, Vec<String>)> {
    let shared = SHARED.as_ref().map_err(|err| anyhow::anyhow!("PDF setup: {err}"))?;
    let template = template.as_ref().map_err(|err| anyhow::anyhow!("PDF template: {err}"))?;
    let data = serde_json::to_vec(data).with_context(|| format!("{} data as JSON", template.what))?;
    let world = TemplateWorld { shared, template, data: Bytes::new(data) };

    let _rendering = Rendering::start();
    let compiled = typst::compile::<PagedDocument>(&world);
    // typst memoizes across compilations in a global cache; without eviction a long-running server
    // would keep every past document. Results used by the last couple of renders (the library, the
    // fonts) stay warm.
    typst::comemo::evict(2);
    let warnings = compiled.warnings.iter().map(describe).collect();
    let document = compiled.output.map_err(|errors| diagnostics_error(template.what, "typeset", &errors))?;

    let options = PdfOptions { ident: Smart::Custom(ident.to_owned()), ..PdfOptions::default() };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| diagnostics_error(template.what, "PDF export", &errors))?;
    Ok((pdf, warnings))
}

fn describe(diag: &SourceDiagnostic) -> String {
    let mut text = diag.message.to_string();
    for hint in &diag.hints {
        text.push_str(" (");
        text.push_str(&hint.v);
        text.push(')');
    }
    text
}

fn diagnostics_error(what: &str, stage: &str, errors: &[SourceDiagnostic]) -> anyhow::Error {
    let messages: Vec<String> = errors.iter().map(describe).collect();
    anyhow::anyhow!("{what} {stage} failed: {}", messages.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DelegaForm {
        DelegaForm {
            reference: "DEL-2026-000042".into(),
            position_code: "1234567890".into(),
            ente_denominazione: "Comune di Castel Gandolfo".into(),
            ente_codice_fiscale: "80012345678".into(),
            ente_pec: "protocollo@pec.comune.example.it".into(),
            legal_rep_codice_fiscale: "RSSMRA80A01H501U".into(),
            legal_rep_nome: "Mario".into(),
            legal_rep_cognome: "Rossi".into(),
            services: vec![
                "Gestione contributiva dipendenti pubblici".into(),
                "Malattia – consultazione attestati".into(),
            ],
            period: "dal 07/03/2026 al 06/03/2027".into(),
            renews_reference: None,
            intermediary_name: "Studio #1 *Rossi* [srl]".into(),
            intermediary_codice_fiscale: "01234567890".into(),
            albo_category: "Consulente del lavoro".into(),
            albo_registration: "1234".into(),
            albo_province: "RM".into(),
            created_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 7).expect("valid date"),
        }
    }

    /// The PDF's text with whitespace runs collapsed, since extraction may break lines anywhere.
    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("extract text");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn renders_a_pdf_with_the_form_data_as_literal_text() {
        let form = sample();
        let (pdf, warnings) = render_delega(&form).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 5_000, "suspiciously small PDF: {} bytes", pdf.len());

        let text = text_of(&pdf);
        for expected in [
            "Delega a operare per la posizione contributiva 1234567890",
            "Comune di Castel Gandolfo",
            "Studio #1 *Rossi* [srl]",
            "RSSMRA80A01H501U",
            "protocollo@pec.comune.example.it",
            "Consulente del lavoro",
            "DEL-2026-000042",
            "07/03/2026",
            "Delegante",
            "Legale rappresentante Mario Rossi",
            "Servizi delegati Gestione contributiva dipendenti pubblici; Malattia – consultazione attestati",
            "Periodo dal 07/03/2026 al 06/03/2027",
            "fotocopia di un valido documento di identità del delegante",
            // Apostrophes in the template's prose are typeset as typographic ones.
            "esibisce all’Istituto su richiesta",
            "Intermediario delegato",
            "Luogo e data",
            "Firma del legale rappresentante",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in: {text}");
        }
    }

    #[test]
    fn markup_and_code_in_the_data_print_literally() {
        let mut form = sample();
        form.ente_denominazione = r#"Ente #panic("x") = "quoted" \ $x$ <lbl> @ref `raw` // c"#.into();
        form.intermediary_name = "]) #{ 1 + 1 } _under_ ~".into();
        form.position_code = "#set page(width: 1cm)".into();
        let (pdf, warnings) = render_delega(&form).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        let text = text_of(&pdf);
        for expected in [
            r#"Ente #panic("x") = "quoted" \ $x$ <lbl> @ref `raw` // c"#,
            "]) #{ 1 + 1 } _under_ ~",
            "#set page(width: 1cm)",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in: {text}");
        }
    }

    #[test]
    fn a_renewal_names_the_delega_it_continues_and_an_old_form_still_prints() {
        let mut form = sample();
        form.renews_reference = Some("DEL-2025-000007".into());
        let text = text_of(&delega_form_pdf(&form).expect("render"));
        assert!(text.contains("rinnova la delega DEL-2025-000007"), "{text}");
        // A form stored before the delegante's name, services and period were asked for.
        let mut json: serde_json::Value = serde_json::to_value(sample()).expect("json");
        for field in ["legal_rep_nome", "legal_rep_cognome", "services", "period", "renews_reference"] {
            json.as_object_mut().expect("object").remove(field);
        }
        let old: DelegaForm = serde_json::from_value(json).expect("an old form reads");
        let (pdf, warnings) = render_delega(&old).expect("render");
        assert!(warnings.is_empty(), "typst warnings: {warnings:?}");
        assert!(text_of(&pdf).contains("Legale rappresentante —"));
    }

    #[test]
    fn sets_the_pdf_title() {
        let pdf = delega_form_pdf(&sample()).expect("render");
        let raw = String::from_utf8_lossy(&pdf);
        // krilla writes the title in the Info dictionary and in XMP; the XMP packet is plain text.
        assert!(raw.contains("Delega a operare per la posizione contributiva 1234567890"), "no title metadata");
    }

    #[test]
    fn empty_values_and_repeated_renders_work() {
        let mut form = sample();
        form.ente_pec = String::new();
        let first = delega_form_pdf(&form).expect("first render");
        let second = delega_form_pdf(&form).expect("second render");
        assert!(text_of(&first).contains("PEC dell'Ente —"));
        assert_eq!(first.len(), second.len(), "the same form renders to the same size");
    }
}
