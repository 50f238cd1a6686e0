//! The notices as their readers get them, over HTTP with the real router and the real SMTP sink, on both
//! backends: a richiesta protocolled and closed, an appointment booked and cancelled, the PEC of a delega.
//! Each message is read back from the sink's `.eml` file, its MIME tree walked and every part checked: the
//! text and the HTML part each carry the greeting, what happened, the protocol, the link to the page, what
//! to do next and the signature; the HTML escapes what users typed; the booking and its cancellation carry
//! `appuntamento.ics`, `METHOD:REQUEST` then `METHOD:CANCEL`, with the same UID.

use crate::common::mail_sink::MailSink;
use crate::common::mime::Part;
use crate::common::{Backend, TestApp, location};
use app::model::Role;
use app::ssr::outbox::{self, MailSettings};

const SITE: &str = "https://cassetto.example.it";
const EMAIL: &str = "personale@comune-roccaverde.example.it";
const FIRMA: &str = "INPS – Cassetto previdenziale del contribuente";
const AUTOMATICO: &str = "Messaggio automatico: non rispondere a questo indirizzo.";
/// What users type, with every character HTML gives a meaning to.
const COMMENTO: &str = "Il versamento del 16/04 è <b>imputato</b> a un'altra matricola & va rettificato.";
const NOTE: &str = "Porterò la quietanza \"F24\" <originale> & la delega.";

fn settings(sink: &MailSink) -> MailSettings {
    MailSettings {
        smtp_url: sink.url(),
        from_email: "noreply@cassetto.test".to_string(),
        from_pec: "cassetto@pec.cassetto.test".to_string(),
        pec_provider: "pec.cassetto.test".to_string(),
        // With a trailing slash, as an administrator may well write it: the links must not double it.
        public_url: format!("{SITE}/"),
        sms: None,
    }
}

/// Posts a form as the hydrated page does; the redirect target on success.
async fn post(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> String {
    let res = client.post(app.url(path)).header("Origin", &app.base).form(form).send().await.expect("request");
    let status = res.status();
    let target = location(&res);
    assert!(
        status.is_success() || status.is_redirection(),
        "{path}: {status} {}",
        res.text().await.unwrap_or_default()
    );
    target
}

/// The `n=` of a redirect (`/agenda?esito=prenotato&n=7`).
fn n_of(target: &str) -> i64 {
    target.split("n=").nth(1).and_then(|n| n.split('&').next()).and_then(|n| n.parse().ok()).expect(target)
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// A message at the sink: its headers and its readable parts.
struct Mail {
    root: Part,
    text: String,
    html: String,
}

impl Mail {
    fn of(raw: &str) -> Mail {
        let root = Part::parse(raw.as_bytes());
        // Lines as the reader sees them (SMTP carries CRLF).
        let text = root.find("text/plain").expect("a text/plain part").text().replace("\r\n", "\n");
        let html = root.find("text/html").expect("a text/html part").text().replace("\r\n", "\n");
        Mail { root, text, html }
    }

    fn subject(&self) -> &str {
        self.root.header("subject").unwrap_or_default()
    }

    /// Checks that both parts carry every one of `expected` (escaped for the HTML) and the signature, and
    /// that no placeholder is left.
    fn says(&self, expected: &[&str]) {
        for line in expected.iter().chain(&[FIRMA, AUTOMATICO]) {
            assert!(self.text.contains(line), "text part without {line:?}:\n{}", self.text);
            assert!(self.html.contains(&html_escape(line)), "HTML part without {line:?}:\n{}", self.html);
        }
        for part in [&self.text, &self.html] {
            assert!(!part.contains("{sito}") && !part.contains("{segreto}") && !part.contains("{mittente}"), "{part}");
        }
    }

    fn links_to(&self, path: &str) {
        let url = format!("{SITE}{path}");
        assert!(self.text.lines().any(|l| l == url), "text part without the link {url}:\n{}", self.text);
        assert!(self.html.contains(&format!("<a href=\"{url}\">")), "HTML part without the link {url}:\n{}", self.html);
    }

    /// The attached calendar: the `method` of its `Content-Type` and its content lines, unfolded.
    fn calendar(&self) -> (String, Vec<String>) {
        let part = self.root.find("text/calendar").expect("a text/calendar part");
        assert_eq!(part.param("content-disposition", "filename").as_deref(), Some("appuntamento.ics"));
        let raw = part.text();
        assert!(raw.ends_with("\r\n") && !raw.replace("\r\n", "").contains(['\r', '\n']), "CRLF only: {raw:?}");
        for line in raw.split_terminator("\r\n") {
            assert!(line.len() <= 75, "an .ics line of {} octets: {line:?}", line.len());
        }
        let lines = raw.replace("\r\n ", "").split_terminator("\r\n").map(str::to_string).collect();
        (part.param("content-type", "method").expect("method"), lines)
    }
}

fn property<'a>(lines: &'a [String], name: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix([':', ';'])))
        .unwrap_or_else(|| panic!("no {name} in {lines:#?}"))
}

