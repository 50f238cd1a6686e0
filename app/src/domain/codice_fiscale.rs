//! Italian codice fiscale: either the 16-character code of a natural person
//! or the 11-digit numeric code of a legal entity.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::partita_iva::{PartitaIva, PartitaIvaError};

/// Length of a natural person's code.
const PERSON_LEN: usize = 16;
/// Length of a legal entity's numeric code.
const NUMERIC_LEN: usize = 11;

/// 0-based positions that hold digits (year, day, cadastral number) and may
/// be replaced by letters when two people would get the same code (omocodia).
const DIGIT_POSITIONS: [usize; 7] = [6, 7, 9, 10, 12, 13, 14];

/// Omocodia substitution letters: index `d` replaces digit `d`.
const OMOCODE_LETTERS: &[u8; 10] = b"LMNPQRSTUV";

/// Month letters, January to December.
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";

/// Check-character values of characters in odd 1-based positions, indexed by
/// letter (A=0..Z=25); digit `d` uses the same value as the `d`-th letter.
const ODD_VALUES: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/// Why a string is not a valid codice fiscale.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodiceFiscaleError {
    /// Nothing was entered (after trimming).
    #[error("Il codice fiscale è obbligatorio")]
    Empty,
    /// Neither 16 characters nor 11 digits.
    #[error("Il codice fiscale deve avere 16 caratteri (o 11 cifre)")]
    WrongLength {
        /// Number of characters found.
        found: usize,
    },
    /// A character that is not an ASCII letter or digit.
    #[error("Il codice fiscale contiene un carattere non valido in posizione {position}")]
    InvalidCharacter {
        /// 1-based position.
        position: usize,
    },
    /// A letter where a digit is expected or vice versa.
    #[error("Il codice fiscale non ha un formato valido (posizione {position})")]
    Malformed {
        /// 1-based position.
        position: usize,
    },
    /// The ninth character is not one of the month letters.
    #[error("Il mese di nascita nel codice fiscale non è valido")]
    InvalidMonth,
    /// The day is not 01-31 (men) or 41-71 (women).
    #[error("Il giorno di nascita nel codice fiscale non è valido")]
    InvalidDay,
    /// The last character does not match the first fifteen.
    #[error("Il carattere di controllo del codice fiscale non è corretto")]
    BadCheckChar,
    /// An 11-digit code that fails the numeric validation.
    #[error("Il codice fiscale numerico non è valido")]
    Numeric(#[source] PartitaIvaError),
    /// `with_check` needs exactly fifteen letters or digits.
    #[error("Servono 15 caratteri per calcolare il carattere di controllo")]
    InvalidPrefix,
    /// A valid 11-digit code where the domain needs a natural person (an account holder, a legal
    /// representative, an employee): the numeric code belongs to a company or public body.
    #[error(
        "Serve il codice fiscale di una persona fisica (16 caratteri): quello di 11 cifre è il codice di un ente o \
         di una società"
    )]
    NotAPerson,
}

/// Which form a [`CodiceFiscale`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodiceFiscaleKind {
    /// 16-character code of a natural person.
    PersonaFisica,
    /// 11-digit code of a company or public body.
    Numerico,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Person(String),
    Numeric(PartitaIva),
}

/// A validated codice fiscale, in canonical uppercase form.
///
/// Both forms live in one type because INPS forms accept either in the same
/// field. Omocodic variants of the same person are distinct values: the code
/// is compared as written, since that is what the registry stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CodiceFiscale(Repr);

/// Value of an ASCII uppercase letter or digit for the check character,
/// given whether its 1-based position is odd.
fn char_value(b: u8, odd: bool) -> Option<u32> {
    let idx = match b {
        b'0'..=b'9' => usize::from(b - b'0'),
        b'A'..=b'Z' => usize::from(b - b'A'),
        _ => return None,
    };
    if odd { ODD_VALUES.get(idx).copied() } else { u32::try_from(idx).ok() }
}

/// Computes the check character of the first 15 characters of a personal
/// codice fiscale. Lowercase is accepted. Returns `None` unless the input is
/// exactly 15 ASCII letters or digits; the layout itself is not checked.
pub fn compute_check_char(first15: &str) -> Option<char> {
    let upper = first15.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    if bytes.len() != PERSON_LEN - 1 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        // 0-based even index == 1-based odd position.
        sum += char_value(b, i % 2 == 0)?;
    }
    // sum % 26 < 26, so the addition stays within 'A'..='Z'.
    Some(char::from(b'A' + (sum % 26) as u8))
}

