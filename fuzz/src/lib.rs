//! The checks of the fuzz targets, one function per target, each taking the raw bytes libFuzzer gives.
//! They are shared, word for word, by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the regression
//! tests of the normal suite (`app/tests/fuzz_regressions.rs` includes this file with `#[path]`), so an input
//! kept under `fuzz/regressions/<target>/` is replayed with exactly the assertions that found it.
//!
//! Only `app`'s public API, `std` and `serde_json` (a dependency of `app`) are used here: the file must
//! compile both in the fuzz crate and as a module of an integration test of `app`.
//!
//! Every check is "no panic" plus the properties written next to it; a failed property panics, which
//! libFuzzer reports as a crash like any other.

use std::io::BufReader;

use app::domain::allegati::{self, AllegatoRifiutato, File, MAX_FILE, Tipo, nome_sicuro};
use app::domain::dma::listapospa::{
    IMPORTO_MASSIMO, TipoGestione, leggi_data, leggi_importo, leggi_mese, leggi_numero, scrivi_importo,
};
use app::domain::dma::manuale::{
    BozzaDenuncia, BozzaGestione, BozzaInquadramento, BozzaLavoratore, BozzaPeriodo, BozzaRata, testo,
};
use app::domain::{CodiceFiscale, CodiceFiscaleKind, Money, PartitaIva, Period, PositionCode, PositionKind};
use app::error::AppError;
use app::ssr::comunicazioni::{Allegato, pacchetto_allegati};
use app::ssr::dma::listapospa::{Illeggibile, Lettura, Limiti, leggi, leggi_lavoratori};

// ---------------------------------------------------------------------------------------------------------
// codici: codice fiscale, partita IVA, position code.
// ---------------------------------------------------------------------------------------------------------

/// Whether `s` is made only of ASCII digits and has `len` of them.
fn digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// The JSON string holding `s`, for the deserialization checks.
fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a str always serializes")
}

/// Codice fiscale, partita IVA and position code parsers on any text: no panic; whatever `parse` accepts
/// has a canonical `as_str()` of the documented shape that parses back to the same value, and
/// deserialization (which goes through the same constructor) agrees with `parse`.
pub fn codici(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();

    // Codice fiscale.
    let cf = CodiceFiscale::parse(s);
    let de: Result<CodiceFiscale, _> = serde_json::from_str(&json(s));
    assert_eq!(cf.as_ref().ok(), de.as_ref().ok(), "CF: serde and parse disagree on {s:?}");
    if let Ok(cf) = &cf {
        check_cf(cf);
    }
    if let Ok(cf) = CodiceFiscale::with_check(s) {
        check_cf(&cf);
    }
    let _ = app::domain::compute_check_char(s);

    // Partita IVA.
    let piva = PartitaIva::parse(s);
    let de: Result<PartitaIva, _> = serde_json::from_str(&json(s));
    assert_eq!(piva.as_ref().ok(), de.as_ref().ok(), "P.IVA: serde and parse disagree on {s:?}");
    if let Ok(p) = &piva {
        check_piva(p);
    }
    if let Ok(p) = PartitaIva::with_check(s) {
        check_piva(&p);
    }

    // Position code.
    let pos = PositionCode::parse(s);
    let de: Result<PositionCode, _> = serde_json::from_str(&json(s));
    assert_eq!(pos.as_ref().ok(), de.as_ref().ok(), "position: serde and parse disagree on {s:?}");
    if let Ok(p) = &pos {
        check_position(p);
    }
    if let Ok(p) = PositionCode::private_matricola(s) {
        check_position(&p);
    }
}

