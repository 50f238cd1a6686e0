//! The notification outbox (SECURITY.md, Durability): a message is written in the same transaction as the change
//! that causes it (`enqueue`) and delivered later by a worker (`deliver_due`, `spawn_worker`) over SMTP, or over the SMS gateway
//! adapter (`super::outbox::sms`).
//!
//! - A row is claimed with a conditional UPDATE and a lease before it is sent, so several server processes can run
//!   workers over one database and each message goes out once. Its Message-ID is fixed at enqueue time, so a retry
//!   after an unclear failure (connection lost after DATA) carries the same Message-ID.
//! - A transient failure (no connection, timeout, 4xx) is retried with exponential backoff ([`retry_delay`]); a
//!   permanent one (5xx to MAIL, RCPT or DATA) or [`MAX_ATTEMPTS`] transient ones end in `fallito`. Errors before MAIL
//!   (greeting, EHLO, STARTTLS, AUTH) are about the connection or our settings, not the message: always transient.
//! - A notice is stored as written by `super::avvisi`: plain text, and for e-mail and PEC an HTML alternative and
//!   optionally a calendar file (`appuntamento.ics`). Values known only when sending are placeholders filled in
//!   every part, each with its part's escaping (`Fill`): [`SECRET`], [`SITE`] (the public address,
//!   `MailSettings::public_url`) and [`SENDER`].
//! - `secret` (the delega OTP) is put into the parts ([`SECRET`]) only in memory while sending, and erased from the
//!   row once the message is sent or has failed for good. It never reaches the logs. A message whose code is dead
//!   before it could be sent (expired after 72 hours, replaced, used or locked) is not sent with it: the sweep
//!   ([`sweep_dead_secrets`]) erases the code and marks the message `fallito`. The sweep runs before every delivery
//!   pass and, when no mail server is configured (messages then wait indefinitely), on its own timer.
//! - PEC receipts (DOMAIN.md §7). In development they are derived from the SMTP dialogue: message taken by the server
//!   → `accettazione` + `avvenuta_consegna` per accepted recipient; a recipient refused with 5xx → `errore_consegna`
//!   for it; the submission refused as a whole → `non_accettazione`. Receipts that arrive as e-mail from a real PEC
//!   provider are recorded by [`ingest_receipt_eml`].

pub mod sms;

use std::time::Duration;

use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::{Address, Message};
use rand::RngCore;

use super::db::{Db, now_unix};
use super::outbox::sms::{SmsGateway, SmsOutcome};

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
    /// An `.ics` file (`super::avvisi::ics`) attached as `appuntamento.ics`, its `METHOD` repeated in the part's
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
/// Rows looked at per pass.
const BATCH: i64 = 50;
/// Messages in flight at once in one process (each its own SMTP session).
const PARALLEL_SENDS: usize = 8;
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(90);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Where the secret goes; it is never stored in any part.
pub const SECRET: &str = "{segreto}";
/// The site's public address (no trailing `/`), so a notice links to its page.
pub const SITE: &str = "{sito}";
/// The address the message is sent from (the organizer of an appointment's calendar file).
pub const SENDER: &str = "{mittente}";
const ERROR_MAX_CHARS: usize = 500;

/// Seconds to wait after the `failed_attempts`-th transient failure: 30 s doubling each time, at most one hour.
pub fn retry_delay(failed_attempts: i64) -> i64 {
    let exponent = (failed_attempts - 1).clamp(0, 20) as u32;
    (30_i64 << exponent).min(3600)
}

fn random_hex(bytes: usize) -> String {
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

/// `Debug` by hand: the SMTP URL may hold a password (see `redact`).
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain), `smtp://host:port?tls=required` (STARTTLS) or `smtps://host:port` (implicit
    /// TLS); `user:password@` (percent-encoded) before the host enables AUTH, over TLS only.
    pub smtp_url: String,
    pub from_email: String,
    pub from_pec: String,
    /// The domain of the PEC provider, used in the receipts' `identificativo`.
    pub pec_provider: String,
    /// The address users reach the site at (`https://cassetto.example.it`, no trailing `/`): the links of the
    /// notices start with it.
    pub public_url: String,
    /// Where SMS go; without it they wait in the outbox (retried, never lost) until one is configured.
    pub sms: Option<SmsGateway>,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &super::redact::url(&self.smtp_url))
            .field("from_email", &self.from_email)
            .field("from_pec", &self.from_pec)
            .field("pec_provider", &self.pec_provider)
            .field("public_url", &self.public_url)
            .field("sms", &self.sms)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Security {
    Plain,
    StartTls,
    Tls,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SmtpTarget {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<(String, String)>,
}

fn percent_decode(s: &str) -> anyhow::Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).context("bad percent-encoding in SMTP URL")?;
            out.push(u8::from_str_radix(hex, 16).context("bad percent-encoding in SMTP URL")?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).context("SMTP URL credentials are not UTF-8")
}

