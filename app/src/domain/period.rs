//! Calendar month used as the unit of contribution periods.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Earliest supported year: no contribution record predates it.
const MIN_YEAR: u16 = 1900;
/// Latest supported year: a sanity bound that catches typos like 20024.
const MAX_YEAR: u16 = 2100;

/// Why a string or pair of numbers is not a valid period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Nothing was entered (after trimming).
    #[error("Il periodo è obbligatorio")]
    Empty,
    /// Neither `AAAA-MM` nor `MM/AAAA`.
    #[error("Periodo non valido: usare il formato MM/AAAA")]
    InvalidFormat,
    /// Month outside 1-12.
    #[error("Il mese deve essere compreso tra 1 e 12")]
    InvalidMonth,
    /// Year outside the supported range.
    #[error("L'anno deve essere compreso tra 1900 e 2100")]
    YearOutOfRange,
}

/// A year and month, such as March 2024.
///
/// Field order (year, then month) makes the derived `Ord` chronological.
/// Displayed in Italian as `03/2024`; serialized as ISO `2024-03` so that
/// stored values sort as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: u16,
    month: u8,
}

/// Parses 1-2 ASCII digits (month) or exactly 4 (year); `None` otherwise.
fn parse_digits(s: &str, lens: std::ops::RangeInclusive<usize>) -> Option<u32> {
    if !lens.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

impl Period {
    /// Builds a period from numbers, checking the supported ranges.
    pub fn new(year: u32, month: u32) -> Result<Self, PeriodError> {
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m)).ok_or(PeriodError::InvalidMonth)?;
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
            .ok_or(PeriodError::YearOutOfRange)?;
        Ok(Self { year, month })
    }

    /// The period containing a date, if its year is in range.
    pub fn from_date(date: NaiveDate) -> Result<Self, PeriodError> {
        let year = u32::try_from(date.year()).map_err(|_| PeriodError::YearOutOfRange)?;
        Self::new(year, date.month())
    }

    /// Parses `2024-03` (ISO) or `03/2024` (Italian); the month may have
    /// one digit. Surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, PeriodError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PeriodError::Empty);
        }
        let (year, month) = if let Some((y, m)) = s.split_once('-') {
            (y, m)
        } else if let Some((m, y)) = s.split_once('/') {
            (y, m)
        } else {
            return Err(PeriodError::InvalidFormat);
        };
        let year = parse_digits(year, 4..=4).ok_or(PeriodError::InvalidFormat)?;
        let month = parse_digits(month, 1..=2).ok_or(PeriodError::InvalidFormat)?;
        Self::new(year, month)
    }

    /// The year (1900-2100).
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1-12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// ISO form `2024-03`, used for storage and APIs.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// Number of days in the month.
    pub fn days_in_month(self) -> u8 {
        match self.month {
            4 | 6 | 9 | 11 => 30,
            2 if is_leap(self.year) => 29,
            2 => 28,
            _ => 31,
        }
    }

    fn date(self, day: u8) -> NaiveDate {
        // Year 1900-2100, month 1-12 and day within the month are all
        // guaranteed by construction, so chrono always accepts them.
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), u32::from(day))
            .expect("Period invariant: year, month and day are in range")
    }

    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        self.date(1)
    }

    /// Last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.date(self.days_in_month())
    }

    /// The following month, or `None` after December 2100.
    pub fn next(self) -> Option<Self> {
        if self.month == 12 {
            (self.year < MAX_YEAR).then(|| Self { year: self.year + 1, month: 1 })
        } else {
            Some(Self { year: self.year, month: self.month + 1 })
        }
    }

    /// The preceding month, or `None` before January 1900.
    pub fn prev(self) -> Option<Self> {
        if self.month == 1 {
            (self.year > MIN_YEAR).then(|| Self { year: self.year - 1, month: 12 })
        } else {
            Some(Self { year: self.year, month: self.month - 1 })
        }
    }

    /// Whether a date falls within this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        date.year() == i32::from(self.year) && date.month() == u32::from(self.month)
    }
}

