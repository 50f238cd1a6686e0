//! Amounts in euro, stored as integer cents.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing was entered (after trimming).
    #[error("L'importo è obbligatorio")]
    Empty,
    /// Not a number in Italian format.
    #[error("Importo non valido: usare il formato 1.234,56")]
    InvalidFormat,
    /// More than two decimal digits.
    #[error("L'importo può avere al massimo 2 decimali")]
    TooManyDecimals,
    /// Too large to represent.
    #[error("L'importo è troppo grande")]
    Overflow,
}

/// An amount of euro in integer cents.
///
/// Cents in an `i64` keep arithmetic exact (no binary floating point) and
/// match how INPS reports amounts. Serialized as a plain integer of cents,
/// which needs no re-validation since every `i64` is a valid amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// Zero euro.
    pub const ZERO: Self = Self(0);

    /// Wraps an amount in cents.
    pub const fn from_cents(cents: i64) -> Self {
        Self(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// Whole euro amount, or `None` on overflow.
    pub const fn from_euros(euros: i64) -> Option<Self> {
        match euros.checked_mul(100) {
            Some(c) => Some(Self(c)),
            None => None,
        }
    }

    /// Addition that reports overflow instead of panicking or wrapping.
    pub const fn checked_add(self, rhs: Self) -> Option<Self> {
        match self.0.checked_add(rhs.0) {
            Some(c) => Some(Self(c)),
            None => None,
        }
    }

    /// Subtraction that reports overflow instead of panicking or wrapping.
    pub const fn checked_sub(self, rhs: Self) -> Option<Self> {
        match self.0.checked_sub(rhs.0) {
            Some(c) => Some(Self(c)),
            None => None,
        }
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses an amount in Italian format.
    ///
    /// Accepts `1.234,56`, `1234,56`, `1234`, `-12,5`, `€ 1.234,56`,
    /// `1.234,56 €` and `€ -1.234,56`. The dot is only a thousands separator
    /// and must group digits by three, so an English `1234.56` is rejected
    /// rather than silently read as 123456 euro.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let mut s = input.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let mut negative = false;
        let mut seen_sign = false;
        let mut seen_euro = false;
        // Sign and euro symbol may come in either order before the number.
        loop {
            if !seen_sign && let Some(rest) = s.strip_prefix(['-', '+']) {
                negative = s.starts_with('-');
                seen_sign = true;
                s = rest.trim_start();
            } else if !seen_euro && let Some(rest) = s.strip_prefix('€') {
                seen_euro = true;
                s = rest.trim_start();
            } else {
                break;
            }
        }
        if !seen_euro && let Some(rest) = s.strip_suffix('€') {
            s = rest.trim_end();
        }
        if s.is_empty() {
            return Err(MoneyError::InvalidFormat);
        }

        let (int_part, dec_part) = match s.split_once(',') {
            Some((i, d)) => (i, Some(d)),
            None => (s, None),
        };

        let mut magnitude: u64 = 0;
        let push = |acc: u64, b: u8| -> Result<u64, MoneyError> {
            acc.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))).ok_or(MoneyError::Overflow)
        };

        // Integer part: plain digits, or groups of three separated by dots.
        let groups: Vec<&str> = int_part.split('.').collect();
        for (i, g) in groups.iter().enumerate() {
            let ok_len = if groups.len() == 1 {
                !g.is_empty()
            } else if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
            if !ok_len || !g.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MoneyError::InvalidFormat);
            }
            for b in g.bytes() {
                magnitude = push(magnitude, b)?;
            }
        }

        // Decimal part: one or two digits.
        let dec = dec_part.unwrap_or("");
        if dec_part.is_some() && dec.is_empty() {
            return Err(MoneyError::InvalidFormat);
        }
        if !dec.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::InvalidFormat);
        }
        if dec.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }
        for i in 0..2 {
            magnitude = push(magnitude, dec.as_bytes().get(i).copied().unwrap_or(b'0'))?;
        }

        let cents = if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() };
        cents.map(Self).ok_or(MoneyError::Overflow)
    }

    /// Italian format with the euro sign in front: `€ 1.234,56`.
    pub fn format_eur(self) -> String {
        format!("€ {self}")
    }
}

impl fmt::Display for Money {
    /// Italian format: `1.234,56`, `-0,05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{},{:02}", migliaia(abs / 100), abs % 100)
    }
}

/// A whole number with the Italian thousands separator: `1.234.567`.
pub fn migliaia(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    grouped
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

// The operators use plain `i64` arithmetic: domain totals (contributions,
// salaries) are many orders of magnitude below `i64::MAX` cents (~92 000
// billion euro). Use `checked_add`/`checked_sub` for untrusted magnitudes.

impl Add for Money {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0 - rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Self) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Self) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

