//! Instants are stored as unix seconds; people in Italy read them in Italian civil time. The EU rule
//! (summer time from 01:00 UTC of the last Sunday of March to 01:00 UTC of the last Sunday of October)
//! is small enough to keep here, instead of shipping a time-zone database to the browser.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next_month = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    let mut d = NaiveDate::from_ymd_opt(next_month.0, next_month.1, 1).unwrap_or(NaiveDate::MIN) - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

/// The offset of Italian civil time from UTC at `instant`, in hours (1 = CET, 2 = CEST).
pub fn rome_offset_hours(instant: DateTime<Utc>) -> i64 {
    let year = instant.year();
    let start = last_sunday(year, 3).and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    let end = last_sunday(year, 10).and_hms_opt(1, 0, 0).map(|t| t.and_utc());
    match (start, end) {
        (Some(s), Some(e)) if instant >= s && instant < e => 2,
        _ => 1,
    }
}

/// A date as Italians write it: `dd/mm/yyyy`.
pub fn date_it(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `dd/mm/yyyy hh:mm` in Italian civil time.
pub fn format_rome(unix: i64) -> String {
    let Some(utc) = DateTime::<Utc>::from_timestamp(unix, 0) else { return String::new() };
    let local = utc + Duration::hours(rome_offset_hours(utc));
    local.format("%d/%m/%Y %H:%M").to_string()
}

/// The Italian calendar date of an instant.
pub fn rome_date(unix: i64) -> NaiveDate {
    let utc = DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or_default();
    (utc + Duration::hours(rome_offset_hours(utc))).date_naive()
}

/// The instant of an Italian civil date and time (as a `datetime-local` input gives it). In the hour
/// that repeats in October the summer-time reading wins; a time skipped in March reads as winter time.
pub fn rome_to_unix(local: chrono::NaiveDateTime) -> i64 {
    for offset in [2, 1] {
        let utc = (local - Duration::hours(offset)).and_utc();
        if rome_offset_hours(utc) == offset {
            return utc.timestamp();
        }
    }
    (local - Duration::hours(1)).and_utc().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).expect("instant").timestamp()
    }

    #[test]
    fn summer_and_winter_time() {
        assert_eq!(format_rome(at("2026-01-15T12:00:00Z")), "15/01/2026 13:00");
        assert_eq!(format_rome(at("2026-07-15T12:00:00Z")), "15/07/2026 14:00");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(format_rome(at("2026-03-29T00:59:59Z")), "29/03/2026 01:59");
        assert_eq!(format_rome(at("2026-03-29T01:00:00Z")), "29/03/2026 03:00");
        assert_eq!(format_rome(at("2026-10-25T00:59:00Z")), "25/10/2026 02:59");
        assert_eq!(format_rome(at("2026-10-25T01:00:00Z")), "25/10/2026 02:00");
        let local = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").expect("local");
        assert_eq!(rome_to_unix(local("2026-12-01T09:30")), at("2026-12-01T08:30:00Z"));
        assert_eq!(rome_to_unix(local("2026-07-15T14:00")), at("2026-07-15T12:00:00Z"));
        assert_eq!(rome_to_unix(local("2026-10-25T02:30")), at("2026-10-25T00:30:00Z"), "repeated hour: summer time");
        for s in ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z", "2026-03-29T01:00:00Z"] {
            let t = at(s);
            let shown = chrono::NaiveDateTime::parse_from_str(&format_rome(t), "%d/%m/%Y %H:%M").expect("shown");
            assert_eq!(rome_to_unix(shown), t, "round trip of {s}");
        }
        assert_eq!(rome_date(at("2026-12-31T23:30:00Z")), NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"));
    }
}
