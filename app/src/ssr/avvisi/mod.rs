//! Every notice the Cassetto sends — about richieste, appointments, the delega's PEC, the password — is
//! written here and nowhere else, as an office writes to a citizen: a greeting, what happened, the protocol
//! number, a link to the page, what to do next, a signature. One [`Letter`] gives both the plain-text and
//! the HTML part, so the two always say the same thing; every value put into the HTML is escaped.
//!
//! Three values are known only when a message is sent, so the letters hold placeholders that the outbox fills
//! in every part, each with that part's escaping (`outbox::fill`): the OTP ([`outbox::SECRET`], never
//! stored in any part), the site's public address ([`outbox::SITE`], `CASSETTO_PUBLIC_URL`) and, in the
//! calendar file, the address the message comes from ([`outbox::SENDER`]).
//!
//! Register: formal («Lei»); dates as dd/mm/yyyy and times as hh:mm in Italian civil time.

pub mod ics;

use super::outbox::{SECRET, SENDER, SITE};
use super::pdf::DelegaForm;
use crate::domain::profili::otp;
use crate::domain::time::format_rome;

/// A notice ready for the outbox.
#[derive(Clone, Debug)]
pub struct Notice {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The `.ics` file of an appointment (see [`ics`]).
    pub calendar: Option<String>,
}

/// A richiesta of the Comunicazione bidirezionale, as its notices name it.
#[derive(Clone, Copy, Debug)]
pub struct Richiesta<'a> {
    pub id: crate::model::RichiestaId,
    pub protocollo: &'a str,
    /// Who sent it: the notices greet them.
    pub autore: &'a str,
    /// The Sede it is assigned to (its name, e.g. «Roma Eur») and that Sede's city.
    pub sede: &'a str,
    pub citta: &'a str,
    pub posizione: &'a str,
    pub ente: &'a str,
    pub classe: &'a str,
    pub oggetto: &'a str,
    /// By when the Sede answers (the oggetto's soglia).
    pub scade_at: i64,
}

/// A booked appointment.
#[derive(Clone, Copy, Debug)]
pub struct Appuntamento<'a> {
    pub prenotazione_id: crate::model::PrenotazioneId,
    /// When it was booked: with the id it makes the calendar's UID, the same in the cancellation.
    pub creata_at: i64,
    pub inizio_at: i64,
    pub durata_minuti: i64,
    pub telefono: &'a str,
    pub note: &'a str,
    /// The address the notice goes to, named in the calendar as the attendee.
    pub email: Option<&'a str>,
}

const FIRMA: &str = "INPS – Cassetto previdenziale del contribuente";
const AUTOMATICO: &str = "Messaggio automatico: non rispondere a questo indirizzo.";