fn parse_smtp_url(url: &str) -> anyhow::Result<SmtpTarget> {
    let (scheme, rest) = url.split_once("://").context("SMTP URL must look like smtp://host:port")?;
    let (authority, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let authority = authority.trim_end_matches('/');
    let mut security = match scheme {
        "smtp" => Security::Plain,
        "smtps" => Security::Tls,
        _ => anyhow::bail!("SMTP URL scheme must be smtp or smtps"),
    };
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair {
            "tls=required" if security == Security::Plain => security = Security::StartTls,
            "tls=none" if security == Security::Plain => {}
            _ => anyhow::bail!("unsupported SMTP URL parameter: {pair}"),
        }
    }
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']').context("SMTP URL: unclosed [ in host")?;
        (host, after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    anyhow::ensure!(!host.is_empty(), "SMTP URL without a host");
    let port = match port {
        Some(p) => p.parse::<u16>().context("SMTP URL: bad port")?,
        None => match security {
            Security::Plain => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        },
    };
    let credentials = match userinfo {
        Some(u) => {
            let (user, password) = u.split_once(':').context("SMTP URL credentials must be user:password")?;
            anyhow::ensure!(security != Security::Plain, "SMTP credentials are only sent over TLS");
            Some((percent_decode(user)?, percent_decode(password)?))
        }
        None => None,
    };
    Ok(SmtpTarget { host: host.to_string(), port, security, credentials })
}

/// The result of one attempt.
#[derive(Debug)]
enum Outcome {
    /// The server took the message.
    Accepted { recipient: String, reply: String },
    /// The recipient was refused for good (5xx to RCPT).
    RecipientRefused { recipient: String, detail: String },
    /// The submission was refused for good (5xx to MAIL or DATA, or a message that cannot be built).
    Refused { detail: String },
    /// Worth trying again later.
    Transient { detail: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connection,
    Mail,
    Rcpt,
    Data,
}

fn truncate(s: &str) -> String {
    s.chars().take(ERROR_MAX_CHARS).collect()
}

fn describe(err: &lettre::transport::smtp::Error) -> String {
    match (err.status(), std::error::Error::source(err)) {
        (Some(code), Some(text)) => truncate(&format!("{code} {text}")),
        _ => truncate(&err.to_string()),
    }
}

fn classify(err: lettre::transport::smtp::Error, stage: Stage, recipient: &str) -> Outcome {
    let detail = describe(&err);
    if !err.is_permanent() || stage == Stage::Connection {
        return Outcome::Transient { detail };
    }
    if stage == Stage::Rcpt {
        Outcome::RecipientRefused { recipient: recipient.to_string(), detail }
    } else {
        Outcome::Refused { detail }
    }
}

/// A TCP connection to the mail server with Nagle's algorithm off, within the connection timeout.
async fn connect_nodelay(host: &str, port: u16) -> std::io::Result<tokio::net::TcpStream> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect((host, port)))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "tempo scaduto"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

struct Sender {
    target: SmtpTarget,
    hello: ClientId,
    from_email: Mailbox,
    from_pec: Mailbox,
    public_url: String,
}

/// How a filled-in value is written into a part.
#[derive(Clone, Copy)]
enum Escape {
    Text,
    Html,
    Calendar,
}

/// The values a stored message waits for, written into one of its parts.
struct Fill<'a> {
    secret: Option<&'a str>,
    site: &'a str,
    sender: &'a str,
}

