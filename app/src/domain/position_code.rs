//! Identifier of a contribution position: a public body (CF Ente plus
//! PRGAZIENDA) or a private employer (INPS matricola).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::partita_iva::PartitaIva;

/// Digits of the CF Ente part of a public position.
const CF_LEN: usize = 11;
/// Digits of the PRGAZIENDA part of a public position.
const PRG_LEN: usize = 5;
/// Digits of a private employer's matricola.
const MATRICOLA_LEN: usize = 10;
/// Largest PRGAZIENDA that fits in five digits.
const PRG_MAX: u32 = 99_999;

/// Why a string is not a valid position code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositionCodeError {
    /// Nothing was entered (after trimming).
    #[error("Il codice posizione è obbligatorio")]
    Empty,
    /// Neither 16 digits (ente) nor 10 digits (matricola).
    #[error("Il codice posizione deve avere 16 cifre (ente pubblico) o 10 cifre (matricola)")]
    WrongFormat,
    /// The CF Ente part fails the numeric check.
    #[error("Il codice fiscale dell'ente non è valido")]
    InvalidEnteCf,
    /// The PRGAZIENDA part is not five digits.
    #[error("Il progressivo azienda deve avere 5 cifre")]
    InvalidPrgAzienda,
    /// A matricola made only of zeros is never assigned.
    #[error("La matricola INPS non può essere composta da soli zeri")]
    MatricolaAllZeros,
}

/// Whether a position belongs to a public body or a private employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PositionKind {
    /// Public body, identified by CF Ente and PRGAZIENDA.
    Pubblica,
    /// Private employer, identified by INPS matricola.
    Privata,
}

/// A validated position code in canonical form: 16 digits for a public body
/// (CF Ente followed by PRGAZIENDA), 10 digits for a private matricola.
///
/// The canonical form is stored so equality, hashing and ordering work on
/// one spelling regardless of how the user typed the separator.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PositionCode {
    canonical: String,
    kind: PositionKind,
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

impl PositionCode {
    /// Parses a position code.
    ///
    /// Accepts `8007875058700000`, `80078750587/00000`, `80078750587-00000`
    /// or `80078750587 00000` for public bodies, and a 10-digit matricola
    /// for private employers. All whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, PositionCodeError> {
        // Whitespace carries no meaning in these codes; users paste them with
        // spaces around or inside the separator.
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let s = compact.as_str();
        if s.is_empty() {
            return Err(PositionCodeError::Empty);
        }
        if let Some((cf, prg)) = s.split_once(['/', '-']) {
            if cf.len() != CF_LEN || !all_digits(cf) {
                return Err(PositionCodeError::InvalidEnteCf);
            }
            return Self::public_parts(cf, prg);
        }
        if !all_digits(s) {
            return Err(PositionCodeError::WrongFormat);
        }
        match s.len() {
            n if n == CF_LEN + PRG_LEN => Self::public_parts(&s[..CF_LEN], &s[CF_LEN..]),
            MATRICOLA_LEN => Self::private_matricola(s),
            _ => Err(PositionCodeError::WrongFormat),
        }
    }

    fn public_parts(cf: &str, prg: &str) -> Result<Self, PositionCodeError> {
        let cf = PartitaIva::parse(cf).map_err(|_| PositionCodeError::InvalidEnteCf)?;
        if prg.len() != PRG_LEN || !all_digits(prg) {
            return Err(PositionCodeError::InvalidPrgAzienda);
        }
        Ok(Self { canonical: format!("{}{prg}", cf.as_str()), kind: PositionKind::Pubblica })
    }

    /// Builds a public position from a validated CF Ente and a PRGAZIENDA
    /// (0 is the default branch). Fails if `prg` has more than five digits.
    pub fn public(cf: &PartitaIva, prg: u32) -> Result<Self, PositionCodeError> {
        if prg > PRG_MAX {
            return Err(PositionCodeError::InvalidPrgAzienda);
        }
        Ok(Self { canonical: format!("{}{prg:05}", cf.as_str()), kind: PositionKind::Pubblica })
    }

    /// Builds a private position from an INPS matricola.
    ///
    /// The matricola's check algorithm is not public, so only the shape is
    /// validated: exactly ten digits, not all zero.
    pub fn private_matricola(matricola: &str) -> Result<Self, PositionCodeError> {
        let m = matricola.trim();
        if m.len() != MATRICOLA_LEN || !all_digits(m) {
            return Err(PositionCodeError::WrongFormat);
        }
        if m.bytes().all(|b| b == b'0') {
            return Err(PositionCodeError::MatricolaAllZeros);
        }
        Ok(Self { canonical: m.to_owned(), kind: PositionKind::Privata })
    }

    /// The canonical form (16 or 10 digits, no separators).
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// Public body or private employer.
    pub fn kind(&self) -> PositionKind {
        self.kind
    }

    /// The CF Ente of a public position.
    pub fn ente_cf(&self) -> Option<PartitaIva> {
        match self.kind {
            PositionKind::Pubblica => PartitaIva::parse(&self.canonical[..CF_LEN]).ok(),
            PositionKind::Privata => None,
        }
    }

    /// The PRGAZIENDA of a public position.
    pub fn prg_azienda(&self) -> Option<u32> {
        match self.kind {
            PositionKind::Pubblica => self.canonical[CF_LEN..].parse().ok(),
            PositionKind::Privata => None,
        }
    }

    /// The matricola of a private position.
    pub fn matricola(&self) -> Option<&str> {
        match self.kind {
            PositionKind::Pubblica => None,
            PositionKind::Privata => Some(&self.canonical),
        }
    }
}

