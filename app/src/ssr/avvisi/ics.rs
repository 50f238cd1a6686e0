//! The calendar file of an appointment (RFC 5545), sent as an iTIP message (RFC 5546): `REQUEST` when it is
//! booked, `CANCEL` when it is cancelled. A calendar program matches the two by `UID` and takes the one with
//! the higher `SEQUENCE`, so the cancellation removes exactly the event the booking added.
//!
//! Times are written in UTC (`…Z`): the file then needs no `VTIMEZONE` block, and every program shows the
//! appointment at the right local hour.

use chrono::{DateTime, Utc};

/// What the file asks of the calendar program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Add (or update) the event.
    Request,
    /// Remove it.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person in the file: a display name and an address (`mailto:`).
#[derive(Clone, Copy, Debug)]
pub struct Party<'a> {
    pub name: &'a str,
    pub email: &'a str,
}

/// One appointment. Instants are unix seconds.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    /// The same for the booking and its cancellation.
    pub uid: &'a str,
    pub start: i64,
    pub end: i64,
    /// When the file was made.
    pub stamp: i64,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub organizer: Party<'a>,
    pub attendee: Option<Party<'a>>,
}

/// The whole file, CRLF line endings, lines folded at 75 octets.
pub fn calendar(method: Method, event: &Event<'_>) -> String {
    // A cancellation must outrank the booking it removes (RFC 5546 §2.1.4).
    let (sequence, status) = match method {
        Method::Request => (0, "CONFIRMED"),
        Method::Cancel => (1, "CANCELLED"),
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//INPS//Cassetto previdenziale del contribuente//IT".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("METHOD:{}", method.as_str()),
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape_text(event.uid)),
        format!("SEQUENCE:{sequence}"),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DTEND:{}", utc(event.end)),
        format!("SUMMARY:{}", escape_text(event.summary)),
        format!("LOCATION:{}", escape_text(event.location)),
        format!("DESCRIPTION:{}", escape_text(event.description)),
        format!("ORGANIZER;CN={}:mailto:{}", param(event.organizer.name), uri(event.organizer.email)),
    ];
    if let Some(attendee) = event.attendee {
        lines.push(format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
            param(attendee.name),
            uri(attendee.email)
        ));
    }
    lines.extend([
        format!("STATUS:{status}"),
        "TRANSP:OPAQUE".to_string(),
        "END:VEVENT".to_string(),
        "END:VCALENDAR".to_string(),
    ]);
    fold(&(lines.join("\r\n") + "\r\n"))
}

/// The `METHOD` of a file made by [`calendar`] (the e-mail's `Content-Type` repeats it).
pub fn method_of(ics: &str) -> Option<Method> {
    ics.lines().find_map(|l| match l.trim_end_matches('\r') {
        "METHOD:REQUEST" => Some(Method::Request),
        "METHOD:CANCEL" => Some(Method::Cancel),
        _ => None,
    })
}