impl Fill<'_> {
    fn part(&self, template: &str, escape: Escape) -> String {
        let write = |v: &str| match escape {
            Escape::Text => v.to_string(),
            Escape::Html => super::avvisi::escape(v),
            Escape::Calendar => super::avvisi::ics::escape_text(v),
        };
        // A message stored without a secret keeps its placeholder, as it always has: nothing to put there.
        let mut out = template.replace(SITE, &write(self.site)).replace(SENDER, &write(self.sender));
        if let Some(secret) = self.secret {
            out = out.replace(SECRET, &write(secret));
        }
        out
    }

    /// A calendar file is filled unfolded and folded again: a value can change a line's length, and a
    /// placeholder may have been folded in two.
    fn calendar(&self, ics: &str) -> String {
        use super::avvisi::ics;
        ics::fold(&self.part(&ics::unfold(ics), Escape::Calendar))
    }
}

impl Sender {
    fn new(mail: &MailSettings) -> anyhow::Result<Sender> {
        let target = parse_smtp_url(&mail.smtp_url)?;
        let from_email: Address = mail.from_email.parse().context("from_email is not a valid address")?;
        let from_pec: Address = mail.from_pec.parse().context("from_pec is not a valid address")?;
        let hello = ClientId::Domain(from_email.domain().to_string());
        Ok(Sender {
            target,
            hello,
            from_email: Mailbox::new(None, from_email),
            from_pec: Mailbox::new(None, from_pec),
            public_url: mail.public_url.trim_end_matches('/').to_string(),
        })
    }

    /// The message of a row: plain text alone (SMS-like notices, rows from before HTML), or text and HTML as
    /// `multipart/alternative`, inside `multipart/mixed` with the calendar file when there is one.
    fn build(&self, row: &DueRow, from: Mailbox, to: Address) -> Result<Message, String> {
        use super::avvisi::ics;
        let sender = from.email.to_string();
        let fill = Fill { secret: row.secret.as_deref(), site: &self.public_url, sender: &sender };
        let text = fill.part(&row.body, Escape::Text);
        let html = row.body_html.as_deref().map(|h| fill.part(h, Escape::Html));
        let builder = Message::builder()
            .from(from)
            .to(Mailbox::new(None, to))
            .subject(row.subject.clone())
            .message_id(Some(row.message_id.clone()));
        let Some(calendar) = &row.calendar else {
            let built = match html {
                None => builder.header(ContentType::TEXT_PLAIN).body(text),
                Some(html) => builder.multipart(MultiPart::alternative_plain_html(text, html)),
            };
            return built.map_err(|e| e.to_string());
        };
        let method = ics::method_of(calendar).unwrap_or(ics::Method::Request);
        let content_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={}", method.as_str()))
            .map_err(|e| format!("tipo del calendario non valido: {e}"))?;
        let attachment = Attachment::new("appuntamento.ics".to_string()).body(fill.calendar(calendar), content_type);
        let mixed = match html {
            None => MultiPart::mixed().singlepart(SinglePart::plain(text)),
            Some(html) => MultiPart::mixed().multipart(MultiPart::alternative_plain_html(text, html)),
        };
        builder.multipart(mixed.singlepart(attachment)).map_err(|e| e.to_string())
    }

