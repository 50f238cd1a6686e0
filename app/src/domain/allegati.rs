//! The files a user attaches to a richiesta (at most three, sent to the Sede as one zip): limits, the
//! types admitted, and the check that each file's content is what its name says. Pure, so the same rules
//! answer on the server and in the tests.

/// At most this many files per richiesta.
pub const MAX_FILE: usize = 3;
/// Per file: 5 MiB.
pub const MAX_BYTES_FILE: usize = 5 * 1024 * 1024;
/// All files together: 10 MiB.
pub const MAX_BYTES_TOTALE: usize = 10 * 1024 * 1024;
/// Longest file name kept (characters).
const MAX_NOME: usize = 100;

/// The kinds of document a contributor sends to the Sede: scans and documents (PDF, PNG, JPEG) and the
/// data files of the Cassetto's own world (UniEmens XML, text, CSV).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tipo {
    Pdf,
    Png,
    Jpeg,
    Xml,
    Testo,
}

pub const TIPI_AMMESSI: &str = "PDF, PNG, JPEG, XML, TXT e CSV";

impl Tipo {
    /// The type a file name declares by its extension.
    pub fn da_nome(nome: &str) -> Option<Tipo> {
        let ext = nome.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        match ext.as_str() {
            "pdf" => Some(Tipo::Pdf),
            "png" => Some(Tipo::Png),
            "jpg" | "jpeg" => Some(Tipo::Jpeg),
            "xml" => Some(Tipo::Xml),
            "txt" | "csv" => Some(Tipo::Testo),
            _ => None,
        }
    }

    /// Whether `bytes` really are of this type: the signature of binary formats, well-formed UTF-8
    /// without control bytes for the text ones (an XML file must also open with `<`).
    pub fn contenuto_conforme(self, bytes: &[u8]) -> bool {
        match self {
            Tipo::Pdf => bytes.starts_with(b"%PDF-"),
            Tipo::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            Tipo::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            Tipo::Xml | Tipo::Testo => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                let Ok(text) = std::str::from_utf8(body) else { return false };
                let clean = !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
                clean && (self == Tipo::Testo || text.trim_start().starts_with('<'))
            }
        }
    }
}

/// The name a file is stored under: the last path component the browser sent (some send a full path),
/// without control characters, at most `MAX_NOME` characters keeping the extension.
pub fn nome_sicuro(nome: &str) -> String {
    let base = nome.rsplit(['/', '\\']).next().unwrap_or_default();
    // Controls and invisible or direction-changing formatting would make the name read as another
    // (`fattura\u{202E}fdp.exe` shows as `fatturaexe.pdf`); leading dots would hide it or name `..`.
    let clean: String = base.chars().filter(|&c| !c.is_control() && crate::domain::testo::ammesso(c)).collect();
    let clean = clean.trim().trim_start_matches('.').trim().to_string();
    if clean.chars().count() <= MAX_NOME {
        return clean;
    }
    let ext = clean.rsplit_once('.').map(|(_, e)| e).filter(|e| e.len() <= 5).unwrap_or("");
    let keep: String = clean.chars().take(MAX_NOME - ext.len() - 1).collect();
    format!("{keep}.{ext}")
}

/// Why files are refused: by the page, on the files chosen (name and size), or by the server, on the files
/// received (content too). The messages are the user's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllegatoRifiutato {
    #[error("{}", troppi_file(*.max, *.scelti))]
    TroppiFile { max: usize, scelti: usize },
    #[error("Un allegato non ha nome.")]
    SenzaNome,
    #[error("Due allegati hanno lo stesso nome «{0}»: li rinomini.")]
    NomeDoppio(String),
    #[error("Il file «{0}» è vuoto.")]
    Vuoto(String),
    #[error("Il file «{nome}» supera il limite di {} MB per file.", mb(*.max_bytes))]
    TroppoGrande { nome: String, max_bytes: usize },
    /// Chosen on the page: the extension is not one of the form's.
    #[error("Il file «{nome}» non è di un tipo ammesso: sono ammessi {tipi}.")]
    EstensioneNonAmmessa { nome: String, tipi: &'static str },
    /// Received: the name declares no type of `Tipo`.
    #[error("Il tipo del file «{0}» non è ammesso: sono ammessi {TIPI_AMMESSI}.")]
    TipoNonAmmesso(String),
    #[error("Il contenuto del file «{0}» non corrisponde al suo tipo: il file non è stato accettato.")]
    ContenutoNonConforme(String),
    /// Chosen on the page: together over the form's limit.
    #[error("I file scelti superano in totale il limite di {} MB.", mb(*.max_bytes))]
    SceltaOltreIlTotale { max_bytes: usize },
    /// Received: together over the limit of the attachments.
    #[error("Gli allegati superano in totale il limite di {} MB.", mb(MAX_BYTES_TOTALE))]
    OltreIlTotale,
}

