//! Writing CSV cells safely. Every CSV the app writes goes through `campo`: a spreadsheet opening the
//! file must never read a cell as a formula (OWASP "CSV injection"), so a text cell that begins with `=`,
//! `+`, `-`, `@`, a tab or a carriage return is prefixed with a single quote, which spreadsheets show as
//! text. Numbers are the exception, and only numbers of our own making: a cell the caller marks
//! `Campo::Numero` is the formatting of an integer or a `Money` amount the app holds as a number (never
//! text that came in from a user or a file), so a negative amount like `-12,50` stays a number the
//! spreadsheet can sum. A text cell that merely looks like a number (`-12,50` typed by a user) is text
//! and is neutralised.

/// What a cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Campo {
    /// Any text, whatever its origin: neutralised when it could start a formula.
    Testo,
    /// The app's own formatting of a number it holds as one (integer, `Money`): written as is.
    Numero,
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP).
const INNESCHI: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell, neutralised (text) and quoted when it holds the separator, a quote or a line break.
pub fn campo(valore: &str, tipo: Campo) -> String {
    let neutro = match tipo {
        Campo::Testo if valore.starts_with(INNESCHI) => format!("'{valore}"),
        _ => valore.to_string(),
    };
    if neutro.contains([';', '"', '\n', '\r']) { format!("\"{}\"", neutro.replace('"', "\"\"")) } else { neutro }
}

/// One line of cells, `;`-separated (as Italian spreadsheets expect), ending in CRLF.
pub fn riga<'a>(celle: impl IntoIterator<Item = (&'a str, Campo)>) -> String {
    let mut out = celle.into_iter().map(|(v, t)| campo(v, t)).collect::<Vec<_>>().join(";");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_triggers_in_text_are_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\";\"y\")"] {
            let out = campo(bad, Campo::Testo);
            let inner = out.trim_start_matches('"');
            assert!(inner.starts_with('\''), "{bad:?} → {out:?}");
        }
        assert_eq!(campo("=HYPERLINK(\"a\")", Campo::Testo), "\"'=HYPERLINK(\"\"a\"\")\"");
        assert_eq!(campo("\rx", Campo::Testo), "\"'\rx\"");
    }

    #[test]
    fn plain_text_and_our_numbers_are_unchanged() {
        assert_eq!(campo("Rossi & C.", Campo::Testo), "Rossi & C.");
        assert_eq!(campo("a=b", Campo::Testo), "a=b");
        assert_eq!(campo("", Campo::Testo), "");
        assert_eq!(campo("-12,50", Campo::Numero), "-12,50");
        assert_eq!(campo("-3", Campo::Numero), "-3");
        // The same characters typed by someone are text.
        assert_eq!(campo("-12,50", Campo::Testo), "'-12,50");
    }

    #[test]
    fn separators_and_quotes_are_quoted() {
        assert_eq!(campo("a;b", Campo::Testo), "\"a;b\"");
        assert_eq!(campo("say \"hi\"", Campo::Testo), "\"say \"\"hi\"\"\"");
        assert_eq!(riga([("x", Campo::Testo), ("-1", Campo::Numero), ("=1", Campo::Testo)]), "x;-1;'=1\r\n");
    }
}
