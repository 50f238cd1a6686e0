//! The queue: what a message is (`Channel`, `NewMessage`), how it is written in the caller's transaction
//! (`enqueue`), when a failed one is tried again (`retry_delay`), the sweep of dead OTP codes and how a message went
//! (`delivery_of`).

use rand::RngCore;

use crate::ssr::db::Db;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Pec,
    /// Through the SMS gateway adapter (`super::outbox::sms`); the subject is not sent.
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Pec => "pec",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "pec" => Some(Channel::Pec),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

pub struct NewMessage<'a> {
    pub channel: Channel,
    /// One address.
    pub recipient: &'a str,
    pub subject: &'a str,
    /// Plain text; the placeholders ([`SECRET`], [`SITE`]) are filled when sending.
    pub body: &'a str,
    /// The same letter in HTML (e-mail and PEC), placeholders filled HTML-escaped. Without it the message is
    /// plain text only.
    pub html: Option<&'a str>,
    /// An `.ics` file (`crate::ssr::avvisi::ics`) attached as `appuntamento.ics`, its `METHOD` repeated in the part's
    /// `Content-Type`.
    pub calendar: Option<&'a str>,
    pub secret: Option<&'a str>,
    pub delega_id: Option<i64>,
    /// The richiesta of the Comunicazione bidirezionale a notice is about (its page lists the notices).
    pub richiesta_id: Option<i64>,
}

/// How long a claim on a row lasts. A whole attempt is cut off well before ([`ATTEMPT_TIMEOUT`]).
pub const LEASE_SECS: i64 = 120;
/// Transient failures after which a message is given up (`fallito`).
pub const MAX_ATTEMPTS: i64 = 12;
/// Where the secret goes; it is never stored in any part.
pub const SECRET: &str = "{segreto}";
/// The site's public address (no trailing `/`), so a notice links to its page.
pub const SITE: &str = "{sito}";
/// The address the message is sent from (the organizer of an appointment's calendar file).
pub const SENDER: &str = "{mittente}";

/// Seconds to wait after the `failed_attempts`-th transient failure: 30 s doubling each time, at most one hour.
pub fn retry_delay(failed_attempts: i64) -> i64 {
    let exponent = (failed_attempts - 1).clamp(0, 20) as u32;
    (30_i64 << exponent).min(3600)
}

pub(super) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// Writes the message in the caller's transaction (the change that causes it commits with it).
pub async fn enqueue(tx: &mut sqlx::Transaction<'_, sqlx::Any>, msg: NewMessage<'_>, now: i64) -> sqlx::Result<i64> {
    let message_id = format!("<{}@cassetto.local>", random_hex(16));
    sqlx::query_scalar(
        "INSERT INTO outbox (channel, recipient, subject, body, body_html, calendar, secret, message_id, delega_id, \
         richiesta_id, status, attempts, next_attempt_at, claimed_until, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'in_coda', 0, $11, 0, $12) RETURNING id",
    )
    .bind(msg.channel.as_str())
    .bind(msg.recipient.trim())
    .bind(msg.subject)
    .bind(msg.body)
    .bind(msg.html.map(str::to_string))
    .bind(msg.calendar.map(str::to_string))
    .bind(msg.secret.map(str::to_string))
    .bind(message_id)
    .bind(msg.delega_id)
    .bind(msg.richiesta_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// What a message whose code died before it went out says in its `last_error`.
pub const DEAD_SECRET: &str = "codice OTP scaduto o sostituito prima dell'invio: messaggio non inviato";

/// Erases the secret of every waiting message whose code can no longer be used, and gives the message up
/// (`fallito`): sending a dead code would only mislead its recipient, and a code kept in the row after its expiry
/// is a secret at rest for nothing. A code is dead when the message is older than the OTP's validity, or when
/// its delega no longer holds a live code issued with this message (replaced by a new one, used, locked).
/// A message claimed by a worker right now is left to that worker (which erases the secret when it records the
/// outcome). Returns how many messages were given up.
pub async fn sweep_dead_secrets(db: &Db, now: i64) -> anyhow::Result<u64> {
    let swept = sqlx::query(
        "UPDATE outbox SET secret = NULL, status = 'fallito', last_error = $1 \
         WHERE secret IS NOT NULL AND status IN ('in_coda', 'in_riprova') AND claimed_until < $2 \
         AND (created_at <= $3 OR (delega_id IS NOT NULL AND NOT EXISTS ( \
             SELECT 1 FROM delega_evidence e WHERE e.outbox_id = outbox.id AND e.otp_hash IS NOT NULL \
             AND e.otp_expires_at > $4)))",
    )
    .bind(DEAD_SECRET)
    .bind(now)
    .bind(now - crate::domain::profili::otp::VALID_SECONDS)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    if swept > 0 {
        tracing::info!(messages = swept, "outbox: dead OTP codes erased, their messages given up");
    }
    Ok(swept)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// (kind, recipient, at), oldest first.
    pub receipts: Vec<(String, String, i64)>,
}

pub async fn delivery_of(db: &Db, outbox_id: i64) -> anyhow::Result<Option<Delivery>> {
    let row: Option<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT status, attempts, last_error FROM outbox WHERE id = $1")
            .bind(outbox_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((status, attempts, last_error)) = row else {
        return Ok(None);
    };
    let receipts: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT kind, recipient, at FROM pec_receipts WHERE outbox_id = $1 ORDER BY id")
            .bind(outbox_id)
            .fetch_all(db.pool())
            .await?;
    Ok(Some(Delivery { status, attempts, last_error, receipts }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(retry_delay(1), 30);
        assert_eq!(retry_delay(2), 60);
        assert_eq!(retry_delay(3), 120);
        assert_eq!(retry_delay(7), 1920);
        assert_eq!(retry_delay(8), 3600);
        assert_eq!(retry_delay(MAX_ATTEMPTS), 3600);
        assert_eq!(retry_delay(1000), 3600);
        assert_eq!(retry_delay(0), 30);
        assert_eq!(retry_delay(-5), 30);
        let mut previous = 0;
        for n in 1..=40 {
            assert!(retry_delay(n) >= previous);
            previous = retry_delay(n);
        }
    }

    #[test]
    fn channels_round_trip() {
        for c in [Channel::Email, Channel::Pec, Channel::Sms] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }
}
