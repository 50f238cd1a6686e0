//! The SMTP sender: the mail server's settings (`MailSettings`, from an `smtp://` or `smtps://` URL), one SMTP
//! session per message built with lettre, the placeholders filled per part (`Fill`), and what each reply of the
//! server means for the message (`Outcome`).

use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::{Address, Message};

use super::queue::{Channel, SECRET, SENDER, SITE};
use super::sms::SmsGateway;
use super::worker::DueRow;

const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(90);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const ERROR_MAX_CHARS: usize = 500;

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
            .field("smtp_url", &crate::ssr::redact::url(&self.smtp_url))
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
pub(super) enum Outcome {
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

pub(super) fn truncate(s: &str) -> String {
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

pub(super) struct Sender {
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
pub(super) struct Fill<'a> {
    secret: Option<&'a str>,
    site: &'a str,
    sender: &'a str,
}

impl Fill<'_> {
    fn part(&self, template: &str, escape: Escape) -> String {
        let write = |v: &str| match escape {
            Escape::Text => v.to_string(),
            Escape::Html => crate::ssr::avvisi::escape(v),
            Escape::Calendar => crate::ssr::avvisi::ics::escape_text(v),
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
        use crate::ssr::avvisi::ics;
        ics::fold(&self.part(&ics::unfold(ics), Escape::Calendar))
    }
}

impl Sender {
    pub(super) fn new(mail: &MailSettings) -> anyhow::Result<Sender> {
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
        use crate::ssr::avvisi::ics;
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

    pub(super) async fn send(&self, row: &DueRow, channel: Channel) -> Outcome {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