    async fn send(&self, row: &DueRow, channel: Channel) -> Outcome {
        let to: Address = match row.recipient.parse() {
            Ok(a) => a,
            Err(_) => return Outcome::Refused { detail: "indirizzo del destinatario non valido".to_string() },
        };
        let from = match channel {
            Channel::Pec => self.from_pec.clone(),
            Channel::Email | Channel::Sms => self.from_email.clone(),
        };
        let message = match self.build(row, from, to.clone()) {
            Ok(m) => m,
            Err(e) => return Outcome::Refused { detail: truncate(&format!("messaggio non valido: {e}")) },
        };
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.dialogue(&message, &to)).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::Transient { detail: "timeout del server SMTP".to_string() },
        }
    }

    fn tls_parameters(&self) -> Result<TlsParameters, lettre::transport::smtp::Error> {
        TlsParameters::new(self.target.host.clone())
    }

    /// One SMTP session, command by command, so a refusal is attributed to the stage that produced it.
    async fn dialogue(&self, message: &Message, to: &Address) -> Outcome {
        let recipient = to.to_string();
        let target = &self.target;
        let implicit = match target.security {
            Security::Tls => match self.tls_parameters() {
                Ok(p) => Some(p),
                Err(e) => return classify(e, Stage::Connection, &recipient),
            },
            _ => None,
        };
        let connected = match implicit {
            Some(tls) => {
                AsyncSmtpConnection::connect_tokio1(
                    (target.host.as_str(), target.port),
                    Some(CONNECT_TIMEOUT),
                    &self.hello,
                    Some(tls),
                    None,
                )
                .await
            }
            // Our own socket, for TCP_NODELAY: lettre writes the message and its final `.` in separate small
            // writes, and with Nagle's algorithm each message then waited ~40 ms for a delayed ACK — a
            // window in which a crash leaves a delivered message unrecorded (and so sent again), and a cap
            // of ~20 messages/s per worker.
            None => match connect_nodelay(&target.host, target.port).await {
                Ok(stream) => AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello).await,
                Err(e) => return Outcome::Transient { detail: format!("connessione non riuscita: {e}") },
            },
        };
        let mut conn = match connected {
            Ok(c) => c,
            Err(e) => return classify(e, Stage::Connection, &recipient),
        };
        let outcome = self.transaction(&mut conn, message, to, &recipient).await;
        if conn.has_broken() {
            conn.abort().await;
        } else {
            let _ = conn.quit().await;
        }
        outcome
    }

    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        message: &Message,
        to: &Address,
        recipient: &str,
    ) -> Outcome {
        if self.target.security == Security::StartTls {
            let params = match self.tls_parameters() {
                Ok(p) => p,
                Err(e) => return classify(e, Stage::Connection, recipient),
            };
            if let Err(e) = conn.starttls(params, &self.hello).await {
                return classify(e, Stage::Connection, recipient);
            }
        }
        if let Some((user, password)) = &self.target.credentials {
            let credentials = Credentials::new(user.clone(), password.clone());
            if let Err(e) = conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials).await {
                return classify(e, Stage::Connection, recipient);
            }
        }
        let envelope = message.envelope();
        let bytes = message.formatted();
        let mut parameters = Vec::new();
        let mut addresses = envelope.from().into_iter().chain(envelope.to());
        if addresses.any(|a| !AsRef::<str>::as_ref(a).is_ascii()) {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Outcome::Refused { detail: "il server non accetta indirizzi non ASCII (SMTPUTF8)".to_string() };
            }
            parameters.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            parameters.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        if let Err(e) = conn.command(Mail::new(envelope.from().cloned(), parameters)).await {
            return classify(e, Stage::Mail, recipient);
        }
        if let Err(e) = conn.command(Rcpt::new(to.clone(), Vec::new())).await {
            return classify(e, Stage::Rcpt, recipient);
        }
        if let Err(e) = conn.command(Data).await {
            return classify(e, Stage::Data, recipient);
        }
        match conn.message(&bytes).await {
            Ok(response) => {
                let reply =
                    truncate(&format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" ")));
                Outcome::Accepted { recipient: recipient.to_string(), reply }
            }
            Err(e) => classify(e, Stage::Data, recipient),
        }
    }
}

#[derive(sqlx::FromRow)]
struct DueRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    body_html: Option<String>,
    calendar: Option<String>,
    secret: Option<String>,
    message_id: String,
    attempts: i64,
}

/// One delivery pass over due messages; returns how many were attempted. Safe with several server processes.
/// Up to [`PARALLEL_SENDS`] messages are in flight at once: an SMTP session mostly waits on the network and on the
/// mail server's own disk, so one at a time would cap delivery at the round trips of a single connection.
pub async fn deliver_due(db: &Db, mail: &MailSettings, now: i64) -> anyhow::Result<usize> {
    let sender = Sender::new(mail)?;
    sweep_dead_secrets(db, now).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status IN ('in_coda', 'in_riprova') AND next_attempt_at <= $1 \
         AND claimed_until < $2 ORDER BY next_attempt_at, id LIMIT $3",
    )
    .bind(now)
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.pool())
    .await?;
    let started = std::time::Instant::now();
    let attempts: Vec<bool> = futures_util::stream::iter(ids)
        .map(|id| attempt(db, mail, &sender, id, now + started.elapsed().as_secs() as i64))
        .buffer_unordered(PARALLEL_SENDS)
        .try_collect()
        .await?;
    Ok(attempts.into_iter().filter(|attempted| *attempted).count())
}

