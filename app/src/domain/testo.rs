//! What free text a user may send. Letters of every language are welcome (names, addresses); characters
//! that only hide or reorder what a reader sees are not: control characters (other than tab and line
//! breaks), and the Unicode formatting characters that reverse text direction or are invisible — with them
//! an operator reads something other than what is stored ("Trojan Source", spoofed names in a queue).

/// The first character of `text` a user may not send, with its 1-based position.
pub fn carattere_non_ammesso(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| non_ammesso(*c)).map(|(i, c)| (i + 1, c))
}

/// Whether a user may send `c` in free text.
pub fn ammesso(c: char) -> bool {
    !non_ammesso(c)
}

fn non_ammesso(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        // C0, DEL and C1 controls.
        c if c.is_control() => true,
        // Bidirectional embeddings, overrides and isolates; the marks LRM, RLM and ALM.
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' => true,
        // Zero-width space, word joiner, byte-order mark, line and paragraph separators.
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// The Italian refusal for a field holding such a character.
pub fn messaggio(campo: &str, posizione: usize, c: char) -> String {
    format!(
        "Il campo «{campo}» contiene un carattere non ammesso (U+{:04X}, in posizione {posizione}): \
         caratteri di controllo e di formattazione invisibili non sono accettati.",
        u32::from(c)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_of_any_language_and_line_breaks_pass() {
        for ok in
            ["Società Cooperativa «L'Àncora»", "Zoë Müller-Łukasiewicz", "riga 1\r\nriga 2\tfine", "€ 1.234,56", "東京"]
        {
            assert_eq!(carattere_non_ammesso(ok), None, "{ok}");
        }
    }

    #[test]
    fn controls_and_invisible_formatting_are_refused_with_their_position() {
        assert_eq!(carattere_non_ammesso("ab\u{0}c"), Some((3, '\u{0}')));
        assert_eq!(carattere_non_ammesso("\u{1b}[31m"), Some((1, '\u{1b}')));
        assert_eq!(carattere_non_ammesso("x\u{7f}"), Some((2, '\u{7f}')));
        assert_eq!(carattere_non_ammesso("x\u{85}"), Some((2, '\u{85}')));
        assert_eq!(carattere_non_ammesso("admin\u{202E}fdp.exe"), Some((6, '\u{202E}')));
        assert_eq!(carattere_non_ammesso("a\u{2066}b"), Some((2, '\u{2066}')));
        assert_eq!(carattere_non_ammesso("RSS\u{200B}MRA"), Some((4, '\u{200B}')));
        assert_eq!(carattere_non_ammesso("\u{FEFF}testo"), Some((1, '\u{FEFF}')));
    }

    #[test]
    fn the_message_names_field_code_point_and_position() {
        let m = messaggio("testo", 6, '\u{202E}');
        assert!(m.contains("«testo»") && m.contains("U+202E") && m.contains("posizione 6"), "{m}");
    }
}