impl fmt::Display for PositionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl FromStr for PositionCode {
    type Err = PositionCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PositionCode {
    type Error = PositionCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PositionCode> for String {
    fn from(value: PositionCode) -> Self {
        value.canonical
    }
}

impl AsRef<str> for PositionCode {
    fn as_ref(&self) -> &str {
        &self.canonical
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn de(s: &str) -> Result<PositionCode, DeError> {
        let d: StrDeserializer<'_, DeError> = s.into_deserializer();
        PositionCode::deserialize(d)
    }

    #[test]
    fn public_forms_normalize() {
        for s in ["8007875058700000", "80078750587/00000", "80078750587-00000", " 80078750587 / 00000 "] {
            let p = PositionCode::parse(s).expect(s);
            assert_eq!(p.as_str(), "8007875058700000");
            assert_eq!(p.kind(), PositionKind::Pubblica);
            assert_eq!(p.ente_cf().map(String::from), Some("80078750587".to_owned()));
            assert_eq!(p.prg_azienda(), Some(0));
            assert_eq!(p.matricola(), None);
        }
    }

    #[test]
    fn constructors() {
        let cf = PartitaIva::parse("80078750587").expect("valid");
        let p = PositionCode::public(&cf, 42).expect("valid");
        assert_eq!(p.as_str(), "8007875058700042");
        assert_eq!(p.prg_azienda(), Some(42));
        assert_eq!(PositionCode::public(&cf, 100_000), Err(PositionCodeError::InvalidPrgAzienda));
        let m = PositionCode::private_matricola("1234567890").expect("valid");
        assert_eq!(m.kind(), PositionKind::Privata);
        assert_eq!(m.matricola(), Some("1234567890"));
        assert_eq!(m.ente_cf(), None);
        assert_eq!(m.prg_azienda(), None);
    }

    #[test]
    fn rejections() {
        use PositionCodeError as E;
        assert_eq!(PositionCode::parse(" "), Err(E::Empty));
        assert_eq!(PositionCode::parse("8007875058800000"), Err(E::InvalidEnteCf));
        assert_eq!(PositionCode::parse("80078750588/00000"), Err(E::InvalidEnteCf));
        assert_eq!(PositionCode::parse("8007875058/00000"), Err(E::InvalidEnteCf));
        assert_eq!(PositionCode::parse("80078750587/0000"), Err(E::InvalidPrgAzienda));
        assert_eq!(PositionCode::parse("80078750587/0000A"), Err(E::InvalidPrgAzienda));
        assert_eq!(PositionCode::parse("80078750587/00/000"), Err(E::InvalidPrgAzienda));
        assert_eq!(PositionCode::parse("0000000000"), Err(E::MatricolaAllZeros));
        assert_eq!(PositionCode::parse("123456789"), Err(E::WrongFormat));
        assert_eq!(PositionCode::parse("12345678901"), Err(E::WrongFormat));
        assert_eq!(PositionCode::parse("12345A7890"), Err(E::WrongFormat));
        assert_eq!(PositionCode::private_matricola("80078750587"), Err(E::WrongFormat));
    }

    #[test]
    fn serde_revalidates() {
        assert_eq!(de("80078750587/00001").map(String::from), Ok("8007875058700001".to_owned()));
        assert!(de("0000000000").is_err());
    }

    proptest! {
        #[test]
        fn public_roundtrip(prefix in "[0-9]{10}", prg in 0u32..=99_999, sep in prop::sample::select(vec!["", "/", "-"])) {
            prop_assume!(prefix != "0000000000");
            let cf = PartitaIva::with_check(&prefix).expect("with_check");
            let built = PositionCode::public(&cf, prg).expect("valid prg");
            let typed = format!("{}{sep}{prg:05}", cf.as_str());
            let parsed = PositionCode::parse(&typed).expect("parses");
            prop_assert_eq!(&parsed, &built);
            prop_assert_eq!(parsed.ente_cf(), Some(cf));
            prop_assert_eq!(parsed.prg_azienda(), Some(prg));
            prop_assert_eq!(PositionCode::parse(parsed.as_str()), Ok(parsed));
        }

        #[test]
        fn matricola_roundtrip(m in "[0-9]{10}") {
            prop_assume!(m != "0000000000");
            let p = PositionCode::parse(&m).expect("parses");
            prop_assert_eq!(p.kind(), PositionKind::Privata);
            prop_assert_eq!(p.as_str(), m.as_str());
            prop_assert_eq!(de(&m), Ok(p));
        }
    }
}