/// Claims one message and, if the claim holds, sends it and records the outcome; `false` when another worker has
/// it or it is no longer due. A pass may outlast a lease (each attempt may wait on a slow server): every claim and
/// its record take the time of the claim, so no lease is handed out already expired to race another process.
async fn attempt(db: &Db, mail: &MailSettings, sender: &Sender, id: i64, now: i64) -> anyhow::Result<bool> {
    let lease = now + LEASE_SECS;
    let claimed = sqlx::query(
        "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND status IN ('in_coda', 'in_riprova') \
         AND next_attempt_at <= $3 AND claimed_until < $4",
    )
    .bind(lease)
    .bind(id)
    .bind(now)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(false);
    }
    let row: DueRow = sqlx::query_as(
        "SELECT id, channel, recipient, subject, body, body_html, calendar, secret, message_id, attempts FROM outbox \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    let Some(channel) = Channel::parse(&row.channel) else {
        let outcome = Outcome::Refused { detail: format!("canale non supportato: {}", row.channel) };
        record(db, mail, &row, Channel::Email, lease, outcome, now).await?;
        return Ok(true);
    };
    let outcome = match channel {
        Channel::Sms => send_sms(mail.sms.as_ref(), &row).await,
        Channel::Email | Channel::Pec => sender.send(&row, channel).await,
    };
    record(db, mail, &row, channel, lease, outcome, now).await?;
    Ok(true)
}

async fn send_sms(gateway: Option<&SmsGateway>, row: &DueRow) -> Outcome {
    let Some(gateway) = gateway else {
        return Outcome::Transient { detail: "gateway SMS non configurato".to_string() };
    };
    let text = match &row.secret {
        Some(secret) => row.body.replace(SECRET, secret),
        None => row.body.clone(),
    };
    match gateway.send(&row.recipient, &text, &row.message_id).await {
        SmsOutcome::Accepted(reply) => Outcome::Accepted { recipient: row.recipient.clone(), reply: truncate(&reply) },
        SmsOutcome::Refused(detail) => Outcome::Refused { detail: truncate(&detail) },
        SmsOutcome::Transient(detail) => Outcome::Transient { detail: truncate(&detail) },
    }
}

async fn insert_receipt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    outbox_id: i64,
    kind: &str,
    recipient: &str,
    at: i64,
    identificativo: &str,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO pec_receipts (outbox_id, kind, recipient, at, identificativo, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(outbox_id)
    .bind(kind)
    .bind(recipient)
    .bind(at)
    .bind(identificativo)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the outcome of an attempt, provided our claim still holds (`claimed_until = lease`).
async fn record(
    db: &Db,
    mail: &MailSettings,
    row: &DueRow,
    channel: Channel,
    lease: i64,
    outcome: Outcome,
    now: i64,
) -> anyhow::Result<()> {
    let attempts = row.attempts + 1;
    let mut tx = db.begin_write().await?;
    let (status, last_error, next_attempt_at, sent_at, receipts): (&str, Option<String>, i64, Option<i64>, Vec<_>) =
        match &outcome {
            Outcome::Accepted { recipient, reply } => (
                "inviato",
                None,
                now,
                Some(now),
                vec![
                    ("accettazione", recipient.clone(), reply.clone()),
                    ("avvenuta_consegna", recipient.clone(), reply.clone()),
                ],
            ),
            Outcome::RecipientRefused { recipient, detail } => (
                "fallito",
                Some(detail.clone()),
                now,
                None,
                vec![("errore_consegna", recipient.clone(), detail.clone())],
            ),
            Outcome::Refused { detail } => (
                "fallito",
                Some(detail.clone()),
                now,
                None,
                vec![("non_accettazione", row.recipient.clone(), detail.clone())],
            ),
            Outcome::Transient { detail } if attempts >= MAX_ATTEMPTS => {
                ("fallito", Some(detail.clone()), now, None, Vec::new())
            }
            Outcome::Transient { detail } => {
                ("in_riprova", Some(detail.clone()), now + retry_delay(attempts), None, Vec::new())
            }
        };
    // The secret must not outlive delivery: gone once sent, and once the message is given up.
    let secret = if status == "in_riprova" { "secret" } else { "NULL" };
    let updated = sqlx::query(&format!(
        "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, next_attempt_at = $4, sent_at = $5, \
         claimed_until = 0, secret = {secret} WHERE id = $6 AND claimed_until = $7"
    ))
    .bind(status)
    .bind(attempts)
    .bind(last_error)
    .bind(next_attempt_at)
    .bind(sent_at)
    .bind(row.id)
    .bind(lease)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        tracing::warn!(outbox_id = row.id, status, "outbox: claim lost before the outcome was recorded");
        tx.rollback().await?;
        return Ok(());
    }
    if channel == Channel::Pec && !receipts.is_empty() {
        let identificativo = format!("opec-{}@{}", random_hex(10), mail.pec_provider);
        for (kind, recipient, detail) in &receipts {
            insert_receipt(&mut tx, row.id, kind, recipient, now, &identificativo, detail).await?;
        }
    }
    tx.commit().await?;
    match &outcome {
        Outcome::Accepted { .. } => {
            tracing::info!(outbox_id = row.id, channel = channel.as_str(), attempts, "outbox: sent")
        }
        _ => tracing::warn!(
            outbox_id = row.id,
            channel = channel.as_str(),
            attempts,
            status,
            error = last_error_of(&outcome),
            "outbox: not sent"
        ),
    }
    Ok(())
}