fn troppi_file(max: usize, scelti: usize) -> String {
    if max == 1 {
        format!("Si può inviare un solo file: ne sono stati scelti {scelti}.")
    } else {
        format!("Si possono allegare al massimo {max} file: ne sono stati scelti {scelti}.")
    }
}

/// What a file input of the Cassetto accepts: the numbers the server enforces, here once so that the page,
/// which checks the files chosen before sending them, and the server, which checks them again on arrival,
/// cannot drift apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitiFile {
    pub max_file: usize,
    pub max_bytes_file: usize,
    /// All files of one sending together, when that is limited beyond the per-file limit.
    pub max_bytes_totale: Option<usize>,
    /// The extensions admitted (lower case, without the dot), or any.
    pub estensioni: Option<&'static [&'static str]>,
    /// The admitted types in words, for the messages.
    pub tipi: &'static str,
}

/// The largest ListaPosPA file: the reader's limit (`ssr::dma::listapospa::Limiti`) and the upload route's.
pub const MAX_BYTES_DMA: usize = 200 * 1024 * 1024;
/// The largest tracciato of any type (each type has its own limit, data of `tracciato_tipi`, checked on the
/// server): the upload route's limit.
pub const MAX_BYTES_TRACCIATO: usize = 20 * 1024 * 1024;

impl LimitiFile {
    /// The attachments of a richiesta or a contestazione (`check`).
    pub const ALLEGATI: LimitiFile = LimitiFile {
        max_file: MAX_FILE,
        max_bytes_file: MAX_BYTES_FILE,
        max_bytes_totale: Some(MAX_BYTES_TOTALE),
        estensioni: Some(&["pdf", "png", "jpg", "jpeg", "xml", "txt", "csv"]),
        tipi: TIPI_AMMESSI,
    };
    /// A ListaPosPA declaration: one XML file.
    pub const DMA: LimitiFile = LimitiFile {
        max_file: 1,
        max_bytes_file: MAX_BYTES_DMA,
        max_bytes_totale: None,
        estensioni: Some(&["xml"]),
        tipi: "XML",
    };
    /// A tracciato: one text file of records, whatever its extension.
    pub const TRACCIATO: LimitiFile = LimitiFile {
        max_file: 1,
        max_bytes_file: MAX_BYTES_TRACCIATO,
        max_bytes_totale: None,
        estensioni: None,
        tipi: "qualsiasi",
    };

    /// The `accept` attribute of the input: the admitted extensions.
    pub fn accept(&self) -> Option<String> {
        self.estensioni.map(|e| e.iter().map(|x| format!(".{x}")).collect::<Vec<_>>().join(","))
    }

    /// Checks the files chosen (name, size in bytes) before they are sent: what the browser knows without
    /// reading them. The content is the server's to check. The first problem, in Italian.
    pub fn check_scelta(&self, files: &[(String, u64)]) -> Result<(), AllegatoRifiutato> {
        if files.len() > self.max_file {
            return Err(AllegatoRifiutato::TroppiFile { max: self.max_file, scelti: files.len() });
        }
        let mut totale = 0u64;
        for (nome, dimensione) in files {
            if *dimensione == 0 {
                return Err(AllegatoRifiutato::Vuoto(nome.clone()));
            }
            if *dimensione > self.max_bytes_file as u64 {
                return Err(AllegatoRifiutato::TroppoGrande { nome: nome.clone(), max_bytes: self.max_bytes_file });
            }
            if let Some(estensioni) = self.estensioni {
                let ext = nome.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
                if !estensioni.contains(&ext.as_str()) {
                    return Err(AllegatoRifiutato::EstensioneNonAmmessa { nome: nome.clone(), tipi: self.tipi });
                }
            }
            totale += dimensione;
        }
        match self.max_bytes_totale {
            Some(max) if totale > max as u64 => Err(AllegatoRifiutato::SceltaOltreIlTotale { max_bytes: max }),
            _ => Ok(()),
        }
    }
}