/// Who the letter is for.
enum Saluto<'a> {
    /// A person, by name when known («Gentile utente» otherwise).
    Persona(&'a str),
    /// An office or firm (a PEC to an Ente).
    Ente(&'a str),
}

/// A piece of what the letter says.
enum Blocco {
    Paragrafo(String),
    /// Label and value, one per line.
    Dati(Vec<(&'static str, String)>),
    /// A code the reader must copy, alone on its line.
    Codice(String),
}

/// The letter both parts are written from.
struct Letter<'a> {
    subject: String,
    saluto: Saluto<'a>,
    /// What happened.
    fatto: Vec<Blocco>,
    /// The sentence that leads to the page, and the page's path on the site.
    link: (&'static str, String),
    /// What to do next.
    poi: Vec<String>,
    /// The Sede that writes, if one does.
    sede: Option<&'a str>,
}

impl Letter<'_> {
    fn greeting(&self) -> String {
        match self.saluto {
            Saluto::Persona(name) if !name.trim().is_empty() => format!("Gentile {},", name.trim()),
            Saluto::Persona(_) => "Gentile utente,".to_string(),
            Saluto::Ente(name) => format!("Spettabile {},", name.trim()),
        }
    }

    fn url(&self) -> String {
        format!("{SITE}{}", self.link.1)
    }

    fn signature(&self) -> Vec<String> {
        let mut lines = vec!["Cordiali saluti,".to_string(), FIRMA.to_string()];
        if let Some(sede) = self.sede {
            lines.push(format!("Sede di {sede}"));
        }
        lines
    }

    fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.greeting());
        for blocco in &self.fatto {
            match blocco {
                Blocco::Paragrafo(p) => out.push_str(&format!("{p}\n\n")),
                Blocco::Dati(dati) => {
                    for (label, value) in dati {
                        out.push_str(&format!("{label}: {value}\n"));
                    }
                    out.push('\n');
                }
                // Indented and alone on its line, so it reads as a code and copies cleanly.
                Blocco::Codice(c) => out.push_str(&format!("    {c}\n\n")),
            }
        }
        out.push_str(&format!("{}\n{}\n\n", self.link.0, self.url()));
        for p in &self.poi {
            out.push_str(&format!("{p}\n\n"));
        }
        out.push_str(&self.signature().join("\n"));
        out.push_str(&format!("\n\n-- \n{AUTOMATICO}\n"));
        out
    }

    fn html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n\
             <body style=\"font-family: 'Titillium Web', Arial, sans-serif; color: #1a1a1a; line-height: 1.5; \
             max-width: 40em\">\n<p>{}</p>\n",
            escape(&self.subject),
            escape(&self.greeting())
        );
        for blocco in &self.fatto {
            match blocco {
                Blocco::Paragrafo(p) => out.push_str(&format!("<p>{}</p>\n", escape(p))),
                Blocco::Dati(dati) => {
                    out.push_str("<table style=\"border-collapse: collapse; margin: 0 0 1em\">\n");
                    for (label, value) in dati {
                        out.push_str(&format!(
                            "<tr><th scope=\"row\" style=\"text-align: left; padding: 0 1em 0 0; \
                             vertical-align: top\">{}</th><td>{}</td></tr>\n",
                            escape(label),
                            escape(value)
                        ));
                    }
                    out.push_str("</table>\n");
                }
                Blocco::Codice(c) => out.push_str(&format!(
                    "<p style=\"font-size: 1.5em; letter-spacing: 0.1em\"><strong>{}</strong></p>\n",
                    escape(c)
                )),
            }
        }
        let url = escape(&self.url());
        out.push_str(&format!("<p>{}<br>\n<a href=\"{url}\">{url}</a></p>\n", escape(self.link.0)));
        for p in &self.poi {
            out.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        let signature: Vec<String> = self.signature().iter().map(|l| escape(l)).collect();
        out.push_str(&format!("<p>{}</p>\n", signature.join("<br>\n")));
        out.push_str(&format!(
            "<hr>\n<p style=\"font-size: 0.875em; color: #5c6f82\">{}</p>\n</body>\n</html>\n",
            escape(AUTOMATICO)
        ));
        out
    }

    fn notice(self, calendar: Option<String>) -> Notice {
        Notice { text: self.text(), html: self.html(), subject: self.subject.clone(), calendar }
    }
}

/// Text for HTML, in an element or an attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `dd/mm/yyyy` and `hh:mm` of an instant, in Italian civil time.
fn giorno_e_ora(unix: i64) -> (String, String) {
    let formatted = format_rome(unix);
    match formatted.split_once(' ') {
        Some((day, time)) => (day.to_string(), time.to_string()),
        None => (formatted, String::new()),
    }
}

fn pagina_richiesta(r: &Richiesta<'_>) -> (&'static str, String) {
    ("Può consultare la richiesta e il suo stato nel Cassetto previdenziale:", format!("/comunicazioni/{}", r.id))
}

fn dati_richiesta(r: &Richiesta<'_>) -> Vec<(&'static str, String)> {
    vec![
        ("Protocollo", r.protocollo.to_string()),
        ("Posizione contributiva", format!("{} – {}", r.posizione, r.ente)),
        ("Classe", r.classe.to_string()),
        ("Oggetto", r.oggetto.to_string()),
    ]
}