fn check_cf(cf: &CodiceFiscale) {
    let canon = cf.as_str();
    assert_eq!(CodiceFiscale::parse(canon).as_ref(), Ok(cf), "CF round trip of {canon:?}");
    assert_eq!(cf.to_string(), canon);
    match cf.kind() {
        CodiceFiscaleKind::PersonaFisica => {
            assert!(cf.is_person());
            assert!(
                canon.len() == 16 && canon.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                "CF canonical form {canon:?}"
            );
            assert!(cf.as_partita_iva().is_none());
            let _ = cf.is_omocodic();
        }
        CodiceFiscaleKind::Numerico => {
            assert!(!cf.is_person() && !cf.is_omocodic());
            assert!(digits(canon, 11), "numeric CF canonical form {canon:?}");
            let p = cf.as_partita_iva().expect("a numeric CF is a partita IVA");
            assert_eq!(p.as_str(), canon);
            assert_eq!(&CodiceFiscale::from(p.clone()), cf);
        }
    }
    let back: CodiceFiscale = serde_json::from_str(&serde_json::to_string(cf).expect("ser")).expect("de");
    assert_eq!(&back, cf, "CF serde round trip");
}

fn check_piva(p: &PartitaIva) {
    let canon = p.as_str();
    assert!(digits(canon, 11), "P.IVA canonical form {canon:?}");
    assert_eq!(PartitaIva::parse(canon).as_ref(), Ok(p), "P.IVA round trip of {canon:?}");
    assert_eq!(PartitaIva::with_check(&canon[..10]).as_ref(), Ok(p), "P.IVA check digit of {canon:?}");
    assert_eq!(CodiceFiscale::parse(canon), Ok(CodiceFiscale::from(p.clone())), "P.IVA as CF {canon:?}");
    assert_eq!(p.office_code(), &canon[7..10]);
    let _ = p.is_vat_registered();
    let back: PartitaIva = serde_json::from_str(&serde_json::to_string(p).expect("ser")).expect("de");
    assert_eq!(&back, p, "P.IVA serde round trip");
}

fn check_position(p: &PositionCode) {
    let canon = p.as_str();
    assert_eq!(PositionCode::parse(canon).as_ref(), Ok(p), "position round trip of {canon:?}");
    match p.kind() {
        PositionKind::Pubblica => {
            assert!(digits(canon, 16), "public position canonical form {canon:?}");
            let cf = p.ente_cf().expect("a public position has a CF Ente");
            let prg = p.prg_azienda().expect("a public position has a PRGAZIENDA");
            assert_eq!(PositionCode::public(&cf, prg).as_ref(), Ok(p), "public position rebuilt");
            assert!(p.matricola().is_none());
        }
        PositionKind::Privata => {
            assert!(digits(canon, 10), "matricola canonical form {canon:?}");
            assert_eq!(p.matricola(), Some(canon));
            assert!(p.ente_cf().is_none() && p.prg_azienda().is_none());
            assert_eq!(PositionCode::private_matricola(canon).as_ref(), Ok(p));
        }
    }
    let back: PositionCode = serde_json::from_str(&serde_json::to_string(p).expect("ser")).expect("de");
    assert_eq!(&back, p, "position serde round trip");
}

// ---------------------------------------------------------------------------------------------------------
// allegati: the attachment type check.
// ---------------------------------------------------------------------------------------------------------