impl fmt::Display for Period {
    /// Italian form `03/2024`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:04}", self.month, self.year)
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Period> for String {
    fn from(value: Period) -> Self {
        value.iso()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    fn de(s: &str) -> Result<Period, DeError> {
        let d: StrDeserializer<'_, DeError> = s.into_deserializer();
        Period::deserialize(d)
    }

    fn p(y: u32, m: u32) -> Period {
        Period::new(y, m).expect("valid period")
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(Period::parse("2024-03"), Ok(p(2024, 3)));
        assert_eq!(Period::parse("03/2024"), Ok(p(2024, 3)));
        assert_eq!(Period::parse(" 3/2024 "), Ok(p(2024, 3)));
        assert_eq!("2024-3".parse::<Period>(), Ok(p(2024, 3)));
        assert_eq!(p(2024, 3).to_string(), "03/2024");
        assert_eq!(p(2024, 3).iso(), "2024-03");
        assert_eq!(p(2024, 3).year(), 2024);
        assert_eq!(p(2024, 3).month(), 3);
    }

    #[test]
    fn rejections() {
        use PeriodError as E;
        assert_eq!(Period::parse(""), Err(E::Empty));
        assert_eq!(Period::parse("202403"), Err(E::InvalidFormat));
        assert_eq!(Period::parse("24-03"), Err(E::InvalidFormat));
        assert_eq!(Period::parse("2024-003"), Err(E::InvalidFormat));
        assert_eq!(Period::parse("2024-+3"), Err(E::InvalidFormat));
        assert_eq!(Period::parse("2024-03-01"), Err(E::InvalidFormat));
        assert_eq!(Period::parse("2024-13"), Err(E::InvalidMonth));
        assert_eq!(Period::parse("00/2024"), Err(E::InvalidMonth));
        assert_eq!(Period::parse("1899-12"), Err(E::YearOutOfRange));
        assert_eq!(Period::parse("2101-01"), Err(E::YearOutOfRange));
        assert_eq!(Period::new(2024, 256 + 3), Err(E::InvalidMonth));
    }

    #[test]
    fn days_and_bounds() {
        assert_eq!(p(2024, 2).last_day(), d(2024, 2, 29));
        assert_eq!(p(2023, 2).last_day(), d(2023, 2, 28));
        assert_eq!(p(1900, 2).last_day(), d(1900, 2, 28));
        assert_eq!(p(2000, 2).last_day(), d(2000, 2, 29));
        assert_eq!(p(2024, 4).last_day(), d(2024, 4, 30));
        assert_eq!(p(2024, 12).first_day(), d(2024, 12, 1));
        assert_eq!(p(2024, 12).next(), Some(p(2025, 1)));
        assert_eq!(p(2024, 1).prev(), Some(p(2023, 12)));
        assert_eq!(p(2100, 12).next(), None);
        assert_eq!(p(1900, 1).prev(), None);
        assert!(p(2024, 3).contains(d(2024, 3, 31)));
        assert!(!p(2024, 3).contains(d(2024, 4, 1)));
        assert!(p(2023, 12) < p(2024, 1));
        assert_eq!(Period::from_date(d(2024, 3, 15)), Ok(p(2024, 3)));
        assert_eq!(Period::from_date(d(1800, 3, 15)), Err(PeriodError::YearOutOfRange));
    }

    #[test]
    fn serde_uses_iso_and_revalidates() {
        assert_eq!(de("2024-03"), Ok(p(2024, 3)));
        assert_eq!(String::from(p(2024, 3)), "2024-03");
        assert!(de("2024-13").is_err());
    }

    fn any_period() -> impl Strategy<Value = Period> {
        (1900u32..=2100, 1u32..=12).prop_map(|(y, m)| p(y, m))
    }

    proptest! {
        #[test]
        fn iso_and_italian_roundtrip(per in any_period()) {
            prop_assert_eq!(Period::parse(&per.iso()), Ok(per));
            prop_assert_eq!(Period::parse(&per.to_string()), Ok(per));
            prop_assert_eq!(de(&String::from(per)), Ok(per));
        }

        #[test]
        fn next_prev_inverse(per in any_period()) {
            if let Some(n) = per.next() {
                prop_assert!(n > per);
                prop_assert_eq!(n.prev(), Some(per));
                prop_assert_eq!(n.first_day(), per.last_day().succ_opt().expect("in range"));
            }
            if let Some(pr) = per.prev() {
                prop_assert!(pr < per);
                prop_assert_eq!(pr.next(), Some(per));
            }
        }

        #[test]
        fn days_are_contained(per in any_period(), day in 1u32..=31) {
            let first = per.first_day();
            let last = per.last_day();
            prop_assert!(first <= last);
            prop_assert!(per.contains(first));
            prop_assert!(per.contains(last));
            prop_assert!(!per.contains(last.succ_opt().expect("in range")));
            prop_assert!(!per.contains(first.pred_opt().expect("in range")));
            if let Some(date) = first.with_day(day) {
                prop_assert!(per.contains(date));
                prop_assert_eq!(Period::from_date(date), Ok(per));
            }
        }
    }
}