/// The richiesta has been given its protocol number and assigned to a Sede.
pub fn richiesta_protocollata(r: &Richiesta<'_>, aperta_at: i64) -> Notice {
    let (giorno, _) = giorno_e_ora(aperta_at);
    let (scadenza, _) = giorno_e_ora(r.scade_at);
    let mut dati = dati_richiesta(r);
    dati.insert(1, ("Data di invio", giorno));
    dati.push(("Risposta attesa entro", scadenza.clone()));
    Letter {
        subject: format!("Cassetto previdenziale: richiesta {} protocollata", r.protocollo),
        saluto: Saluto::Persona(r.autore),
        fatto: vec![
            Blocco::Paragrafo(format!(
                "La informiamo che la sua richiesta è stata protocollata con il numero {} e assegnata alla Sede {}, \
                 che ne curerà l'istruttoria.",
                r.protocollo, r.sede
            )),
            Blocco::Dati(dati),
        ],
        link: pagina_richiesta(r),
        poi: vec![
            "Per ora non deve fare altro: riceverà un nuovo avviso quando la Sede avrà risposto. Conservi il numero \
             di protocollo per ogni comunicazione sulla richiesta."
                .to_string(),
            format!(
                "Se entro il {scadenza} non avrà ricevuto risposta, potrà prenotare un appuntamento con la Sede dalla \
                 pagina della richiesta."
            ),
        ],
        sede: Some(r.sede),
    }
    .notice(None)
}

/// The SMS that says the same, short.
pub fn sms_richiesta_protocollata(r: &Richiesta<'_>) -> String {
    format!("INPS Cassetto: Richiesta protocollata n. {} e assegnata alla Sede {}.", r.protocollo, r.sede)
}

/// The Sede has closed the richiesta, with its outcome and the operator's comment.
pub fn richiesta_chiusa(r: &Richiesta<'_>, accolta: bool, commento: &str) -> Notice {
    let esito = if accolta { "accolta" } else { "non accolta" };
    let mut dati = dati_richiesta(r);
    dati.push(("Esito", esito.to_string()));
    if !commento.trim().is_empty() {
        dati.push(("Nota della Sede", commento.trim().to_string()));
    }
    let poi = if accolta {
        vec!["Non deve fare altro: la risposta completa resta disponibile nella pagina della richiesta.".to_string()]
    } else {
        vec![
            "Se desidera chiarimenti sull'esito, può prenotare un appuntamento con la Sede dalla pagina della \
             richiesta, scegliendo tra gli orari disponibili."
                .to_string(),
        ]
    };
    Letter {
        subject: format!("Cassetto previdenziale: richiesta {} chiusa", r.protocollo),
        saluto: Saluto::Persona(r.autore),
        fatto: vec![
            Blocco::Paragrafo(format!(
                "La informiamo che la Sede {} ha concluso l'esame della sua richiesta n. {}, con esito: {esito}.",
                r.sede, r.protocollo
            )),
            Blocco::Dati(dati),
        ],
        link: pagina_richiesta(r),
        poi,
        sede: Some(r.sede),
    }
    .notice(None)
}

pub fn sms_richiesta_chiusa(r: &Richiesta<'_>, accolta: bool) -> String {
    let esito = if accolta { "accolta" } else { "non accolta" };
    format!("INPS Cassetto: la richiesta {} è chiusa, esito {esito}. Dettagli nel Cassetto.", r.protocollo)
}

fn dati_appuntamento(r: &Richiesta<'_>, a: &Appuntamento<'_>) -> Vec<(&'static str, String)> {
    let (giorno, inizio) = giorno_e_ora(a.inizio_at);
    let (_, fine) = giorno_e_ora(a.inizio_at + a.durata_minuti * 60);
    vec![
        ("Data", giorno),
        ("Orario", format!("dalle {inizio} alle {fine}")),
        ("Sede", format!("INPS – Sede di {}, {}", r.sede, r.citta)),
        ("Richiesta", r.protocollo.to_string()),
        ("Telefono indicato", a.telefono.to_string()),
        ("Note per la Sede", a.note.to_string()),
    ]
}