/// The files an `allegati` input describes: a count byte, then per file a one-byte name length, the name
/// (lossy UTF-8), a two-byte little-endian content length and the content. A short input simply ends the
/// list (missing lengths and bytes are taken as far as they go).
pub fn file_da_byte(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Some((&count, mut rest)) = data.split_first() else { return Vec::new() };
    let mut take = |n: usize| -> &[u8] {
        let (head, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        head
    };
    let mut files = Vec::new();
    // Up to one more than admitted, so the "too many files" answer is reached too.
    for _ in 0..usize::from(count) % (MAX_FILE + 2) {
        let name_len = take(1).first().copied().map_or(0, usize::from);
        let name = String::from_utf8_lossy(take(name_len)).into_owned();
        let len = match take(2) {
            [a, b] => usize::from(u16::from_le_bytes([*a, *b])),
            [a] => usize::from(*a),
            _ => 0,
        };
        files.push((name, take(len).to_vec()));
    }
    files
}

/// The name cleaning, the type by name, the content check and the whole-set check on any bytes and names:
/// no panic; a cleaned name is short, without paths or control characters, and cleaning it again changes
/// nothing; an accepted set only holds admitted, conforming files; the zip packaging accepts exactly what the
/// check accepts and lists the names as given.
pub fn allegati(data: &[u8]) {
    // The whole input as one file's content and as one name.
    for tipo in [Tipo::Pdf, Tipo::Png, Tipo::Jpeg, Tipo::Xml, Tipo::Testo] {
        let _ = tipo.contenuto_conforme(data);
    }
    let as_name = String::from_utf8_lossy(data);
    let _ = Tipo::da_nome(&as_name);
    check_nome_sicuro(&as_name);

    // The input as a set of files, checked as received and as the server does (names cleaned first).
    let files = file_da_byte(data);
    for (nome, _) in &files {
        check_nome_sicuro(nome);
    }
    let grezzi: Vec<File<'_>> = files.iter().map(|(nome, dati)| File { nome, dati }).collect();
    let _ = check_verifica(&grezzi);

    let puliti: Vec<Allegato> =
        files.into_iter().map(|(nome, dati)| Allegato { nome: nome_sicuro(&nome), dati }).collect();
    let set: Vec<File<'_>> = puliti.iter().map(|a| File { nome: &a.nome, dati: &a.dati }).collect();
    let verdetto = check_verifica(&set);
    match (verdetto, pacchetto_allegati(&puliti)) {
        (Ok(()), Ok(None)) => assert!(puliti.is_empty(), "files accepted but not packaged"),
        (Ok(()), Ok(Some((nomi, zip)))) => {
            let attesi: Vec<&str> = puliti.iter().map(|a| a.nome.as_str()).collect();
            assert_eq!(nomi.lines().collect::<Vec<_>>(), attesi, "packaged names");
            assert!(zip.starts_with(b"PK\x03\x04"), "not a zip");
        }
        (Err(why), Err(AppError::Invalid(msg))) => {
            assert_eq!(why.to_string(), msg, "packaging refuses for another reason")
        }
        (v, p) => panic!("check and packaging disagree: verifica {v:?}, pacchetto {p:?}"),
    }
}

fn check_nome_sicuro(nome: &str) {
    let pulito = nome_sicuro(nome);
    assert!(pulito.chars().count() <= 100, "cleaned name too long: {pulito:?}");
    assert!(!pulito.chars().any(|c| c.is_control() || c == '/' || c == '\\'), "cleaned name {pulito:?}");
    assert_eq!(pulito.trim(), pulito, "cleaned name not trimmed");
    assert_eq!(nome_sicuro(&pulito), pulito, "cleaning is not idempotent on {nome:?}");
}

fn check_verifica(files: &[File<'_>]) -> Result<(), AllegatoRifiutato> {
    let verdetto = allegati::check(files);
    match &verdetto {
        Ok(()) => {
            assert!(files.len() <= MAX_FILE);
            for f in files {
                let tipo = Tipo::da_nome(f.nome).expect("an accepted file has an admitted type");
                assert!(tipo.contenuto_conforme(f.dati), "accepted file with non-conforming content");
                assert!(!f.dati.is_empty() && f.dati.len() <= allegati::MAX_BYTES_FILE);
            }
        }
        Err(why) => assert!(!why.to_string().is_empty()),
    }
    verdetto
}

// ---------------------------------------------------------------------------------------------------------
// valori: the value readers of ListaPosPA files and of the hand-made DMA.
// ---------------------------------------------------------------------------------------------------------

/// The value readers on any text: no panic; a refusal carries the reader's own code; an amount accepted is
/// within `IMPORTO_MASSIMO`; whatever is accepted, written back in its canonical form, reads back the same.
pub fn valori(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let pulito = testo(&s);
    assert_eq!(testo(&pulito), pulito, "testo is not idempotent");
    assert!(!pulito.chars().any(char::is_control) && pulito.trim() == pulito);
    // As the file reader sees a value (trimmed) and as the draft does (cleaned), and raw.
    for v in [s.as_ref(), s.trim(), pulito.as_str()] {
        valore(v);
    }
}

fn valore(v: &str) {
    match leggi_importo(v) {
        Ok(m) => {
            // The bound that keeps every sum of an import within i64 cents.
            assert!(m.cents().unsigned_abs() <= IMPORTO_MASSIMO.cents().unsigned_abs(), "amount {m} beyond the limit");
            assert_eq!(leggi_importo(&scrivi_importo(m)), Ok(m), "amount round trip of {v:?}");
            assert_eq!(Money::parse(&m.format_eur()), Ok(m), "amount (€) round trip of {v:?}");
        }
        Err((code, why)) => assert!(code == "CAS040" && !why.is_empty()),
    }
    match leggi_data(v) {
        Ok(d) => assert_eq!(leggi_data(&d.format("%Y-%m-%d").to_string()), Ok(d), "date round trip of {v:?}"),
        Err((code, _)) => assert_eq!(code, "CAS041"),
    }
    match leggi_mese(v) {
        Ok(p) => {
            assert_eq!(leggi_mese(&p.iso()), Ok(p), "month round trip of {v:?}");
            assert_eq!(Period::parse(&p.to_string()), Ok(p), "month (Italian form) round trip of {v:?}");
            assert!(p.contains(p.first_day()) && p.contains(p.last_day()) && p.first_day() <= p.last_day());
            assert!(p.next().is_none_or(|n| n > p) && p.prev().is_none_or(|n| n < p));
        }
        Err((code, _)) => assert_eq!(code, "CAS043"),
    }
    numero::<u8>(v);
    numero::<u16>(v);
    numero::<u32>(v);
    numero::<i64>(v);
}

fn numero<T>(v: &str)
where
    T: std::str::FromStr + ToString + PartialEq + std::fmt::Debug,
{
    match leggi_numero::<T>(v) {
        Ok(n) => assert_eq!(leggi_numero::<T>(&n.to_string()), Ok(n), "number round trip of {v:?}"),
        Err((code, _)) => assert_eq!(code, "CAS042"),
    }
}

// ---------------------------------------------------------------------------------------------------------
// bozza: the hand-made DMA declaration against the import of its own XML.
// ---------------------------------------------------------------------------------------------------------

/// Fields of one worker in a `bozza` input.
const CAMPI_LAVORATORE: usize = 26;

/// A draft from `|`-separated fields: the month, then up to three workers of `CAMPI_LAVORATORE` fields each
/// (missing fields are empty). The heading is a real position's, as the server sets it (`importa_bozza`).
pub fn bozza_da_byte(data: &[u8]) -> BozzaDenuncia {
    let s = String::from_utf8_lossy(data);
    let campi: Vec<&str> = s.split('|').collect();
    let campo = |i: usize| campi.get(i).copied().unwrap_or_default().to_string();
    let lavoratori = campi.len().saturating_sub(1).div_ceil(CAMPI_LAVORATORE).clamp(1, 3);
    let mut bozza = BozzaDenuncia {
        mese: String::new(),
        cf_azienda: "80078750587".to_string(),
        prg_azienda: "00000".to_string(),
        lavoratori: (0..lavoratori)
            .map(|w| {
                let base = 1 + w * CAMPI_LAVORATORE;
                let c = |i: usize| campo(base + i);
                let tipo = TipoGestione::ALL[c(15).len() % TipoGestione::ALL.len()];
                let id = u32::try_from(w).unwrap_or_default();
                BozzaLavoratore {
                    id,
                    codice_fiscale: c(0),
                    cognome: c(1),
                    nome: c(2),
                    periodi: vec![
                        BozzaPeriodo {
                            id: 2 * id,
                            v1: false,
                            causale: String::new(),
                            inizio: c(3),
                            fine: c(4),
                            inquadramento: BozzaInquadramento {
                                tipo_impiego: c(5),
                                tipo_servizio: c(6),
                                contratto: c(7),
                                qualifica: c(8),
                                tipo_part_time: c(9),
                                perc_part_time: c(10),
                                regime_fine_servizio: c(11),
                            },
                            gestioni: vec![BozzaGestione {
                                id: 0,
                                tipo,
                                cod_gestione: c(12),
                                imponibile: c(13),
                                contributo: c(14),
                            }],
                        },
                        BozzaPeriodo {
                            id: 2 * id + 1,
                            v1: true,
                            causale: c(16),
                            inizio: c(17),
                            fine: c(18),
                            ..BozzaPeriodo::nuovo(2 * id + 1, "")
                        },
                    ],
                    rate: vec![BozzaRata {
                        id: 0,
                        anno_mese_rif: c(19),
                        cod_gestione: c(20),
                        tipo_piano: c(21),
                        prg_rata: c(22),
                        totale_rate: c(23),
                        importo: c(24),
                        tipo_operazione: c(25),
                    }],
                }
            })
            .collect(),
    };
    // Setting the month fills the E0 days left empty, as the form does.
    bozza.imposta_mese(campo(0));
    bozza
}

/// A hand-made declaration of any text: no panic; when its month can be read, the import of the XML it
/// writes finds the same workers and the same problems in the same order (the module's promise).
pub fn bozza(data: &[u8]) {
    let bozza = bozza_da_byte(data);
    let lavoratori = bozza.lavoratori();
    let check = bozza.check();
    let xml = bozza.scrivi_xml();
    let mut letti = Vec::new();
    let lettura = leggi_lavoratori(xml.as_bytes(), Limiti::default(), &mut |l| letti.push(l.clone()));
    match check {
        Ok(errori) => {
            let lettura = lettura.unwrap_or_else(|e| panic!("the draft's own XML is refused: {e:?}\n{xml}"));
            assert_eq!(letti, lavoratori, "the import reads other workers than the draft's\n{xml}");
            assert_eq!(lettura.errori, errori, "the import finds other problems than the draft\n{xml}");
        }
        // An unreadable month: the import refuses the file whole.
        Err(why) => {
            assert!(!why.is_empty());
            assert!(lettura.is_err(), "a draft without a month, but its XML is imported\n{xml}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// listapospa: the reader of ListaPosPA files.
// ---------------------------------------------------------------------------------------------------------

/// Small limits, so the fuzzer reaches every refusal (a real ListaPosPA record is 9 levels deep).
pub const LIMITI_PICCOLI: Limiti = Limiti {
    max_bytes: 3_000,
    max_depth: 12,
    max_elements: 200,
    max_errori: 4,
    max_testo: 64,
    max_evento: 256,
    max_voci: 4,
};

/// Limits no fuzz input reaches (libFuzzer inputs stay far below 1 MiB).
pub const LIMITI_LARGHI: Limiti = Limiti {
    max_bytes: 1 << 30,
    max_depth: 1 << 20,
    max_elements: u64::MAX,
    max_errori: usize::MAX,
    max_testo: usize::MAX,
    max_evento: u64::MAX,
    max_voci: usize::MAX,
};

/// The refusals `leggi` documents; any other message would be an unexpected path.
const RIFIUTI: [&str; 16] = [
    "Il file supera il limite di ",
    "Il file non è un XML ben formato: ",
    "Il file contiene una DTD: non è ammessa.",
    "Il file contiene troppi elementi.",
    "Il file è annidato troppo in profondità.",
    "Il file contiene testo non leggibile ",
    "Il file dichiara la codifica «",
    "Il file è in UTF-16: ",
    "AnnoMeseDenuncia mancante, non valido o dopo i lavoratori",
    "Il file ha più di ",
    "Il file caricato non è leggibile.",
    "Il file usa un'entità non ammessa.",
    "Mancano AnnoMeseDenuncia o CFAzienda: non è una denuncia ListaPosPA.",
    "Il valore dell'elemento «",
    "Il record del lavoratore ",
    "Un testo del file supera il limite di ",
];

/// Any bytes through the ListaPosPA reader: an answer, never a panic; a refusal is one of the documented
/// ones (a size refusal only past the size limit); a reading has its heading and keeps at most `max_errori`
/// problems while counting all; small limits only refuse or truncate, never change a reading; reading
/// through any buffer size gives the same answer; each record is handed over once.
pub fn listapospa(data: &[u8]) {
    let piccola = leggi(data, LIMITI_PICCOLI);
    check_lettura(data, &piccola, LIMITI_PICCOLI);

    let mut consegnati = 0u64;
    let larga = leggi_lavoratori(data, LIMITI_LARGHI, &mut |_| consegnati += 1);
    check_lettura(data, &larga, LIMITI_LARGHI);
    if let Ok(l) = &larga {
        assert_eq!(l.lavoratori, consegnati, "records handed over");
    }

    // Streaming: the answer does not depend on how the bytes arrive — the same reading, or a refusal of the
    // same kind (quick-xml's detail may differ: with a buffer under 3 bytes it does not see a UTF-8 BOM and
    // keeps it as text, which shifts the byte offsets it reports; regressions/listapospa/found-bom-*).
    let capacita = 1 + data.len() % 13;
    let a_pezzi = leggi(BufReader::with_capacity(capacita, data), LIMITI_LARGHI);
    match (&a_pezzi, &larga) {
        (Err(a), Err(b)) => assert_eq!(rifiuto(a), rifiuto(b), "a {capacita}-byte buffer: {a:?} instead of {b:?}"),
        _ => assert_eq!(a_pezzi, larga, "reading through a {capacita}-byte buffer gives another answer"),
    }

    // Smaller limits refuse more or keep fewer problems, nothing else.
    if let Ok(p) = &piccola {
        let l = larga.as_ref().expect("accepted with small limits, refused with large ones");
        assert_eq!(
            (&p.anno_mese, &p.cf_azienda, &p.prg_azienda, p.lavoratori, &p.totali, p.numero_errori),
            (&l.anno_mese, &l.cf_azienda, &l.prg_azienda, l.lavoratori, &l.totali, l.numero_errori),
            "the limits changed the reading"
        );
        assert!(l.errori.starts_with(&p.errori), "the kept problems are not the first ones");
    }
}

/// Which of the documented refusals a refusal is (`RIFIUTI.len()` for none).
fn rifiuto(e: &Illeggibile) -> usize {
    RIFIUTI.iter().position(|r| e.0.starts_with(r)).unwrap_or(RIFIUTI.len())
}

fn check_lettura(data: &[u8], lettura: &Result<Lettura, Illeggibile>, limiti: Limiti) {
    match lettura {
        Ok(l) => {
            assert!(l.anno_mese.is_some() && l.cf_azienda.is_some(), "a reading without its heading");
            let tenuti = u64::try_from(l.errori.len()).expect("len");
            assert!(l.errori.len() <= limiti.max_errori, "more problems kept than allowed");
            assert_eq!(tenuti, l.numero_errori.min(u64::try_from(limiti.max_errori).unwrap_or(u64::MAX)));
        }
        Err(Illeggibile(msg)) => {
            assert!(rifiuto(&Illeggibile(msg.clone())) < RIFIUTI.len(), "undocumented refusal: {msg:?}");
            if msg.starts_with(RIFIUTI[0]) {
                let len = u64::try_from(data.len()).expect("len");
                assert!(len > limiti.max_bytes, "size refusal of {len} bytes under a {} limit", limiti.max_bytes);
            }
        }
    }
}