/// Digit value of a digit or its omocodia letter.
fn decode_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        _ => OMOCODE_LETTERS.iter().position(|&l| l == b).and_then(|d| u8::try_from(d).ok()),
    }
}

/// Validates an uppercase 16-character personal code.
fn validate_person(s: &str) -> Result<(), CodiceFiscaleError> {
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let position = i + 1;
        if !b.is_ascii_alphanumeric() {
            return Err(CodiceFiscaleError::InvalidCharacter { position });
        }
        let ok = if DIGIT_POSITIONS.contains(&i) { decode_digit(b).is_some() } else { b.is_ascii_uppercase() };
        if !ok {
            return Err(CodiceFiscaleError::Malformed { position });
        }
    }
    if !MONTH_LETTERS.contains(&bytes[8]) {
        return Err(CodiceFiscaleError::InvalidMonth);
    }
    let day = match (decode_digit(bytes[9]), decode_digit(bytes[10])) {
        (Some(t), Some(u)) => t * 10 + u,
        _ => return Err(CodiceFiscaleError::Malformed { position: 10 }),
    };
    if !matches!(day, 1..=31 | 41..=71) {
        return Err(CodiceFiscaleError::InvalidDay);
    }
    let expected =
        compute_check_char(&s[..PERSON_LEN - 1]).ok_or(CodiceFiscaleError::Malformed { position: PERSON_LEN })?;
    if char::from(bytes[PERSON_LEN - 1]) != expected {
        return Err(CodiceFiscaleError::BadCheckChar);
    }
    Ok(())
}

impl CodiceFiscale {
    /// Parses a codice fiscale. Surrounding whitespace is ignored and letters
    /// are uppercased, because users often type codes in lowercase.
    ///
    /// Characters are checked before uppercasing: Unicode case mapping turns look-alikes into ASCII
    /// (`ſ` → `S`, `ı` → `I`, `ß` → `SS`), and a code typed with them must not pass for the real one.
    pub fn parse(input: &str) -> Result<Self, CodiceFiscaleError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(CodiceFiscaleError::Empty);
        }
        if let Some(i) = trimmed.chars().position(|c| !c.is_ascii_alphanumeric()) {
            return Err(CodiceFiscaleError::InvalidCharacter { position: i + 1 });
        }
        let s = trimmed.to_ascii_uppercase();
        let found = s.len();
        if found == NUMERIC_LEN && s.bytes().all(|b| b.is_ascii_digit()) {
            return PartitaIva::parse(&s).map(|p| Self(Repr::Numeric(p))).map_err(CodiceFiscaleError::Numeric);
        }
        if found != PERSON_LEN {
            return Err(CodiceFiscaleError::WrongLength { found });
        }
        validate_person(&s)?;
        Ok(Self(Repr::Person(s)))
    }

    /// Parses a codice fiscale that must belong to a natural person: an account holder, an Ente's legal
    /// representative, an employee. A well-formed 11-digit code is refused with its own message
    /// ([`CodiceFiscaleError::NotAPerson`]), because "valid but of an ente" tells the user what to fix where
    /// a generic "not valid" would not. Malformed input keeps the error [`CodiceFiscale::parse`] gives.
    pub fn parse_person(input: &str) -> Result<Self, CodiceFiscaleError> {
        let cf = Self::parse(input)?;
        if cf.is_person() { Ok(cf) } else { Err(CodiceFiscaleError::NotAPerson) }
    }

    /// Builds a valid personal code from its first 15 characters by appending
    /// the computed check character. Used to generate demo data.
    pub fn with_check(first15: &str) -> Result<Self, CodiceFiscaleError> {
        let prefix = first15.trim();
        let check = compute_check_char(prefix).ok_or(CodiceFiscaleError::InvalidPrefix)?;
        Self::parse(&format!("{prefix}{check}"))
    }

    /// The canonical (uppercase, trimmed) code.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Person(s) => s,
            Repr::Numeric(p) => p.as_str(),
        }
    }

    /// Whether this is a natural person's 16-character code.
    pub fn is_person(&self) -> bool {
        matches!(self.0, Repr::Person(_))
    }

    /// Which form the code has.
    pub fn kind(&self) -> CodiceFiscaleKind {
        match self.0 {
            Repr::Person(_) => CodiceFiscaleKind::PersonaFisica,
            Repr::Numeric(_) => CodiceFiscaleKind::Numerico,
        }
    }

    /// The numeric code viewed as a partita IVA, for legal entities.
    pub fn as_partita_iva(&self) -> Option<&PartitaIva> {
        match &self.0 {
            Repr::Person(_) => None,
            Repr::Numeric(p) => Some(p),
        }
    }

    /// Whether a personal code contains omocodia letters in digit positions.
    pub fn is_omocodic(&self) -> bool {
        match &self.0 {
            Repr::Person(s) => DIGIT_POSITIONS.iter().any(|&i| !s.as_bytes()[i].is_ascii_digit()),
            Repr::Numeric(_) => false,
        }
    }
}