/// The calendar file of the appointment: the booking and its cancellation share the UID.
fn calendario(r: &Richiesta<'_>, a: &Appuntamento<'_>, method: ics::Method, now: i64) -> String {
    let uid = format!("prenotazione-{}-{}@cassetto.local", a.prenotazione_id, a.creata_at);
    let summary = format!("Appuntamento INPS – Sede di {}", r.sede);
    let location = format!("INPS – Sede di {}, {}", r.sede, r.citta);
    let description = format!(
        "Appuntamento per la richiesta n. {} ({} – {}).\nPagina della richiesta: {SITE}/comunicazioni/{}",
        r.protocollo, r.classe, r.oggetto, r.id
    );
    let organizer = format!("INPS – Sede di {}", r.sede);
    ics::calendar(
        method,
        &ics::Event {
            uid: &uid,
            start: a.inizio_at,
            end: a.inizio_at + a.durata_minuti * 60,
            stamp: now,
            summary: &summary,
            location: &location,
            description: &description,
            organizer: ics::Party { name: &organizer, email: SENDER },
            attendee: a.email.map(|email| ics::Party { name: r.autore, email }),
        },
    )
}

/// The user has booked an appointment with the Sede: the confirmation, with the calendar file to add it.
pub fn appuntamento_prenotato(r: &Richiesta<'_>, a: &Appuntamento<'_>, now: i64) -> Notice {
    let (giorno, ora) = giorno_e_ora(a.inizio_at);
    Letter {
        subject: format!("Cassetto previdenziale: appuntamento del {giorno} confermato (richiesta {})", r.protocollo),
        saluto: Saluto::Persona(r.autore),
        fatto: vec![
            Blocco::Paragrafo(format!(
                "La informiamo che il suo appuntamento con la Sede {} è confermato per il {giorno} alle ore {ora}.",
                r.sede
            )),
            Blocco::Dati(dati_appuntamento(r, a)),
        ],
        link: pagina_richiesta(r),
        poi: vec![
            "Il file appuntamento.ics allegato aggiunge l'appuntamento al suo calendario. Tenga a disposizione i \
             documenti utili e il numero di protocollo della richiesta."
                .to_string(),
            "Se non potrà essere presente, annulli la prenotazione dalla pagina della richiesta: l'orario tornerà \
             disponibile per altri utenti."
                .to_string(),
        ],
        sede: Some(r.sede),
    }
    .notice(Some(calendario(r, a, ics::Method::Request, now)))
}

/// The user has cancelled the appointment: the notice, with the calendar file that removes it.
pub fn appuntamento_annullato(r: &Richiesta<'_>, a: &Appuntamento<'_>, now: i64) -> Notice {
    let (giorno, ora) = giorno_e_ora(a.inizio_at);
    Letter {
        subject: format!("Cassetto previdenziale: appuntamento del {giorno} annullato (richiesta {})", r.protocollo),
        saluto: Saluto::Persona(r.autore),
        fatto: vec![
            Blocco::Paragrafo(format!(
                "La informiamo che, come da lei richiesto, il suo appuntamento con la Sede {} del {giorno} alle ore \
                 {ora} è stato annullato.",
                r.sede
            )),
            Blocco::Dati(dati_appuntamento(r, a)),
        ],
        link: pagina_richiesta(r),
        poi: vec![
            "Il file appuntamento.ics allegato toglie l'appuntamento dal suo calendario.".to_string(),
            "Se lo desidera, può prenotare un nuovo appuntamento dalla pagina della richiesta, tra gli orari ancora \
             disponibili."
                .to_string(),
        ],
        sede: Some(r.sede),
    }
    .notice(Some(calendario(r, a, ics::Method::Cancel, now)))
}

