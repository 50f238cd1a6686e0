//! Italian VAT number (partita IVA) and, by extension, the 11-digit numeric
//! codice fiscale of legal entities, which uses the same check digit.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Number of digits in a partita IVA.
const LEN: usize = 11;

/// Why a string is not a valid partita IVA.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitaIvaError {
    /// Nothing was entered (after trimming).
    #[error("La partita IVA è obbligatoria")]
    Empty,
    /// Not exactly 11 characters.
    #[error("La partita IVA deve avere 11 cifre")]
    WrongLength {
        /// Number of characters found.
        found: usize,
    },
    /// Contains something other than ASCII digits.
    #[error("La partita IVA deve contenere solo cifre")]
    NonDigit,
    /// "00000000000" passes the checksum but is never assigned.
    #[error("La partita IVA non può essere composta da soli zeri")]
    AllZeros,
    /// The last digit does not match the checksum of the first ten.
    #[error("La cifra di controllo della partita IVA non è corretta")]
    BadCheckDigit,
    /// `with_check` needs exactly ten digits.
    #[error("Servono 10 cifre per calcolare la cifra di controllo")]
    InvalidPrefix,
}

/// A validated 11-digit partita IVA.
///
/// The field is private so the only way to obtain one is through
/// [`PartitaIva::parse`] (or deserialization, which calls it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartitaIva(String);

/// Computes the check digit (0-9) of ten ASCII digits, or `None` if the
/// input is not exactly ten ASCII digits.
///
/// Odd 1-based positions are summed as they are; even positions are doubled
/// and reduced by 9 when above 9 (Luhn-like). The check digit brings the total
/// to a multiple of ten.
pub(crate) fn check_digit(first10: &[u8]) -> Option<u8> {
    if first10.len() != LEN - 1 || !first10.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let total: u32 = first10
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                d
            } else {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            }
        })
        .sum();
    // `total % 10` is < 10, so the result always fits in a u8 digit.
    Some(((10 - total % 10) % 10) as u8)
}

impl PartitaIva {
    /// Parses and validates a partita IVA. Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, PartitaIvaError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PartitaIvaError::Empty);
        }
        let found = s.chars().count();
        if found != LEN {
            return Err(PartitaIvaError::WrongLength { found });
        }
        let bytes = s.as_bytes();
        if !bytes.iter().all(u8::is_ascii_digit) {
            return Err(PartitaIvaError::NonDigit);
        }
        if bytes.iter().all(|&b| b == b'0') {
            return Err(PartitaIvaError::AllZeros);
        }
        let expected = check_digit(&bytes[..LEN - 1]).ok_or(PartitaIvaError::NonDigit)?;
        if bytes[LEN - 1] - b'0' != expected {
            return Err(PartitaIvaError::BadCheckDigit);
        }
        Ok(Self(s.to_owned()))
    }

    /// Builds a valid partita IVA from its first ten digits by appending the
    /// computed check digit. Handy for generating demo and test data.
    pub fn with_check(first10: &str) -> Result<Self, PartitaIvaError> {
        let prefix = first10.trim();
        let check = check_digit(prefix.as_bytes()).ok_or(PartitaIvaError::InvalidPrefix)?;
        Self::parse(&format!("{prefix}{check}"))
    }

    /// The canonical 11-digit string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Code of the provincial tax office that issued the number
    /// (digits 8-10, 1-based).
    pub fn office_code(&self) -> &str {
        &self.0[7..10]
    }

    /// Whether this is an actual VAT registration.
    ///
    /// Numbers whose first seven digits are 8000000 or above are numeric
    /// codici fiscali of entities without VAT (public bodies, associations),
    /// such as INPS itself.
    pub fn is_vat_registered(&self) -> bool {
        // The first seven bytes are ASCII digits by construction.
        let serial = self.0.as_bytes()[..7].iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        serial < 8_000_000
    }
}