fn last_error_of(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Accepted { .. } => "",
        Outcome::RecipientRefused { detail, .. } | Outcome::Refused { detail } | Outcome::Transient { detail } => {
            detail
        }
    }
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

/// Without a mail server nothing is delivered, so nothing erases the codes on delivery: this loop sweeps them
/// ([`sweep_dead_secrets`]) every `interval` instead.
pub fn spawn_sweeper(db: Db, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = sweep_dead_secrets(&db, now_unix()).await {
                tracing::error!(error = %e, "outbox: sweep of dead codes failed");
            }
        }
    })
}

/// Background loop calling `deliver_due` every `interval`. It runs until its handle is aborted (at shutdown); an
/// abort in the middle of a delivery is safe: the claim expires and the retry carries the same Message-ID.
pub fn spawn_worker(db: Db, mail: MailSettings, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            // A full batch means more may be due: go on at once.
            loop {
                match deliver_due(&db, &mail, now_unix()).await {
                    Ok(n) if n as i64 >= BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "outbox: delivery pass failed");
                        break;
                    }
                }
            }
        }
    })
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

// ---------------------------------------------------------------------------------------------------------------
// Receipts that arrive as e-mail (a real PEC provider).

/// Header fields (unfolded) and the body of a message or MIME part.
fn split_message(raw: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let (head, body) =
        match find(raw, b"\r\n\r\n").map(|i| (i, 4)).into_iter().chain(find(raw, b"\n\n").map(|i| (i, 2))).min() {
            Some((i, sep)) => (&raw[..i], &raw[i + sep..]),
            None => (raw, &raw[raw.len()..]),
        };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(head).split('\n') {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    (headers, body)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A parameter of a structured header (`boundary`, `name`, `filename`), unquoted.
fn header_param(value: &str, param: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case(param).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in input {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn decode_quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'=' {
            let rest = &input[i + 1..];
            if rest.starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if rest.starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let Some(byte) =
                rest.get(..2).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// The decoded content of the MIME part named `filename`, searched depth-first (PEC: multipart/signed around
/// multipart/mixed holding `daticert.xml`).
fn find_attachment(raw: &[u8], filename: &str, depth: u32) -> Option<Vec<u8>> {
    let (headers, body) = split_message(raw);
    let content_type = header(&headers, "content-type").unwrap_or("text/plain");
    let named =
        |v: Option<&str>, p: &str| v.and_then(|v| header_param(v, p)).is_some_and(|n| n.eq_ignore_ascii_case(filename));
    if depth > 0 && (named(Some(content_type), "name") || named(header(&headers, "content-disposition"), "filename")) {
        let encoding = header(&headers, "content-transfer-encoding").unwrap_or("7bit").to_ascii_lowercase();
        return match encoding.as_str() {
            "base64" => decode_base64(body),
            "quoted-printable" => Some(decode_quoted_printable(body)),
            _ => Some(body.to_vec()),
        };
    }
    if depth >= 6 || !content_type.to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    let boundary = header_param(content_type, "boundary")?;
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut current: Option<Vec<&[u8]>> = None;
    for line in body.split_inclusive(|&b| b == b'\n') {
        let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
        let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
        if trimmed.starts_with(delimiter.as_bytes()) {
            let tail = &trimmed[delimiter.len()..];
            if let Some(part) = current.take() {
                parts.push(part.concat());
            }
            if tail.starts_with(b"--") {
                break;
            }
            current = Some(Vec::new());
        } else if let Some(part) = current.as_mut() {
            part.push(line);
        }
    }
    parts.iter().find_map(|part| find_attachment(part, filename, depth + 1))
}

/// The text of the first `<tag …>…</tag>` in `xml`, entities decoded.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(pos) = xml[from..].find(&open) {
        let start = from + pos + open.len();
        let next = xml[start..].chars().next()?;
        if next == '>' || next.is_whitespace() {
            let content_start = start + xml[start..].find('>')? + 1;
            let end = content_start + xml[content_start..].find(&format!("</{tag}>"))?;
            let text = xml[content_start..end]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            return Some(text.trim().to_string());
        }
        from = start;
    }
    None
}

/// The `tipo` attribute of the root `<postacert>` element.
fn postacert_tipo(xml: &str) -> Option<String> {
    let start = xml.find("<postacert")?;
    let end = start + xml[start..].find('>')?;
    let element = &xml[start..end];
    let at = element.find("tipo=")? + 5;
    let quote = element[at..].chars().next()?;
    let rest = &element[at + 1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// Records a PEC receipt that arrived as an e-mail: `X-Ricevuta` gives its kind, `X-Riferimento-Message-ID` the
/// message it refers to; recipient and identificativo come from the attached `daticert.xml` (`<consegna>`,
/// `<identificativo>`), else from the header `X-Destinatario` or the message's own recipient, and the receipt's
/// Message-ID. Receipts with no place in the table (presa-in-carico, preavviso-errore-consegna, rilevazione-virus)
/// are ignored; the same receipt twice is recorded once.
pub async fn ingest_receipt_eml(db: &Db, raw: &[u8], now: i64) -> anyhow::Result<()> {
    let (headers, _) = split_message(raw);
    let daticert = find_attachment(raw, "daticert.xml", 0).map(|x| String::from_utf8_lossy(&x).into_owned());
    let tipo = header(&headers, "x-ricevuta")
        .map(|v| v.trim().to_ascii_lowercase())
        .or_else(|| daticert.as_deref().and_then(postacert_tipo))
        .context("not a PEC receipt: no X-Ricevuta")?;
    let kind = match tipo.as_str() {
        "accettazione" => "accettazione",
        "non-accettazione" => "non_accettazione",
        "avvenuta-consegna" => "avvenuta_consegna",
        "errore-consegna" => "errore_consegna",
        "presa-in-carico" | "preavviso-errore-consegna" | "rilevazione-virus" => {
            tracing::info!(tipo, "PEC receipt not recorded");
            return Ok(());
        }
        other => anyhow::bail!("unknown PEC receipt kind: {other}"),
    };
    let reference =
        header(&headers, "x-riferimento-message-id").context("PEC receipt without X-Riferimento-Message-ID")?;
    let message_id = format!("<{}>", reference.trim().trim_start_matches('<').trim_end_matches('>').trim());

    let mut tx = db.begin_write().await?;
    let message: Option<(i64, String)> =
        sqlx::query_as("SELECT id, recipient FROM outbox WHERE message_id = $1 AND channel = 'pec'")
            .bind(&message_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((outbox_id, sent_to)) = message else {
        anyhow::bail!("PEC receipt for an unknown message");
    };
    let from_daticert = |tag: &str| daticert.as_deref().and_then(|x| xml_text(x, tag)).filter(|v| !v.is_empty());
    let recipient =
        from_daticert("consegna").or_else(|| header(&headers, "x-destinatario").map(str::to_string)).unwrap_or(sent_to);
    let identificativo = from_daticert("identificativo")
        .or_else(|| header(&headers, "message-id").map(str::to_string))
        .unwrap_or_else(|| format!("ricevuta-{}", random_hex(8)));
    let detail = match kind {
        "errore_consegna" | "non_accettazione" => from_daticert("errore-esteso"),
        _ => None,
    }
    .or_else(|| header(&headers, "subject").map(str::to_string))
    .unwrap_or_default();
    let seen: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pec_receipts WHERE outbox_id = $1 AND kind = $2 AND recipient = $3 AND identificativo = $4",
    )
    .bind(outbox_id)
    .bind(kind)
    .bind(&recipient)
    .bind(&identificativo)
    .fetch_one(&mut *tx)
    .await?;
    if seen == 0 {
        insert_receipt(&mut tx, outbox_id, kind, &recipient, now, &identificativo, &truncate(&detail)).await?;
    }
    tx.commit().await?;
    Ok(())
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
    fn smtp_urls() {
        let t = parse_smtp_url("smtp://127.0.0.1:2525").expect("plain");
        assert_eq!((t.host.as_str(), t.port, t.security, t.credentials), ("127.0.0.1", 2525, Security::Plain, None));
        let t = parse_smtp_url("smtp://mail.example.it?tls=required").expect("starttls");
        assert_eq!((t.port, t.security), (587, Security::StartTls));
        let t = parse_smtp_url("smtps://utente%40ente.it:p%3Ass@smtps.pec.example.it/").expect("tls");
        assert_eq!((t.host.as_str(), t.port, t.security), ("smtps.pec.example.it", 465, Security::Tls));
        assert_eq!(t.credentials, Some(("utente@ente.it".to_string(), "p:ss".to_string())));
        let t = parse_smtp_url("smtp://[::1]:25").expect("ipv6");
        assert_eq!((t.host.as_str(), t.port), ("::1", 25));
        assert!(parse_smtp_url("smtp://u:p@localhost:25").is_err(), "no credentials in clear");
        assert!(parse_smtp_url("http://localhost").is_err());
        assert!(parse_smtp_url("smtp://localhost:notaport").is_err());
        assert!(parse_smtp_url("smtp://:25").is_err());
    }

    #[test]
    fn channels_round_trip() {
        for c in [Channel::Email, Channel::Pec, Channel::Sms] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn decoders() {
        assert_eq!(decode_base64(b"Y2lh\r\nbw==").as_deref(), Some(&b"ciao"[..]));
        assert_eq!(decode_base64(b"Y2lhbyE=").as_deref(), Some(&b"ciao!"[..]));
        assert_eq!(decode_base64(b"Y2-h"), None);
        assert_eq!(decode_quoted_printable(b"perch=C3=A9 =\r\nriga=3D"), "perché riga=".as_bytes());
    }

    #[test]
    fn daticert_in_nested_multipart() {
        let xml = "<postacert tipo=\"errore-consegna\" errore=\"no-dest\"><dati><identificativo>opec1.x@pec.it\
                   </identificativo><consegna>a&amp;b@pec.it</consegna><errore-esteso>5.1.1 - casella inesistente\
                   </errore-esteso></dati></postacert>";
        let b64 = {
            // Encoded here so the test does not depend on a base64 crate.
            const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut s = String::new();
            for chunk in xml.as_bytes().chunks(3) {
                let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
                for i in 0..4 {
                    if i <= chunk.len() {
                        s.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
                    } else {
                        s.push('=');
                    }
                }
            }
            s
        };
        let raw = format!(
            "X-Ricevuta: errore-consegna\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\";\r\n \
             boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\n\
             Content-Type: text/plain\r\n\r\nAvviso\r\n--inner\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--inner--\r\n--outer\r\nContent-Type: \
             application/pkcs7-signature; name=smime.p7s\r\n\r\nxx\r\n--outer--\r\n"
        );
        let found = find_attachment(raw.as_bytes(), "daticert.xml", 0).expect("daticert");
        let found = String::from_utf8(found).expect("utf-8");
        assert_eq!(found, xml);
        assert_eq!(xml_text(&found, "consegna").as_deref(), Some("a&b@pec.it"));
        assert_eq!(xml_text(&found, "identificativo").as_deref(), Some("opec1.x@pec.it"));
        assert_eq!(postacert_tipo(&found).as_deref(), Some("errore-consegna"));
        let (headers, _) = split_message(raw.as_bytes());
        assert_eq!(header(&headers, "X-RICEVUTA"), Some("errore-consegna"));
        assert!(header(&headers, "content-type").is_some_and(|v| v.contains("boundary=\"outer\"")));
    }
}