/// Plain `i64` addition, see the note on the operators above.
impl Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Result<i64, MoneyError> {
        Money::parse(s).map(Money::cents)
    }

    #[test]
    fn parses_italian_formats() {
        assert_eq!(m("1.234,56"), Ok(123_456));
        assert_eq!(m("1234,56"), Ok(123_456));
        assert_eq!(m("1234"), Ok(123_400));
        assert_eq!(m("-12,5"), Ok(-1_250));
        assert_eq!(m("€ 1.234,56"), Ok(123_456));
        assert_eq!(m("€1.234,56"), Ok(123_456));
        assert_eq!(m("1.234,56 €"), Ok(123_456));
        assert_eq!(m("€ -1.234,56"), Ok(-123_456));
        assert_eq!(m("-€ 1.234,56"), Ok(-123_456));
        assert_eq!(m("+0,01"), Ok(1));
        assert_eq!(m("-0"), Ok(0));
        assert_eq!(m("1.000.000"), Ok(100_000_000));
        assert_eq!(m("  7,05  "), Ok(705));
    }

    #[test]
    fn rejects_bad_input() {
        use MoneyError as E;
        assert_eq!(m(""), Err(E::Empty));
        assert_eq!(m("1,234"), Err(E::TooManyDecimals));
        assert_eq!(m("abc"), Err(E::InvalidFormat));
        assert_eq!(m("12,"), Err(E::InvalidFormat));
        assert_eq!(m(",50"), Err(E::InvalidFormat));
        assert_eq!(m("1234.56"), Err(E::InvalidFormat));
        assert_eq!(m("1.23"), Err(E::InvalidFormat));
        assert_eq!(m("1..234"), Err(E::InvalidFormat));
        assert_eq!(m(".234"), Err(E::InvalidFormat));
        assert_eq!(m("1,2,3"), Err(E::InvalidFormat));
        assert_eq!(m("--1"), Err(E::InvalidFormat));
        assert_eq!(m("€ € 1"), Err(E::InvalidFormat));
        assert_eq!(m("€"), Err(E::InvalidFormat));
        assert_eq!(m("-"), Err(E::InvalidFormat));
        assert_eq!(m("1 234"), Err(E::InvalidFormat));
        assert_eq!(m("١٢"), Err(E::InvalidFormat));
        assert_eq!(m("99999999999999999999"), Err(E::Overflow));
        assert_eq!(m("92233720368547758,08"), Err(E::Overflow));
    }

    #[test]
    fn extremes() {
        assert_eq!(m("92.233.720.368.547.758,07"), Ok(i64::MAX));
        assert_eq!(m("-92.233.720.368.547.758,08"), Ok(i64::MIN));
        assert_eq!(Money::from_cents(i64::MIN).to_string(), "-92.233.720.368.547.758,08");
    }

    #[test]
    fn displays_italian() {
        assert_eq!(Money::from_cents(123_456).to_string(), "1.234,56");
        assert_eq!(Money::from_cents(-5).to_string(), "-0,05");
        assert_eq!(Money::from_cents(0).to_string(), "0,00");
        assert_eq!(Money::from_cents(100_000).to_string(), "1.000,00");
        assert_eq!(Money::from_cents(99_999).to_string(), "999,99");
        assert_eq!(Money::from_cents(123_456).format_eur(), "€ 1.234,56");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(migliaia(0), "0");
        assert_eq!(migliaia(999), "999");
        assert_eq!(migliaia(1000), "1.000");
        assert_eq!(migliaia(1_234_567), "1.234.567");
    }

    #[test]
    fn arithmetic() {
        let a = Money::from_cents(150);
        let b = Money::from_cents(75);
        assert_eq!(a + b, Money::from_cents(225));
        assert_eq!(a - b, Money::from_cents(75));
        assert_eq!(-a, Money::from_cents(-150));
        assert_eq!([a, b, b].iter().sum::<Money>(), Money::from_cents(300));
        assert_eq!([a, b].into_iter().sum::<Money>(), Money::from_cents(225));
        assert_eq!(Money::from_cents(i64::MAX).checked_add(b), None);
        assert_eq!(Money::from_cents(i64::MIN).checked_sub(b), None);
        assert_eq!(a.checked_sub(b), Some(b));
        assert_eq!(Money::from_euros(3), Some(Money::from_cents(300)));
        assert_eq!(Money::from_euros(i64::MAX), None);
        let mut c = a;
        c += b;
        c -= a;
        assert_eq!(c, b);
    }

    #[test]
    fn serde_is_integer_cents() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error as DeError, I64Deserializer};
        let d: I64Deserializer<DeError> = 12_345i64.into_deserializer();
        assert_eq!(Money::deserialize(d), Ok(Money::from_cents(12_345)));
    }

    proptest! {
        #[test]
        fn display_parse_roundtrip(cents in -1_000_000_000_000_000i64..=1_000_000_000_000_000) {
            let x = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&x.to_string()), Ok(x));
            prop_assert_eq!(Money::parse(&x.format_eur()), Ok(x));
        }

        #[test]
        fn display_parse_roundtrip_any(cents in any::<i64>()) {
            let x = Money::from_cents(cents);
            prop_assert_eq!(x.to_string().parse::<Money>(), Ok(x));
        }

        #[test]
        fn ungrouped_parse(euros in 0u64..10_000_000_000, dec in 0u8..100) {
            let s = format!("{euros},{dec:02}");
            let expected = i64::try_from(euros).expect("small") * 100 + i64::from(dec);
            prop_assert_eq!(m(&s), Ok(expected));
        }

        #[test]
        fn three_decimals_rejected(euros in 0u64..1_000_000, dec in 0u16..1000) {
            prop_assert_eq!(m(&format!("{euros},{dec:03}")), Err(MoneyError::TooManyDecimals));
        }

        #[test]
        fn never_panics(s in "\\PC{0,30}") {
            let _ = Money::parse(&s);
        }
    }
}