async fn notices(app: TestApp) {
    let sink = MailSink::start();
    let mario = app.login_as(Role::Datore).await;
    let operator = app.login_as(Role::Operatore).await;
    let giuseppe = app.login_as(Role::Intermediario).await;
    let ente = "Comune di Roccaverde"; // at the operator's Sede, Roma Eur
    let position = app.position_of(ente).await;

    // A richiesta by e-mail, closed «non accolta» with a comment, then an appointment booked and cancelled.
    let fields = [
        ("posizione", position.as_str()),
        ("oggetto", "1"),
        ("testo", "Chiedo conferma del versamento del 16/04."),
        ("canali", "email"),
        ("email", EMAIL),
        ("telefono", ""),
    ];
    let (status, body) = app.send_richiesta(&mario, &fields, &[]).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().expect("id");
    let protocollo: String = sqlx::query_scalar("SELECT protocollo FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("protocollo");
    let richiesta = id.to_string();
    post(&app, &operator, "/api/backoffice/quesiti/azione", &[("id", &richiesta), ("azione", "in_carico")]).await;
    let closing = [("id", richiesta.as_str()), ("azione", "non_accolta"), ("commento", COMMENTO)];
    post(&app, &operator, "/api/backoffice/quesiti/azione", &closing).await;
    let day = (chrono::Utc::now() + chrono::Duration::days(12)).date_naive();
    let start = format!("{}T09:30", day.format("%Y-%m-%d"));
    let slot =
        n_of(&post(&app, &operator, "/api/agenda/slot", &[("inizio", &start), ("durata", "45")]).await).to_string();
    let booked = [("richiesta", richiesta.as_str()), ("slot", &slot), ("telefono", "3331234567"), ("note", NOTE)];
    let booking = n_of(&post(&app, &mario, "/api/agenda/prenota", &booked).await).to_string();
    post(&app, &mario, "/api/agenda/annulla", &[("id", &booking)]).await;

    // An intermediary's delega on an Ente he has none for: the PEC with the OTP to the Ente's box.
    let delegato = "Azienda Ospedaliera San Luca";
    let delegata = app.position_of(delegato).await;
    let (ente_cf, rep_cf, pec, sector): (String, String, String, String) =
        sqlx::query_as("SELECT codice_fiscale, legal_rep_cf, pec, sector FROM enti WHERE denominazione = $1")
            .bind(delegato)
            .fetch_one(app.db.pool())
            .await
            .expect("ente");
    let gestione = if sector == "pubblico" { "gc_pubblici" } else { "gc_privati" };
    let delega_form = [
        ("posizione", delegata.as_str()),
        ("codice_fiscale_ente", &ente_cf),
        ("codice_fiscale_rappresentante", &rep_cf),
        ("nome_rappresentante", "Carla"),
        ("cognome_rappresentante", "Gialli"),
        ("servizi[0]", gestione),
        ("dal", ""),
        ("al", ""),
        ("password", app::ssr::demo::DEMO_PASSWORD),
    ];
    let target = post(&app, &giuseppe, "/api/deleghe/intermediario", &delega_form).await;
    let delega: i64 =
        target.strip_prefix("/deleghe/").and_then(|r| r.split('?').next()).and_then(|r| r.parse().ok()).expect(&target);

    outbox::deliver_due(&app.db, &settings(&sink), chrono::Utc::now().timestamp() + 1).await.expect("deliver");
    let messages: Vec<Mail> = sink.messages().iter().map(|m| Mail::of(m)).collect();
    let by_subject = |needle: &str| -> &Mail {
        messages.iter().find(|m| m.subject().contains(needle)).unwrap_or_else(|| {
            panic!("no message «{needle}» among {:?}", messages.iter().map(Mail::subject).collect::<Vec<_>>())
        })
    };
    assert_eq!(messages.len(), 5, "{:?}", messages.iter().map(Mail::subject).collect::<Vec<_>>());
    for m in &messages {
        assert_eq!(m.root.mime().split('/').next(), Some("multipart"), "{}", m.subject());
        assert!(m.root.find("multipart/alternative").is_some(), "text and HTML as alternatives: {}", m.subject());
        assert!(m.html.starts_with("<!DOCTYPE html>") && m.html.contains("<html lang=\"it\">"), "{}", m.html);
    }
    let page = format!("/comunicazioni/{id}");

    // Protocolled: who, what, the protocol, the page, what next, signed by the Sede.
    let opened = by_subject(&format!("richiesta {protocollo} protocollata"));
    opened.says(&[
        "Gentile Mario Rossi,",
        "La informiamo che la sua richiesta è stata protocollata con il numero",
        &protocollo,
        "riceverà un nuovo avviso quando la Sede avrà risposto",
        "Sede di Roma Eur",
    ]);
    opened.links_to(&page);
    assert!(opened.text.contains(&format!("Protocollo: {protocollo}\n")), "{}", opened.text);
    assert!(opened.root.find("text/calendar").is_none());

    // Closed: the outcome and the operator's comment, escaped in the HTML.
    let closed = by_subject(&format!("richiesta {protocollo} chiusa"));
    closed.says(&[
        "Gentile Mario Rossi,",
        "con esito: non accolta",
        &protocollo,
        COMMENTO,
        "può prenotare un appuntamento",
    ]);
    closed.links_to(&page);
    assert!(!closed.html.contains("<b>imputato</b>"), "{}", closed.html);

    // Booked: day, time and place, the calendar file that adds it.
    let giorno = day.format("%d/%m/%Y").to_string();
    let confirmed = by_subject(&format!("appuntamento del {giorno} confermato"));
    confirmed.says(&[
        "Gentile Mario Rossi,",
        &format!("è confermato per il {giorno} alle ore 09:30"),
        "dalle 09:30 alle 10:15",
        &protocollo,
        NOTE,
        "annulli la prenotazione dalla pagina della richiesta",
        "Sede di Roma Eur",
    ]);
    confirmed.links_to(&page);
    assert!(!confirmed.html.contains("<originale>"), "{}", confirmed.html);
    let (method, request) = confirmed.calendar();
    assert_eq!(method, "REQUEST");
    let start_at = app::domain::time::rome_to_unix(
        chrono::NaiveDateTime::parse_from_str(&start, "%Y-%m-%dT%H:%M").expect("start"),
    );
    let utc = |t: i64| chrono::DateTime::from_timestamp(t, 0).expect("t").format("%Y%m%dT%H%M%SZ").to_string();
    assert_eq!(request.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(property(&request, "VERSION"), "2.0");
    assert_eq!(property(&request, "METHOD"), "REQUEST");
    assert_eq!(property(&request, "DTSTART"), utc(start_at));
    assert_eq!(property(&request, "DTEND"), utc(start_at + 45 * 60));
    assert_eq!(property(&request, "STATUS"), "CONFIRMED");
    assert_eq!(property(&request, "LOCATION"), "INPS – Sede di Roma Eur\\, Roma");
    assert!(property(&request, "DESCRIPTION").contains(&format!("{SITE}{page}")), "{request:#?}");
    assert!(property(&request, "ORGANIZER").ends_with(":mailto:noreply@cassetto.test"), "{request:#?}");
    assert!(property(&request, "ATTENDEE").ends_with(&format!(":mailto:{EMAIL}")), "{request:#?}");

    // Cancelled: the calendar file that removes the same event.
    let cancelled = by_subject(&format!("appuntamento del {giorno} annullato"));
    cancelled.says(&["Gentile Mario Rossi,", "è stato annullato", &protocollo, "può prenotare un nuovo appuntamento"]);
    cancelled.links_to(&page);
    let (method, cancel) = cancelled.calendar();
    assert_eq!(method, "CANCEL");
    assert_eq!(property(&cancel, "METHOD"), "CANCEL");
    assert_eq!(property(&cancel, "STATUS"), "CANCELLED");
    assert_eq!(property(&cancel, "UID"), property(&request, "UID"), "the cancellation names the booked event");
    assert!(
        property(&cancel, "SEQUENCE").parse::<u32>().expect("n") > property(&request, "SEQUENCE").parse().expect("n")
    );
    assert_eq!(property(&cancel, "DTSTART"), property(&request, "DTSTART"));

    // The delega's PEC: to the Ente's box, from the PEC address, the OTP in both parts, never stored.
    let pec_mail = by_subject(&format!("nuova delega per la posizione {delegata}"));
    assert!(pec_mail.root.header("x-sink-rcpt") == Some(pec.as_str()), "{:?}", pec_mail.root.headers);
    assert_eq!(pec_mail.root.header("from"), Some("cassetto@pec.cassetto.test"));
    let reference: String = sqlx::query_scalar("SELECT form_json FROM delega_evidence WHERE delega_id = $1")
        .bind(delega)
        .fetch_one(app.db.pool())
        .await
        .map(|json: String| {
            serde_json::from_str::<serde_json::Value>(&json).expect("json")["reference"]
                .as_str()
                .expect("reference")
                .to_string()
        })
        .expect("form");
    pec_mail.says(&[
        "Gentile Carla Gialli,",
        "La informiamo che negli archivi dell'Istituto è stato rilevato l'inserimento di una richiesta di delega",
        &reference,
        "Carla Gialli, codice fiscale",
        "non comunichi il codice e si rivolga alla sua Sede INPS",
    ]);
    pec_mail.links_to("/deleghe");
    let otp = pec_mail
        .text
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 8 && l.bytes().all(|b| b.is_ascii_digit()))
        .expect("the OTP alone on its line")
        .to_string();
    assert!(pec_mail.html.contains(&format!("<strong>{otp}</strong>")), "{}", pec_mail.html);
    let stored: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT body, body_html, secret FROM outbox WHERE delega_id = $1")
            .bind(delega)
            .fetch_all(app.db.pool())
            .await
            .expect("outbox");
    assert_eq!(stored.len(), 1);
    let (text, html, secret) = &stored[0];
    let html = html.as_deref().expect("the HTML part is stored");
    assert!(text.contains("{segreto}") && html.contains("{segreto}"), "placeholders stored, not the code");
    assert!(!text.contains(&otp) && !html.contains(&otp) && secret.is_none(), "the OTP is in no stored part");
}
both_backends!(notices_are_letters_in_text_and_html_with_the_calendar, notices);