fn utc(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or_default().format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped; other control
/// characters dropped, so no value can end its line and start a property of its own.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, always quoted: a quoted value may hold `:`, `;` and `,` but no `"` and no control
/// character (RFC 5545 §3.1), so those are dropped.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// An address after `mailto:`: addresses reach here already parsed, this only keeps a line a line.
fn uri(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect()
}

/// Folds every line longer than 75 octets (RFC 5545 §3.1): the rest goes on continuation lines that start
/// with a space, never splitting a UTF-8 character. Takes and gives CRLF-terminated lines.
pub fn fold(content: &str) -> String {
    const MAX: usize = 75;
    let mut out = String::with_capacity(content.len() + content.len() / 64 * 3);
    for line in content.split_terminator("\r\n") {
        let mut room = MAX;
        let mut used = 0;
        for c in line.chars() {
            if used + c.len_utf8() > room {
                out.push_str("\r\n ");
                // The leading space counts towards the 75 octets of a continuation line.
                room = MAX - 1;
                used = 0;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

/// Undoes [`fold`]: a line break followed by one space or tab is no break.
pub fn unfold(content: &str) -> String {
    content.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(description: &'a str) -> Event<'a> {
        Event {
            uid: "prenotazione-7-1700000000@cassetto.local",
            start: 1_805_443_200, // 2027-03-19T08:00:00Z
            end: 1_805_445_000,
            stamp: 1_800_000_000,
            summary: "Appuntamento INPS – Sede di Roma Eur",
            location: "INPS – Sede di Roma Eur, Roma",
            description,
            organizer: Party { name: "INPS – Sede di Roma Eur", email: "noreply@cassetto.example" },
            attendee: Some(Party { name: "Mario \"Rossi\"\r\nX-EVIL:1", email: "mario@example.it" }),
        }
    }

    fn props(ics: &str) -> Vec<String> {
        unfold(ics).split_terminator("\r\n").map(str::to_string).collect()
    }

    fn value<'a>(lines: &'a [String], name: &str) -> &'a str {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
            .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits_75_octets() {
        let long = "Richiesta n. INPS.7001.2026.0000012 – «Note di rettifica»: è necessaria la quietanza \
                    dell'F24 del 16/04, perché il versamento è stato imputato a un'altra matricola.";
        let ics = calendar(Method::Request, &event(long));
        assert!(ics.ends_with("\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n') && !ics.replace("\r\n", "").contains('\r'));
        for line in ics.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        assert!(ics.contains("\r\n "), "the description is folded");
        // Unfolded, the value is whole again, accents included (no character cut in two).
        let lines = props(&ics);
        assert!(value(&lines, "DESCRIPTION").contains("è stato imputato a un'altra matricola."));
    }

    #[test]
    fn folding_counts_octets_not_characters() {
        let line = format!("SUMMARY:{}", "è".repeat(60));
        let folded = fold(&format!("{line}\r\n"));
        let parts: Vec<&str> = folded.split_terminator("\r\n").collect();
        assert_eq!(parts[0].len(), 74, "8 + 33 × 2 octets: a 34th è would make 76: {parts:?}");
        assert!(parts[1..].iter().all(|p| p.starts_with(' ') && p.len() <= 75));
        assert_eq!(unfold(&folded), format!("{line}\r\n"));
        assert_eq!(fold("SHORT:1\r\n"), "SHORT:1\r\n");
    }

    #[test]
    fn text_values_are_escaped_and_cannot_start_a_property() {
        assert_eq!(escape_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        let ics = calendar(Method::Request, &event("Prima riga\nBEGIN:VALARM; seconda, terza"));
        let lines = props(&ics);
        assert_eq!(value(&lines, "DESCRIPTION"), "Prima riga\\nBEGIN:VALARM\\; seconda\\, terza");
        assert!(!lines.iter().any(|l| l.starts_with("BEGIN:VALARM") || l.starts_with("X-EVIL")), "{lines:?}");
        let attendee = lines.iter().find(|l| l.starts_with("ATTENDEE")).expect("attendee");
        assert!(attendee.starts_with("ATTENDEE;CN=\"Mario RossiX-EVIL:1\";"), "{attendee}");
        assert!(attendee.ends_with(":mailto:mario@example.it"), "{attendee}");
    }

    #[test]
    fn the_cancellation_matches_the_booking() {
        let booked = props(&calendar(Method::Request, &event("x")));
        let cancelled = props(&calendar(Method::Cancel, &event("x")));
        assert_eq!(value(&booked, "METHOD"), "REQUEST");
        assert_eq!(value(&cancelled, "METHOD"), "CANCEL");
        assert_eq!(value(&booked, "UID"), value(&cancelled, "UID"));
        assert_eq!(value(&booked, "DTSTART"), value(&cancelled, "DTSTART"));
        let sequence = |lines: &[String]| value(lines, "SEQUENCE").parse::<u32>().expect("a number");
        assert!(sequence(&cancelled) > sequence(&booked));
        assert_eq!((value(&booked, "STATUS"), value(&cancelled, "STATUS")), ("CONFIRMED", "CANCELLED"));
        assert_eq!(value(&booked, "DTSTART"), "20270319T080000Z");
        assert_eq!(value(&booked, "DTEND"), "20270319T083000Z");
        assert_eq!(booked.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(booked.last().map(String::as_str), Some("END:VCALENDAR"));
        assert_eq!(method_of(&calendar(Method::Cancel, &event("x"))), Some(Method::Cancel));
        assert_eq!(method_of("BEGIN:VCALENDAR\r\n"), None);
    }
}