/// A file's size as the file list shows it, in Italian: «850 byte», «12 KB», «3,4 MB» (KB and MB of 1 024).
pub fn dimensione(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} byte")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        // Tenths of a MB, rounded half up, in integers.
        let decimi = (bytes * 10 + MB / 2) / MB;
        format!("{},{} MB", decimi / 10, decimi % 10)
    }
}

/// One file as received: its (already cleaned) name and content.
pub struct File<'a> {
    pub nome: &'a str,
    pub dati: &'a [u8],
}

fn mb(bytes: usize) -> usize {
    bytes / (1024 * 1024)
}

/// Checks the whole set before anything is stored; the first problem found.
pub fn check(files: &[File<'_>]) -> Result<(), AllegatoRifiutato> {
    if files.len() > MAX_FILE {
        return Err(AllegatoRifiutato::TroppiFile { max: MAX_FILE, scelti: files.len() });
    }
    let mut totale = 0;
    for (i, f) in files.iter().enumerate() {
        let nome = f.nome;
        if nome.is_empty() {
            return Err(AllegatoRifiutato::SenzaNome);
        }
        if files[..i].iter().any(|g| g.nome.eq_ignore_ascii_case(nome)) {
            return Err(AllegatoRifiutato::NomeDoppio(nome.to_string()));
        }
        if f.dati.is_empty() {
            return Err(AllegatoRifiutato::Vuoto(nome.to_string()));
        }
        if f.dati.len() > MAX_BYTES_FILE {
            return Err(AllegatoRifiutato::TroppoGrande { nome: nome.to_string(), max_bytes: MAX_BYTES_FILE });
        }
        let Some(tipo) = Tipo::da_nome(nome) else {
            return Err(AllegatoRifiutato::TipoNonAmmesso(nome.to_string()));
        };
        if !tipo.contenuto_conforme(f.dati) {
            return Err(AllegatoRifiutato::ContenutoNonConforme(nome.to_string()));
        }
        totale += f.dati.len();
    }
    if totale > MAX_BYTES_TOTALE {
        return Err(AllegatoRifiutato::OltreIlTotale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn f<'a>(nome: &'a str, dati: &'a [u8]) -> File<'a> {
        File { nome, dati }
    }

    #[test]
    fn three_good_files_pass_a_fourth_is_refused() {
        let ok = [f("nota.pdf", PDF), f("ricevuta.PNG", PNG), f("uniemens.xml", b"<?xml version=\"1.0\"?><x/>")];
        assert_eq!(check(&ok), Ok(()));
        let four = [f("a.pdf", PDF), f("b.pdf", PDF), f("c.pdf", PDF), f("d.pdf", PDF)];
        assert_eq!(check(&four), Err(AllegatoRifiutato::TroppiFile { max: 3, scelti: 4 }));
        assert_eq!(
            check(&four).expect_err("refused").to_string(),
            "Si possono allegare al massimo 3 file: ne sono stati scelti 4."
        );
        assert_eq!(check(&[]), Ok(()), "attachments are optional");
    }

    #[test]
    fn content_must_match_the_declared_type() {
        let err = check(&[f("finto.pdf", b"MZ\x90\0 not a pdf")]).expect_err("refused").to_string();
        assert!(err.contains("non corrisponde"), "{err}");
        assert!(check(&[f("foto.jpg", PNG)]).expect_err("refused").to_string().contains("non corrisponde"));
        assert!(check(&[f("dati.csv", b"a;b\n\0\x01")]).expect_err("refused").to_string().contains("non corrisponde"));
        assert!(check(&[f("dati.xml", b"plain text")]).expect_err("refused").to_string().contains("non corrisponde"));
        assert_eq!(check(&[f("dati.csv", "matricola;importo\n8100000001;1.234,56\n".as_bytes())]), Ok(()));
        assert!(check(&[f("programma.exe", b"MZ")]).expect_err("refused").to_string().contains("non è ammesso"));
        assert!(check(&[f("senza-estensione", PDF)]).expect_err("refused").to_string().contains("non è ammesso"));
    }

    #[test]
    fn sizes_per_file_and_in_total() {
        let mut big = PDF.to_vec();
        big.resize(MAX_BYTES_FILE + 1, b' ');
        assert!(check(&[f("grande.pdf", &big)]).expect_err("refused").to_string().contains("5 MB per file"));
        let mut near = PDF.to_vec();
        near.resize(MAX_BYTES_FILE, b' ');
        assert_eq!(check(&[f("a.pdf", &near), f("b.pdf", &near)]), Ok(()));
        let err = check(&[f("a.pdf", &near), f("b.pdf", &near), f("c.pdf", PDF)]).expect_err("refused").to_string();
        assert!(err.contains("in totale"), "{err}");
        assert!(check(&[f("vuoto.pdf", b"")]).expect_err("refused").to_string().contains("vuoto"));
        assert!(check(&[f("a.pdf", PDF), f("A.PDF", PDF)]).expect_err("refused").to_string().contains("stesso nome"));
    }

    #[test]
    fn the_browser_check_uses_the_server_limits() {
        let scelta = |n: &[(&str, u64)]| n.iter().map(|(a, b)| (a.to_string(), *b)).collect::<Vec<_>>();
        let a = LimitiFile::ALLEGATI;
        assert_eq!(a.check_scelta(&scelta(&[("nota.pdf", 10), ("foto.JPG", 10), ("dati.csv", 10)])), Ok(()));
        let four = scelta(&[("a.pdf", 1), ("b.pdf", 1), ("c.pdf", 1), ("d.pdf", 1)]);
        assert!(a.check_scelta(&four).expect_err("four").to_string().contains("al massimo 3 file"));
        let big = scelta(&[("grande.pdf", MAX_BYTES_FILE as u64 + 1)]);
        assert!(a.check_scelta(&big).expect_err("big").to_string().contains("«grande.pdf» supera il limite di 5 MB"));
        let exe = a.check_scelta(&scelta(&[("programma.exe", 10)])).expect_err("exe").to_string();
        assert!(exe.contains("«programma.exe» non è di un tipo ammesso") && exe.contains("PDF"), "{exe}");
        let near = MAX_BYTES_FILE as u64;
        let total =
            a.check_scelta(&scelta(&[("a.pdf", near), ("b.pdf", near), ("c.pdf", 1)])).expect_err("total").to_string();
        assert!(total.contains("in totale il limite di 10 MB"), "{total}");
        assert!(a.check_scelta(&scelta(&[("vuoto.pdf", 0)])).expect_err("empty").to_string().contains("vuoto"));
        // Every extension the browser admits is a type the server admits, and the other way round.
        for ext in a.estensioni.expect("extensions") {
            assert!(Tipo::da_nome(&format!("x.{ext}")).is_some(), "{ext}");
        }
        for ext in ["pdf", "png", "jpg", "jpeg", "xml", "txt", "csv"] {
            assert!(a.estensioni.expect("extensions").contains(&ext), "{ext}");
        }
        let d = LimitiFile::DMA;
        assert!(d.check_scelta(&scelta(&[("denuncia.pdf", 10)])).expect_err("pdf").to_string().contains("ammessi XML"));
        assert_eq!(d.check_scelta(&scelta(&[("denuncia.XML", 10)])), Ok(()));
        assert_eq!(d.accept().as_deref(), Some(".xml"));
        assert_eq!(LimitiFile::TRACCIATO.check_scelta(&scelta(&[("flusso.dat", 10)])), Ok(()));
    }

    #[test]
    fn sizes_read_in_italian() {
        assert_eq!(dimensione(850), "850 byte");
        assert_eq!(dimensione(1024), "1 KB");
        assert_eq!(dimensione(12 * 1024 + 1), "13 KB");
        assert_eq!(dimensione(3 * 1024 * 1024 + 400 * 1024), "3,4 MB");
        assert_eq!(dimensione(5 * 1024 * 1024), "5,0 MB");
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(nome_sicuro("C:\\Documenti\\nota.pdf"), "nota.pdf");
        assert_eq!(nome_sicuro("../../etc/passwd"), "passwd");
        assert_eq!(nome_sicuro("a\u{0}b\n.pdf"), "ab.pdf");
        assert_eq!(nome_sicuro("fattura\u{202E}fdp.exe"), "fatturafdp.exe");
        assert_eq!(nome_sicuro(".."), "");
        assert_eq!(nome_sicuro("...bashrc.txt"), "bashrc.txt");
        let long = format!("{}.pdf", "x".repeat(300));
        let kept = nome_sicuro(&long);
        assert_eq!(kept.chars().count(), 100);
        assert!(kept.ends_with(".pdf"));
    }
}
