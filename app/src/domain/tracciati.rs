//! The form every tracciato of the Circolare INPDAP 38/2000 has, whatever its field layout: a text file of
//! fixed-length records, one per line. The record length is the declared type's (data, `tracciato_tipi`);
//! the field layout itself is not known to us (docs/domain.md §2), so no field is checked here.
//!
//! Characters are printable ASCII: in a fixed-length record a character is a byte, and an accented letter
//! written as UTF-8 would take two and shift every field after it. Lines end in LF or CR LF; the last one may
//! lack its terminator.

/// A file that has the form of a tracciato: how many records it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Esito {
    pub record: usize,
}

/// Why a file is not a tracciato: the message says, in Italian, where the file goes wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TracciatoRifiutato {
    #[error("Il file è vuoto.")]
    Vuoto,
    #[error(
        "Il file non è un tracciato di testo: alla riga {riga}, carattere {carattere}, c'è un byte non ammesso \
         (0x{byte:02X}). I tracciati sono file di testo (caratteri ASCII stampabili) a record di lunghezza \
         fissa; un'immagine o un documento non possono essere inviati come tracciato."
    )]
    NonTesto { riga: usize, carattere: usize, byte: u8 },
    #[error(
        "La riga {riga} è lunga {lunga} caratteri: i record di questo tipo di tracciato sono di {attesa} \
         caratteri ciascuno."
    )]
    Lunghezza { riga: usize, lunga: usize, attesa: usize },
}

/// Checks `dati` as records of `lunghezza` characters.
pub fn check(dati: &[u8], lunghezza: usize) -> Result<Esito, TracciatoRifiutato> {
    if dati.is_empty() {
        return Err(TracciatoRifiutato::Vuoto);
    }
    let corpo = dati.strip_suffix(b"\n").unwrap_or(dati);
    let mut record = 0;
    for (i, riga) in corpo.split(|b| *b == b'\n').enumerate() {
        let numero = i + 1;
        let riga = riga.strip_suffix(b"\r").unwrap_or(riga);
        if let Some(pos) = riga.iter().position(|b| !(0x20..=0x7e).contains(b)) {
            return Err(TracciatoRifiutato::NonTesto { riga: numero, carattere: pos + 1, byte: riga[pos] });
        }
        if riga.len() != lunghezza {
            return Err(TracciatoRifiutato::Lunghezza { riga: numero, lunga: riga.len(), attesa: lunghezza });
        }
        record += 1;
    }
    Ok(Esito { record })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: usize, len: usize, eol: &str) -> Vec<u8> {
        (0..n).map(|i| format!("{:0>len$}{eol}", i)).collect::<String>().into_bytes()
    }

    #[test]
    fn records_of_the_declared_length_pass_with_either_line_ending() {
        assert_eq!(check(&records(3, 120, "\n"), 120), Ok(Esito { record: 3 }));
        assert_eq!(check(&records(3, 120, "\r\n"), 120), Ok(Esito { record: 3 }));
        // The last record without its terminator.
        let mut last = records(2, 120, "\n");
        last.pop();
        assert_eq!(check(&last, 120), Ok(Esito { record: 2 }));
    }

    #[test]
    fn an_image_is_refused_at_its_first_byte() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let why = check(png, 120).expect_err("refused").to_string();
        assert!(why.contains("non è un tracciato di testo") && why.contains("riga 1, carattere 1"), "{why}");
        assert!(why.contains("0x89"), "{why}");
    }

    #[test]
    fn a_record_of_another_length_or_an_empty_line_is_refused_with_its_line() {
        let mut data = records(2, 120, "\n");
        data.extend_from_slice(b"corto\n");
        let why = check(&data, 120).expect_err("refused").to_string();
        assert!(why.contains("riga 3 è lunga 5 caratteri") && why.contains("120"), "{why}");
        let mut blank = records(1, 120, "\n");
        blank.extend_from_slice(b"\n");
        blank.extend(records(1, 120, "\n"));
        assert!(check(&blank, 120).expect_err("refused").to_string().contains("riga 2 è lunga 0"));
        assert!(check(b"", 120).is_err());
    }

    #[test]
    fn utf8_accents_tabs_and_nul_are_not_record_characters() {
        let mut data = format!("{:<119}", "CITTA'").into_bytes();
        data.push(b'x');
        assert!(check(&data, 120).is_ok());
        for bad in ["è", "\t", "\0"] {
            let line = format!("{bad}{}", "x".repeat(120 - bad.len()));
            assert!(check(line.as_bytes(), 120).is_err(), "{bad:?}");
        }
    }
}