impl fmt::Display for PartitaIva {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PartitaIva {
    type Err = PartitaIvaError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PartitaIva {
    type Error = PartitaIvaError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PartitaIva> for String {
    fn from(value: PartitaIva) -> Self {
        value.0
    }
}

impl AsRef<str> for PartitaIva {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid() {
        for s in ["80078750587", "00743110157", "02438750586"] {
            let p = PartitaIva::parse(s).expect(s);
            assert_eq!(p.as_str(), s);
            assert_eq!(p.to_string(), s);
        }
    }

    #[test]
    fn trims_input() {
        assert_eq!(PartitaIva::parse("  00743110157\n").map(|p| p.as_str().to_owned()), Ok("00743110157".to_owned()));
    }

    #[test]
    fn rejections() {
        assert_eq!(PartitaIva::parse(""), Err(PartitaIvaError::Empty));
        assert_eq!(PartitaIva::parse("   "), Err(PartitaIvaError::Empty));
        assert_eq!(PartitaIva::parse("0074311015"), Err(PartitaIvaError::WrongLength { found: 10 }));
        assert_eq!(PartitaIva::parse("0074311015A"), Err(PartitaIvaError::NonDigit));
        assert_eq!(PartitaIva::parse("0074311015é"), Err(PartitaIvaError::NonDigit));
        // Digits from other scripts (full-width, Arabic-Indic, superscript) are digits to Unicode but not to
        // the Agenzia delle Entrate: never normalised into the ASCII number they look like.
        assert_eq!(PartitaIva::parse("８００７８７５０５８７"), Err(PartitaIvaError::NonDigit));
        assert_eq!(PartitaIva::parse("8007875058７"), Err(PartitaIvaError::NonDigit));
        assert_eq!(PartitaIva::parse("8007875058\u{0667}"), Err(PartitaIvaError::NonDigit));
        assert_eq!(PartitaIva::parse("8007875058\u{2077}"), Err(PartitaIvaError::NonDigit));
        assert_eq!(PartitaIva::parse("80078750587\u{200B}"), Err(PartitaIvaError::WrongLength { found: 12 }));
        assert_eq!(PartitaIva::parse("00000000000"), Err(PartitaIvaError::AllZeros));
        assert_eq!(PartitaIva::parse("00743110158"), Err(PartitaIvaError::BadCheckDigit));
    }

    #[test]
    fn with_check_and_helpers() {
        let p = PartitaIva::with_check("8007875058").expect("valid");
        assert_eq!(p.as_str(), "80078750587");
        assert!(!p.is_vat_registered());
        assert_eq!(p.office_code(), "058");
        let q = PartitaIva::parse("00743110157").expect("valid");
        assert!(q.is_vat_registered());
        assert_eq!(q.office_code(), "015");
        assert_eq!(PartitaIva::with_check("123"), Err(PartitaIvaError::InvalidPrefix));
        assert_eq!(PartitaIva::with_check("0000000000"), Err(PartitaIvaError::AllZeros));
    }

    #[test]
    fn italian_messages() {
        assert_eq!(PartitaIvaError::WrongLength { found: 3 }.to_string(), "La partita IVA deve avere 11 cifre");
    }

    #[test]
    fn serde_revalidates() {
        use serde::de::IntoDeserializer;
        type E = serde::de::value::Error;
        let ok = PartitaIva::deserialize("02438750586".into_deserializer() as serde::de::value::StrDeserializer<'_, E>);
        assert_eq!(ok.map(String::from), Ok("02438750586".to_owned()));
        let bad =
            PartitaIva::deserialize("02438750587".into_deserializer() as serde::de::value::StrDeserializer<'_, E>);
        assert!(bad.is_err());
    }

    proptest! {
        #[test]
        fn with_check_roundtrip(prefix in "[0-9]{10}") {
            prop_assume!(prefix != "0000000000");
            let p = PartitaIva::with_check(&prefix).expect("with_check");
            prop_assert!(p.as_str().starts_with(&prefix));
            prop_assert_eq!(PartitaIva::parse(p.as_str()), Ok(p.clone()));
            prop_assert_eq!(p.as_str().parse::<PartitaIva>(), Ok(p));
        }

        #[test]
        fn single_digit_mutation_detected(prefix in "[0-9]{10}", pos in 0usize..11, delta in 1u8..10) {
            prop_assume!(prefix != "0000000000");
            let p = PartitaIva::with_check(&prefix).expect("with_check");
            let mut bytes = p.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let mutated = String::from_utf8(bytes).expect("ascii");
            prop_assert!(PartitaIva::parse(&mutated).is_err());
        }
    }
}