pub fn sms_appuntamento(r: &Richiesta<'_>, a: &Appuntamento<'_>, annullato: bool) -> String {
    let (giorno, ora) = giorno_e_ora(a.inizio_at);
    let stato = if annullato { "annullato" } else { "confermato" };
    format!(
        "INPS Cassetto: appuntamento con la Sede {} del {giorno} ore {ora} {stato} (richiesta {}).",
        r.sede, r.protocollo
    )
}

/// The subject the circular gives the PEC of a new delega.
pub fn pec_subject(position_code: &str) -> String {
    format!("Comunicazione inserimento richiesta nuova delega per la posizione {position_code}")
}

/// The PEC to the Ente with the OTP that activates an intermediary's delega (the OTP as [`SECRET`]).
pub fn delega_otp(form: &DelegaForm) -> Notice {
    let rappresentante = format!("{} {}", form.legal_rep_nome.trim(), form.legal_rep_cognome.trim());
    let rappresentante = rappresentante.trim();
    let saluto = if rappresentante.is_empty() {
        Saluto::Ente(&form.ente_denominazione)
    } else {
        Saluto::Persona(rappresentante)
    };
    let delegante = if rappresentante.is_empty() {
        format!("codice fiscale {}, legale rappresentante", form.legal_rep_codice_fiscale)
    } else {
        format!("{rappresentante}, codice fiscale {}, legale rappresentante", form.legal_rep_codice_fiscale)
    };
    let mut fatto = vec![
        Blocco::Paragrafo(format!(
            "La informiamo che negli archivi dell'Istituto è stato rilevato l'inserimento di una richiesta di delega \
             a operare per la posizione contributiva {} di {} da parte dell'intermediario {} (codice fiscale {}, {}).",
            form.position_code,
            form.ente_denominazione,
            form.intermediary_name,
            form.intermediary_codice_fiscale,
            form.albo_category
        )),
        Blocco::Dati(vec![
            ("Riferimento della richiesta", form.reference.clone()),
            ("Posizione contributiva", form.position_code.clone()),
            ("Delegante indicato", delegante),
            ("Servizi delegati", form.services.join("; ")),
            ("Durata della delega", form.period.clone()),
        ]),
    ];
    if let Some(r) = &form.renews_reference {
        fatto.push(Blocco::Paragrafo(format!(
            "La richiesta rinnova la delega {r}, dal giorno successivo alla sua scadenza."
        )));
    }
    fatto.push(Blocco::Paragrafo("Per attivare la delega, comunichi all'intermediario il seguente codice OTP:".into()));
    fatto.push(Blocco::Codice(SECRET.to_string()));
    Letter {
        subject: pec_subject(&form.position_code),
        saluto,
        fatto,
        link: ("Può consultare le deleghe delle sue posizioni nel Cassetto previdenziale:", "/deleghe".to_string()),
        poi: vec![format!(
            "Il codice vale {} ore ed è utilizzabile una sola volta. Se non ha conferito alcuna delega, non comunichi \
             il codice e si rivolga alla sua Sede INPS.",
            otp::VALID_SECONDS / 3600
        )],
        sede: None,
    }
    .notice(None)
}