impl From<PartitaIva> for CodiceFiscale {
    /// Every partita IVA is also the numeric codice fiscale of its holder.
    fn from(value: PartitaIva) -> Self {
        Self(Repr::Numeric(value))
    }
}

impl fmt::Display for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CodiceFiscale {
    type Err = CodiceFiscaleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CodiceFiscale {
    type Error = CodiceFiscaleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CodiceFiscale> for String {
    fn from(value: CodiceFiscale) -> Self {
        match value.0 {
            Repr::Person(s) => s,
            Repr::Numeric(p) => p.into(),
        }
    }
}

impl AsRef<str> for CodiceFiscale {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn de(s: &str) -> Result<CodiceFiscale, DeError> {
        let d: StrDeserializer<'_, DeError> = s.into_deserializer();
        CodiceFiscale::deserialize(d)
    }

    #[test]
    fn known_valid() {
        for s in ["RSSMRA85T10A562S", "MRTMTT25D09F205Z"] {
            let cf = CodiceFiscale::parse(s).expect(s);
            assert_eq!(cf.as_str(), s);
            assert!(cf.is_person());
            assert_eq!(cf.kind(), CodiceFiscaleKind::PersonaFisica);
            assert!(!cf.is_omocodic());
            assert_eq!(compute_check_char(&s[..15]), s.chars().last());
        }
    }

    #[test]
    fn normalizes_case_and_whitespace() {
        let cf = CodiceFiscale::parse("  rssmra85t10a562s ").expect("valid");
        assert_eq!(cf.as_str(), "RSSMRA85T10A562S");
        assert_eq!(cf.to_string(), "RSSMRA85T10A562S");
        assert_eq!("rssmra85t10a562s".parse::<CodiceFiscale>(), Ok(cf));
    }

    #[test]
    fn numeric_form() {
        let cf = CodiceFiscale::parse("80078750587").expect("INPS");
        assert!(!cf.is_person());
        assert_eq!(cf.kind(), CodiceFiscaleKind::Numerico);
        assert_eq!(cf.as_partita_iva().map(PartitaIva::as_str), Some("80078750587"));
        assert_eq!(
            CodiceFiscale::parse("80078750588"),
            Err(CodiceFiscaleError::Numeric(PartitaIvaError::BadCheckDigit))
        );
        assert_eq!(CodiceFiscale::parse("00000000000"), Err(CodiceFiscaleError::Numeric(PartitaIvaError::AllZeros)));
    }

    #[test]
    fn omocodic_variant() {
        // Omocodia on the last digit of the cadastral code (2 -> N).
        let cf = CodiceFiscale::with_check("RSSMRA85T10A56N").expect("valid");
        assert!(cf.is_omocodic());
        assert!(CodiceFiscale::parse("RSSMRA85T10A56NS").is_err());
    }

    #[test]
    fn rejections() {
        use CodiceFiscaleError as E;
        assert_eq!(CodiceFiscale::parse(""), Err(E::Empty));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562"), Err(E::WrongLength { found: 15 }));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562SX"), Err(E::WrongLength { found: 17 }));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A56-S"), Err(E::InvalidCharacter { position: 15 }));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A56ÈS"), Err(E::InvalidCharacter { position: 15 }));
        // Look-alikes that Unicode uppercasing would turn into the real code's letters and digits.
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562ſ"), Err(E::InvalidCharacter { position: 16 }));
        assert_eq!(CodiceFiscale::parse("ıSSMRA85T10A562S"), Err(E::InvalidCharacter { position: 1 }));
        assert_eq!(CodiceFiscale::parse("RßMRA85T10A562S"), Err(E::InvalidCharacter { position: 2 }));
        assert_eq!(CodiceFiscale::parse("RSSMRA８5T10A562S"), Err(E::InvalidCharacter { position: 7 }));
        assert_eq!(CodiceFiscale::parse("０１２３４５６７８９０"), Err(E::InvalidCharacter { position: 1 }));
        assert_eq!(CodiceFiscale::parse("RSSMR185T10A562S"), Err(E::Malformed { position: 6 }));
        assert_eq!(CodiceFiscale::parse("RSSMRAA5T10A562S"), Err(E::Malformed { position: 7 }));
        assert_eq!(CodiceFiscale::parse("RSSMRA85F10A562S"), Err(E::InvalidMonth));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T00A562S"), Err(E::InvalidDay));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T32A562S"), Err(E::InvalidDay));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T72A562S"), Err(E::InvalidDay));
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562T"), Err(E::BadCheckChar));
        assert_eq!(CodiceFiscale::with_check("RSSMRA"), Err(E::InvalidPrefix));
    }

    #[test]
    fn look_alikes_never_fold_into_a_valid_code() {
        use CodiceFiscaleError as E;
        // Each of these becomes RSSMRA85T10A562S (or the INPS numeric code) under Unicode case folding or
        // width normalisation; none may parse, in any case, at any length.
        for s in [
            "rßmra85t10a562s",
            "Rßmra85t10a562s",
            "rsſmra85t10a562s",
            "RSSMRA85T10A562ſ",
            "rssmra85t10a562ſ",
            "RSSMRA85T10A562S\u{130}",
            "ｒｓｓｍｒａ８５ｔ１０ａ５６２ｓ",
            "ＲＳＳＭＲＡ85T10A562S",
            "８００７８７５０５８７",
            "8007875058７",
            "RSSMRA85T10A562S\u{200B}",
            "RSSMRA\u{0665}5T10A562S",
        ] {
            assert!(matches!(CodiceFiscale::parse(s), Err(E::InvalidCharacter { .. })), "{s:?} accepted");
            assert!(matches!(CodiceFiscale::parse_person(s), Err(E::InvalidCharacter { .. })), "{s:?} accepted");
        }
        assert_eq!(CodiceFiscale::parse("frnglı80a41h501ı"), Err(E::InvalidCharacter { position: 6 }));
        // The same code in plain ASCII, lowercase, is fine.
        assert_eq!(CodiceFiscale::parse("rssmra85t10a562s").map(String::from), Ok("RSSMRA85T10A562S".to_owned()));
    }

    #[test]
    fn person_required() {
        use CodiceFiscaleError as E;
        assert_eq!(CodiceFiscale::parse_person(" rssmra85t10a562s ").map(String::from), Ok("RSSMRA85T10A562S".into()));
        assert_eq!(CodiceFiscale::parse_person("80078750587"), Err(E::NotAPerson));
        // A broken numeric code is reported as broken, not as "not a person".
        assert_eq!(CodiceFiscale::parse_person("80078750588"), Err(E::Numeric(PartitaIvaError::BadCheckDigit)));
        assert_eq!(CodiceFiscale::parse_person("RSSMRA85T10A562T"), Err(E::BadCheckChar));
        assert_eq!(CodiceFiscale::parse_person(""), Err(E::Empty));
        assert!(E::NotAPerson.to_string().contains("persona fisica"));
    }

    #[test]
    fn female_day_offset() {
        assert!(CodiceFiscale::with_check("RSSMRA85T50A562").is_ok());
        assert!(CodiceFiscale::with_check("RSSMRA85T71A562").is_ok());
        assert_eq!(CodiceFiscale::with_check("RSSMRA85T40A562"), Err(CodiceFiscaleError::InvalidDay));
    }

    #[test]
    fn italian_messages() {
        assert_eq!(
            CodiceFiscaleError::WrongLength { found: 3 }.to_string(),
            "Il codice fiscale deve avere 16 caratteri (o 11 cifre)"
        );
        assert_eq!(
            CodiceFiscaleError::BadCheckChar.to_string(),
            "Il carattere di controllo del codice fiscale non è corretto"
        );
    }

    #[test]
    fn serde_revalidates() {
        assert_eq!(de("rssmra85t10a562s").map(String::from), Ok("RSSMRA85T10A562S".to_owned()));
        assert!(de("RSSMRA85T10A562T").is_err());
        assert!(de("80078750587").is_ok());
    }

    /// Strategy for 15-character prefixes that satisfy the layout, with any
    /// mix of digits and omocodia letters and a valid day.
    fn valid_prefix() -> impl Strategy<Value = String> {
        let day = prop_oneof![1u8..=31, 41u8..=71];
        (
            "[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST]",
            day,
            proptest::bool::ANY,
            proptest::bool::ANY,
            "[A-Z][0-9LMNPQRSTUV]{3}",
        )
            .prop_map(|(head, day, omo_t, omo_u, tail)| {
                let enc = |d: u8, omo: bool| char::from(if omo { OMOCODE_LETTERS[usize::from(d)] } else { b'0' + d });
                format!("{head}{}{}{tail}", enc(day / 10, omo_t), enc(day % 10, omo_u))
            })
    }

    /// Characters allowed at a 0-based position of the first 15.
    fn allowed_at(i: usize) -> Vec<u8> {
        if DIGIT_POSITIONS.contains(&i) {
            (b'0'..=b'9').chain(OMOCODE_LETTERS.iter().copied()).collect()
        } else if i == 8 {
            MONTH_LETTERS.to_vec()
        } else {
            (b'A'..=b'Z').collect()
        }
    }

    proptest! {
        #[test]
        fn with_check_always_parses(prefix in valid_prefix()) {
            let cf = CodiceFiscale::with_check(&prefix).expect("valid prefix");
            prop_assert_eq!(cf.as_str().len(), 16);
            prop_assert!(cf.as_str().starts_with(&prefix));
            prop_assert_eq!(CodiceFiscale::parse(&cf.as_str().to_lowercase()), Ok(cf.clone()));
            prop_assert_eq!(de(cf.as_str()), Ok(cf));
        }

        #[test]
        fn single_substitution_is_rejected(prefix in valid_prefix(), pos in 0usize..16, pick in any::<prop::sample::Index>()) {
            let cf = CodiceFiscale::with_check(&prefix).expect("valid prefix");
            let mut bytes = cf.as_str().as_bytes().to_vec();
            let allowed = if pos == 15 { (b'A'..=b'Z').collect() } else { allowed_at(pos) };
            let others: Vec<u8> = allowed.into_iter().filter(|&b| b != bytes[pos]).collect();
            bytes[pos] = *pick.get(&others);
            let mutated = String::from_utf8(bytes).expect("ascii");
            // Every single substitution changes the check sum, so the old
            // check character can never fit.
            prop_assert!(CodiceFiscale::parse(&mutated).is_err(), "{} accepted", mutated);
        }

        #[test]
        fn omocodia_swap_with_recomputed_check(prefix in valid_prefix(), which in 0usize..7) {
            let pos = DIGIT_POSITIONS[which];
            let mut bytes = prefix.into_bytes();
            let swapped = match bytes[pos] {
                d @ b'0'..=b'9' => OMOCODE_LETTERS[usize::from(d - b'0')],
                l => {
                    let d = decode_digit(l).expect("omocode letter");
                    b'0' + d
                }
            };
            bytes[pos] = swapped;
            let swapped_prefix = String::from_utf8(bytes).expect("ascii");
            prop_assert!(CodiceFiscale::with_check(&swapped_prefix).is_ok());
        }

        #[test]
        fn every_omocodic_variant_parses(prefix in "[A-Z]{6}[0-9]{2}[ABCDEHLMPRST]", day in prop_oneof![1u8..=31, 41u8..=71], tail in "[A-Z][0-9]{3}", mask in 0u8..128) {
            let base = format!("{prefix}{day:02}{tail}");
            let mut bytes = base.into_bytes();
            for (bit, &pos) in DIGIT_POSITIONS.iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    bytes[pos] = OMOCODE_LETTERS[usize::from(bytes[pos] - b'0')];
                }
            }
            let variant = String::from_utf8(bytes).expect("ascii");
            let cf = CodiceFiscale::with_check(&variant).expect("omocodic variant");
            prop_assert_eq!(cf.is_omocodic(), mask != 0);
        }
    }
}