/// The password of the account has been changed (the other sessions are closed).
pub fn password_modificata(nome: &str) -> Notice {
    Letter {
        subject: "Cassetto previdenziale: password modificata".to_string(),
        saluto: Saluto::Persona(nome),
        fatto: vec![Blocco::Paragrafo(
            "La informiamo che la password del suo accesso al Cassetto previdenziale è stata modificata. Le altre \
             sessioni aperte sono state chiuse."
                .to_string(),
        )],
        link: ("Può consultare il suo profilo nel Cassetto previdenziale:", "/profilo".to_string()),
        poi: vec!["Se non è stato lei, contatti subito la sua Sede INPS.".to_string()],
        sede: None,
    }
    .notice(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn richiesta<'a>() -> Richiesta<'a> {
        Richiesta {
            id: crate::model::RichiestaId(42),
            protocollo: "INPS.7001.2027.0000012",
            autore: "Mario Rossi",
            sede: "Roma Eur",
            citta: "Roma",
            posizione: "8100000001800000",
            ente: "Rossi & Figli <S.r.l.>",
            classe: "Contributi",
            oggetto: "Note di rettifica",
            scade_at: 1_805_443_200,
        }
    }

    fn appuntamento<'a>(note: &'a str) -> Appuntamento<'a> {
        Appuntamento {
            prenotazione_id: crate::model::PrenotazioneId(7),
            creata_at: 1_800_000_000,
            inizio_at: 1_805_443_200, // 19/03/2027 09:00 in Rome (CET)
            durata_minuti: 30,
            telefono: "3331234567",
            note,
            email: Some("mario@example.it"),
        }
    }

    /// Every part of a letter: greeting, protocol, link, signature.
    fn assert_letter(n: &Notice, greeting: &str, protocol: &str, path: &str, sede: Option<&str>) {
        for part in [&n.text, &n.html] {
            assert!(part.contains(&escape(greeting)), "{part}");
            assert!(part.contains(protocol), "{part}");
            assert!(part.contains(&format!("{SITE}{path}")), "{part}");
            assert!(part.contains(FIRMA) && part.contains(AUTOMATICO), "{part}");
            if let Some(sede) = sede {
                assert!(part.contains(&format!("Sede di {sede}")), "{part}");
            }
        }
        assert!(n.html.contains(&format!("<a href=\"{SITE}{path}\">")), "{}", n.html);
        assert!(n.html.starts_with("<!DOCTYPE html>") && n.html.contains("<html lang=\"it\">"));
    }

    #[test]
    fn richiesta_notices_greet_name_the_protocol_link_and_sign_for_the_sede() {
        let r = richiesta();
        let opened = richiesta_protocollata(&r, 1_800_000_000);
        assert_eq!(opened.subject, "Cassetto previdenziale: richiesta INPS.7001.2027.0000012 protocollata");
        assert_letter(&opened, "Gentile Mario Rossi,", r.protocollo, "/comunicazioni/42", Some("Roma Eur"));
        assert!(opened.text.contains("Data di invio: 15/01/2027"), "{}", opened.text);
        assert!(opened.text.contains("Risposta attesa entro: 19/03/2027"), "{}", opened.text);
        assert!(opened.text.contains("riceverà un nuovo avviso"));
        assert!(opened.calendar.is_none());
        // User data is escaped in the HTML, kept as typed in the text.
        assert!(opened.text.contains("Rossi & Figli <S.r.l.>"));
        assert!(opened.html.contains("Rossi &amp; Figli &lt;S.r.l.&gt;") && !opened.html.contains("<S.r.l.>"));

        let closed = richiesta_chiusa(&r, false, "Il versamento è di un'altra matricola.");
        assert_letter(&closed, "Gentile Mario Rossi,", r.protocollo, "/comunicazioni/42", Some("Roma Eur"));
        assert!(closed.text.contains("Esito: non accolta\nNota della Sede: Il versamento è di un'altra matricola."));
        assert!(closed.text.contains("prenotare un appuntamento"));
        assert!(!richiesta_chiusa(&r, true, "").text.contains("Nota della Sede"));
        assert!(sms_richiesta_chiusa(&r, false).contains("esito non accolta"));
    }

    #[test]
    fn without_a_name_the_greeting_is_generic() {
        let r = Richiesta { autore: " ", ..richiesta() };
        assert!(richiesta_protocollata(&r, 0).text.starts_with("Gentile utente,\n\n"));
        assert!(password_modificata("Laura Bianchi").text.starts_with("Gentile Laura Bianchi,\n\n"));
    }

    #[test]
    fn the_booking_carries_its_calendar_and_the_cancellation_removes_it() {
        let r = richiesta();
        let a = appuntamento("Porterò l'F24 <b>originale</b>");
        let booked = appuntamento_prenotato(&r, &a, 1_800_000_100);
        assert_letter(&booked, "Gentile Mario Rossi,", r.protocollo, "/comunicazioni/42", Some("Roma Eur"));
        assert_eq!(
            booked.subject,
            "Cassetto previdenziale: appuntamento del 19/03/2027 confermato (richiesta INPS.7001.2027.0000012)"
        );
        assert!(booked.text.contains("Orario: dalle 09:00 alle 09:30"), "{}", booked.text);
        assert!(booked.html.contains("Porterò l&#39;F24 &lt;b&gt;originale&lt;/b&gt;"), "{}", booked.html);
        let cancelled = appuntamento_annullato(&r, &a, 1_800_000_200);
        assert!(cancelled.text.contains("è stato annullato"));
        let (b, c) = (booked.calendar.expect("ics"), cancelled.calendar.expect("ics"));
        assert_eq!(ics::method_of(&b), Some(ics::Method::Request));
        assert_eq!(ics::method_of(&c), Some(ics::Method::Cancel));
        let uid = |s: &str| ics::unfold(s).lines().find(|l| l.starts_with("UID:")).map(str::to_string);
        assert_eq!(uid(&b), Some("UID:prenotazione-7-1800000000@cassetto.local".to_string()));
        assert_eq!(uid(&b), uid(&c));
        assert!(ics::unfold(&b).contains(&format!("mailto:{SENDER}")), "the outbox fills the organizer");
    }

    #[test]
    fn the_delega_pec_keeps_the_otp_as_a_placeholder_in_both_parts() {
        let form = DelegaForm {
            reference: "DEL-2027-000042".into(),
            position_code: "80012345678001".into(),
            ente_denominazione: "Comune di Roccaverde".into(),
            ente_codice_fiscale: "80012345678".into(),
            ente_pec: "protocollo@pec.roccaverde.it".into(),
            legal_rep_codice_fiscale: "GLLCRL70A41H501X".into(),
            legal_rep_nome: "Carla".into(),
            legal_rep_cognome: "Gialli".into(),
            services: vec!["Gestione contributiva dipendenti pubblici".into()],
            period: "dal 01/02/2027 fino a revoca".into(),
            renews_reference: Some("DEL-2026-000007".into()),
            intermediary_name: "Giuseppe Verdi".into(),
            intermediary_codice_fiscale: "VRDGPP65C10L219T".into(),
            albo_category: "Consulente del lavoro".into(),
            albo_registration: "1234".into(),
            albo_province: "RM".into(),
            created_on: chrono::NaiveDate::from_ymd_opt(2027, 2, 1).expect("date"),
        };
        let pec = delega_otp(&form);
        assert_eq!(pec.subject, "Comunicazione inserimento richiesta nuova delega per la posizione 80012345678001");
        assert_letter(&pec, "Gentile Carla Gialli,", "DEL-2027-000042", "/deleghe", None);
        assert!(pec.text.contains(&format!("\n    {SECRET}\n")), "{}", pec.text);
        assert!(pec.html.contains(&format!("<strong>{SECRET}</strong>")), "{}", pec.html);
        assert!(pec.text.contains("Delegante indicato: Carla Gialli, codice fiscale GLLCRL70A41H501X"));
        assert!(pec.text.contains("Durata della delega: dal 01/02/2027 fino a revoca"));
        assert!(pec.text.contains("rinnova la delega DEL-2026-000007"));
        assert!(pec.text.contains("Il codice vale 72 ore"));
        let old = DelegaForm { legal_rep_nome: String::new(), legal_rep_cognome: String::new(), ..form };
        assert!(delega_otp(&old).text.starts_with("Spettabile Comune di Roccaverde,\n\n"));
    }

    #[test]
    fn html_escaping() {
        assert_eq!(escape(r#"<a href="x">l'&</a>"#), "&lt;a href=&quot;x&quot;&gt;l&#39;&amp;&lt;/a&gt;");
        assert_eq!(escape("{segreto} è"), "{segreto} è");
    }
}
