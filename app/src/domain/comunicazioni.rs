//! Comunicazione bidirezionale 2.0 and Agenda appuntamenti (circular §3.1): the life of a richiesta and
//! its quesito, the protocol number, and when the user may book an appointment at the Sede.

use serde::{Deserialize, Serialize};

/// Status of a richiesta, in step with its back-office quesito.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stato {
    Aperta,
    InCarico,
    Chiusa,
}

impl Stato {
    pub fn as_str(self) -> &'static str {
        match self {
            Stato::Aperta => "aperta",
            Stato::InCarico => "in_carico",
            Stato::Chiusa => "chiusa",
        }
    }

    pub fn parse(s: &str) -> Option<Stato> {
        match s {
            "aperta" => Some(Stato::Aperta),
            "in_carico" => Some(Stato::InCarico),
            "chiusa" => Some(Stato::Chiusa),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stato::Aperta => "Aperta",
            Stato::InCarico => "In carico",
            Stato::Chiusa => "Chiusa",
        }
    }
}

/// The final outcome the operator sets when closing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Esito {
    Accolta,
    NonAccolta,
}

impl Esito {
    pub fn as_str(self) -> &'static str {
        match self {
            Esito::Accolta => "accolta",
            Esito::NonAccolta => "non_accolta",
        }
    }

    pub fn parse(s: &str) -> Option<Esito> {
        match s {
            "accolta" => Some(Esito::Accolta),
            "non_accolta" => Some(Esito::NonAccolta),
            _ => None,
        }
    }
}

/// What an operator does to a quesito.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Azione {
    PrendiInCarico,
    Commenta,
    Chiudi(Esito),
}

/// Why an action on a quesito is refused (the message is the Italian one the operator reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AzioneRifiutata {
    #[error("Il quesito è chiuso: non si può più modificare.")]
    Chiuso,
    #[error("Il quesito è già in carico.")]
    GiaInCarico,
    #[error("Scriva il commento.")]
    CommentoMancante,
    #[error("Prenda in carico il quesito prima di chiuderlo.")]
    NonInCarico,
    #[error("Per chiudere il quesito scriva la motivazione dell'esito.")]
    MotivazioneMancante,
}

/// The status after `azione`, or why it is not allowed. Comments are required for a comment and for the
/// closing (the outcome needs its reason); taking in charge may go without one.
pub fn transizione(corrente: Stato, azione: Azione, commento: &str) -> Result<Stato, AzioneRifiutata> {
    let commento_vuoto = commento.trim().is_empty();
    match (corrente, azione) {
        (Stato::Chiusa, _) => Err(AzioneRifiutata::Chiuso),
        (Stato::Aperta, Azione::PrendiInCarico) => Ok(Stato::InCarico),
        (Stato::InCarico, Azione::PrendiInCarico) => Err(AzioneRifiutata::GiaInCarico),
        (_, Azione::Commenta) if commento_vuoto => Err(AzioneRifiutata::CommentoMancante),
        (stato, Azione::Commenta) => Ok(stato),
        (Stato::Aperta, Azione::Chiudi(_)) => Err(AzioneRifiutata::NonInCarico),
        (Stato::InCarico, Azione::Chiudi(_)) if commento_vuoto => Err(AzioneRifiutata::MotivazioneMancante),
        (Stato::InCarico, Azione::Chiudi(_)) => Ok(Stato::Chiusa),
    }
}

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// The instant after which an unanswered richiesta is overdue: opening plus the oggetto's tempi soglia.
pub fn scadenza(aperta_at: i64, soglia_giorni: i64) -> i64 {
    aperta_at + soglia_giorni * SECONDS_PER_DAY
}

/// Overdue: still without an answer (not closed) once the soglia has passed.
pub fn in_ritardo(stato: Stato, scade_at: i64, now: i64) -> bool {
    stato != Stato::Chiusa && now >= scade_at
}

/// How the user is told of the protocol and of the closing (circular §3.1: "tramite e-mail e SMS"): the
/// user chooses one channel or both, and each notice goes to each channel chosen, and only there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Canali {
    Email,
    Sms,
    EmailSms,
}

impl Canali {
    pub const TUTTI: [Canali; 3] = [Canali::Email, Canali::Sms, Canali::EmailSms];

    /// The value the form sends.
    pub fn as_str(self) -> &'static str {
        match self {
            Canali::Email => "email",
            Canali::Sms => "sms",
            Canali::EmailSms => "email_sms",
        }
    }

    pub fn parse(s: &str) -> Option<Canali> {
        Self::TUTTI.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Canali::Email => "Solo e-mail",
            Canali::Sms => "Solo SMS",
            Canali::EmailSms => "E-mail e SMS",
        }
    }

    pub fn email(self) -> bool {
        matches!(self, Canali::Email | Canali::EmailSms)
    }

    pub fn sms(self) -> bool {
        matches!(self, Canali::Sms | Canali::EmailSms)
    }
}

/// The contacts kept with a richiesta: exactly those of the channels chosen (a contact typed for a channel
/// not chosen is not kept, so no notice can reach it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recapiti {
    pub email: Option<String>,
    pub telefono: Option<String>,
}

impl Recapiti {
    /// The SMS consent is stored with the richiesta: given exactly when the SMS channel is chosen.
    pub fn consenso_sms(&self) -> bool {
        self.telefono.is_some()
    }
}

/// A mobile number, Italian or international: an optional `+`, then 6 to 15 digits (spaces allowed).
pub fn telefono_valido(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s).replace(' ', "");
    (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The contacts for the notices, or the Italian reason they are refused. `scelta`: the channels the user
/// chose; `None` (a sending that does not say) reads the choice from the contacts given. The e-mail address is
/// needed only with the e-mail channel, the mobile number and the consent only with the SMS one.
/// `email_valida` is the server's check of an address (the parser the outbox delivers with).
pub fn recapiti(
    scelta: Option<Canali>,
    email: Option<&str>,
    telefono: Option<&str>,
    consenso_sms: bool,
    email_valida: impl Fn(&str) -> bool,
) -> Result<Recapiti, &'static str> {
    let given = |s: Option<&str>| s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let (email, telefono) = (given(email), given(telefono));
    let scelta = match (scelta, &email, &telefono) {
        (Some(c), _, _) => c,
        (None, Some(_), Some(_)) => Canali::EmailSms,
        (None, Some(_), None) => Canali::Email,
        (None, None, Some(_)) => Canali::Sms,
        (None, None, None) => {
            return Err("Indichi almeno un recapito per gli avvisi: e-mail, telefono cellulare o entrambi.");
        }
    };
    let email = match (scelta.email(), email) {
        (false, _) => None,
        (true, None) => return Err("Ha scelto gli avvisi via e-mail: indichi l'indirizzo e-mail."),
        (true, Some(e)) if !email_valida(&e) => return Err("L'indirizzo e-mail non è valido."),
        (true, Some(e)) => Some(e),
    };
    let telefono = match (scelta.sms(), telefono) {
        (false, _) => None,
        (true, None) => return Err("Ha scelto gli avvisi via SMS: indichi il numero di telefono cellulare."),
        (true, Some(t)) if !telefono_valido(&t) => return Err("Il numero di telefono non è valido."),
        (true, Some(_)) if !consenso_sms => {
            return Err("Per ricevere gli avvisi via SMS occorre il consenso all'invio degli SMS.");
        }
        (true, Some(t)) => Some(t),
    };
    Ok(Recapiti { email, telefono })
}

/// Which richieste a list shows (`/comunicazioni` for the author, the Sede's queue for operators), read
/// from the page's `ListQuery`. Instants are unix seconds, bounds included/excluded as `[dal, al)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ricerca {
    /// Whose richieste the history lists (the queue ignores it).
    pub vista: Vista,
    /// Digits the position code (or matricola) starts with.
    pub posizione: Option<String>,
    pub oggetto: Option<i64>,
    /// `None`: every status; the queue's default is `FiltroStato::DaLavorare`.
    pub stato: FiltroStato,
    pub aperta: (Option<i64>, Option<i64>),
    pub aggiornata: (Option<i64>, Option<i64>),
    /// Only those past their soglia without an answer.
    pub solo_scadute: bool,
    pub ordine: Ordine,
    pub desc: bool,
    pub pagina: u32,
}

/// The two histories of a user: the richieste they sent, or (for the datore of an Ente) every richiesta
/// about the positions they hold, whoever sent it — a delegated employee, an intermediary, themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vista {
    InviateDaMe,
    SullaMiaPosizione,
}

impl Vista {
    /// The value of the `vista` filter (`InviateDaMe` is the default, with no value).
    pub fn key(self) -> &'static str {
        match self {
            Vista::InviateDaMe => "",
            Vista::SullaMiaPosizione => "posizione",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FiltroStato {
    Tutti,
    /// Open or in charge: what the Sede still has to answer.
    DaLavorare,
    Solo(Stato),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ordine {
    Protocollo,
    Apertura,
    Aggiornamento,
    Scadenza,
}

impl Ordine {
    pub fn key(self) -> &'static str {
        match self {
            Ordine::Protocollo => "protocollo",
            Ordine::Apertura => "aperta",
            Ordine::Aggiornamento => "aggiornata",
            Ordine::Scadenza => "scadenza",
        }
    }

    fn parse(s: &str) -> Option<Ordine> {
        [Ordine::Protocollo, Ordine::Apertura, Ordine::Aggiornamento, Ordine::Scadenza]
            .into_iter()
            .find(|o| o.key() == s)
    }
}

/// Rows per page of the richieste lists.
pub const PER_PAGINA: u32 = 20;

/// A list counts its matches up to here: beyond it says "oltre 1.000" and asks for narrower filters. An
/// intermediary's history holds tens of thousands of richieste, and counting every match of a broad filter
/// on every page would cost more than the page itself.
pub const CONTEGGIO_MASSIMO: i64 = 1000;

/// The codes that start with `prefix` (digits) are those from `prefix` up to, not including, the returned bound:
/// the prefix with its last digit raised by one, carrying over nines (`2019` → `202`); `None` when the prefix is
/// all nines (no upper bound). A range, unlike `LIKE 'prefix%'`, is read from the index of the codes on either
/// database whatever the collation, as digits sort alike in all of them.
pub fn fine_prefisso(prefix: &str) -> Option<String> {
    let mut digits = prefix.as_bytes().to_vec();
    while let Some(last) = digits.pop() {
        if last < b'9' {
            digits.push(last + 1);
            return String::from_utf8(digits).ok();
        }
    }
    None
}

/// Why the filters of a list of richieste cannot be read; the messages are the user's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RicercaNonValida {
    #[error("Scelga quali richieste vedere: inviate da lei o sulla sua posizione.")]
    Vista,
    #[error("Cerchi la posizione per cifre: la matricola o il codice della posizione.")]
    Posizione,
    #[error("Oggetto sconosciuto.")]
    Oggetto,
    #[error("Stato sconosciuto.")]
    Stato,
    #[error("La data «{0}» non è valida: usi il formato gg/mm/aaaa.")]
    Data(String),
    /// The first day of the interval named (`apertura`, `ultimo aggiornamento`) follows the last.
    #[error("Nell'intervallo della data di {0} la data iniziale segue quella finale.")]
    Intervallo(&'static str),
    #[error("Ordinamento sconosciuto.")]
    Ordinamento,
}

/// Reads a list's filters. `coda`: the Sede's queue (defaults: still to answer, nearest deadline first);
/// otherwise the author's history (defaults: everything, latest change first). Bad input is refused in
/// Italian, never silently ignored.
pub fn ricerca(q: &crate::domain::lista::ListQuery, coda: bool) -> Result<Ricerca, RicercaNonValida> {
    let get = |k: &str| q.filters.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let vista = match get("vista") {
        None | Some("inviate") => Vista::InviateDaMe,
        Some("posizione") => Vista::SullaMiaPosizione,
        Some(_) => return Err(RicercaNonValida::Vista),
    };
    let posizione = match get("posizione") {
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 16 => Some(p.to_string()),
        Some(_) => return Err(RicercaNonValida::Posizione),
        None => None,
    };
    let oggetto = match get("oggetto") {
        Some(o) => Some(o.parse().map_err(|_| RicercaNonValida::Oggetto)?),
        None => None,
    };
    let stato = match get("stato") {
        None if coda => FiltroStato::DaLavorare,
        None | Some("tutti") => FiltroStato::Tutti,
        Some("da_lavorare") => FiltroStato::DaLavorare,
        Some(s) => FiltroStato::Solo(Stato::parse(s).ok_or(RicercaNonValida::Stato)?),
    };
    let giorno = |k: &str| -> Result<Option<chrono::NaiveDate>, RicercaNonValida> {
        get(k)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| RicercaNonValida::Data(v.to_string()))
            })
            .transpose()
    };
    let intervallo =
        |dal: &str, al: &str, nome: &'static str| -> Result<(Option<i64>, Option<i64>), RicercaNonValida> {
            let (from, to) = (giorno(dal)?, giorno(al)?);
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                return Err(RicercaNonValida::Intervallo(nome));
            }
            let midnight = |d: chrono::NaiveDate| crate::domain::time::rome_to_unix(d.and_time(chrono::NaiveTime::MIN));
            Ok((from.map(midnight), to.and_then(|t| t.succ_opt()).map(midnight)))
        };
    let ordine = match q.sort.as_deref() {
        None if coda => Ordine::Scadenza,
        None => Ordine::Aggiornamento,
        Some(s) => Ordine::parse(s).ok_or(RicercaNonValida::Ordinamento)?,
    };
    Ok(Ricerca {
        vista,
        posizione,
        oggetto,
        stato,
        aperta: intervallo("aperta_dal", "aperta_al", "apertura")?,
        aggiornata: intervallo("aggiornata_dal", "aggiornata_al", "ultimo aggiornamento")?,
        solo_scadute: get("scadute").is_some(),
        ordine,
        desc: if q.sort.is_none() { !coda } else { q.desc },
        pagina: q.page,
    })
}

/// The protocol number of the `numero`-th richiesta of `anno` at the Sede `sede_code`.
pub fn protocollo(sede_code: &str, anno: i32, numero: i64) -> String {
    format!("INPS.{sede_code}.{anno}.{numero:07}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)], sort: Option<&str>) -> crate::domain::lista::ListQuery {
        crate::domain::lista::ListQuery {
            filters: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            sort: sort.map(str::to_string),
            desc: false,
            page: 2,
        }
    }

    #[test]
    fn the_quesito_goes_aperta_in_carico_chiusa_and_stops_there() {
        assert_eq!(transizione(Stato::Aperta, Azione::PrendiInCarico, ""), Ok(Stato::InCarico));
        assert_eq!(transizione(Stato::InCarico, Azione::Commenta, "Verifica in corso"), Ok(Stato::InCarico));
        assert_eq!(transizione(Stato::Aperta, Azione::Commenta, "Ricevuta"), Ok(Stato::Aperta));
        assert_eq!(transizione(Stato::InCarico, Azione::Chiudi(Esito::NonAccolta), "Manca il DURC"), Ok(Stato::Chiusa));
        assert!(transizione(Stato::InCarico, Azione::PrendiInCarico, "").is_err());
        assert!(transizione(Stato::Aperta, Azione::Chiudi(Esito::Accolta), "ok").is_err(), "closing skips no step");
        for azione in [Azione::PrendiInCarico, Azione::Commenta, Azione::Chiudi(Esito::Accolta)] {
            assert_eq!(transizione(Stato::Chiusa, azione, "x"), Err(AzioneRifiutata::Chiuso));
        }
    }

    #[test]
    fn comments_and_closings_need_words() {
        assert_eq!(transizione(Stato::InCarico, Azione::Commenta, "  "), Err(AzioneRifiutata::CommentoMancante));
        assert_eq!(AzioneRifiutata::CommentoMancante.to_string(), "Scriva il commento.");
        assert!(transizione(Stato::InCarico, Azione::Chiudi(Esito::Accolta), "").is_err());
    }

    #[test]
    fn list_filters_read_with_their_defaults_and_refuse_bad_input() {
        let history = ricerca(&query(&[], None), false).expect("history");
        assert_eq!((history.stato, history.ordine, history.desc), (FiltroStato::Tutti, Ordine::Aggiornamento, true));
        let queue = ricerca(&query(&[], None), true).expect("queue");
        assert_eq!((queue.stato, queue.ordine, queue.desc), (FiltroStato::DaLavorare, Ordine::Scadenza, false));
        let r = ricerca(
            &query(
                &[
                    ("posizione", "8100"),
                    ("stato", "chiusa"),
                    ("aperta_dal", "2026-03-01"),
                    ("aperta_al", "2026-03-31"),
                    ("scadute", "1"),
                ],
                Some("protocollo"),
            ),
            false,
        )
        .expect("filters");
        assert_eq!(r.posizione.as_deref(), Some("8100"));
        assert_eq!(r.stato, FiltroStato::Solo(Stato::Chiusa));
        // Italian days: from midnight of 1 March (CET) to midnight after 31 March (CEST from the 29th).
        assert_eq!(r.aperta, (Some(1_772_319_600), Some(1_774_994_400)));
        assert!(r.solo_scadute);
        assert_eq!((r.ordine, r.desc, r.pagina), (Ordine::Protocollo, false, 2));
        assert_eq!(ricerca(&query(&[("posizione", "81%")], None), false).map(|_| ()), Err(RicercaNonValida::Posizione));
        assert_eq!(fine_prefisso("8100").as_deref(), Some("8101"));
        assert_eq!(fine_prefisso("2019").as_deref(), Some("202"));
        assert_eq!(fine_prefisso("1999999").as_deref(), Some("2"));
        assert_eq!(fine_prefisso("999"), None);
        let refused = |pairs: &[(&str, &str)], sort: Option<&str>| ricerca(&query(pairs, sort), false).map(|_| ());
        assert_eq!(refused(&[("aperta_dal", "31/02/2026")], None), Err(RicercaNonValida::Data("31/02/2026".into())));
        let backwards = [("aggiornata_dal", "2026-04-02"), ("aggiornata_al", "2026-04-01")];
        let e = refused(&backwards, None).expect_err("refused");
        assert_eq!(
            e.to_string(),
            "Nell'intervallo della data di ultimo aggiornamento la data iniziale segue quella finale."
        );
        assert_eq!(refused(&[("stato", "sospesa")], None), Err(RicercaNonValida::Stato));
        assert_eq!(refused(&[], Some("id; DROP TABLE")), Err(RicercaNonValida::Ordinamento));
    }

    #[test]
    fn the_history_is_of_the_richieste_sent_unless_the_position_is_asked_for() {
        assert_eq!(ricerca(&query(&[], None), false).expect("default").vista, Vista::InviateDaMe);
        assert_eq!(ricerca(&query(&[("vista", "inviate")], None), false).expect("mine").vista, Vista::InviateDaMe);
        let held = ricerca(&query(&[("vista", "posizione")], None), false).expect("position");
        assert_eq!(held.vista, Vista::SullaMiaPosizione);
        assert_eq!(ricerca(&query(&[("vista", "tutte")], None), false).map(|_| ()), Err(RicercaNonValida::Vista));
    }

    /// The check the server makes of an address, here reduced to its shape.
    fn shape(e: &str) -> bool {
        e.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
    }

    #[test]
    fn each_channel_needs_its_own_contact_and_only_the_sms_the_consent() {
        let (mail, phone) = (Some("ufficio@comune.example.it"), Some("+39 333 1234567"));
        let kept = |email: Option<&str>, telefono: Option<&str>| Recapiti {
            email: email.map(str::to_string),
            telefono: telefono.map(str::to_string),
        };
        // E-mail only: no number and no consent needed; a number typed all the same is not kept.
        assert_eq!(recapiti(Some(Canali::Email), mail, None, false, shape), Ok(kept(mail, None)));
        assert_eq!(recapiti(Some(Canali::Email), mail, phone, false, shape), Ok(kept(mail, None)));
        // SMS only: the number and the consent; an address typed all the same is not kept.
        assert_eq!(recapiti(Some(Canali::Sms), None, phone, true, shape), Ok(kept(None, phone)));
        assert_eq!(recapiti(Some(Canali::Sms), mail, phone, true, shape), Ok(kept(None, phone)));
        // Both: both contacts and the consent.
        let both = recapiti(Some(Canali::EmailSms), mail, phone, true, shape).expect("both");
        assert_eq!(both, kept(mail, phone));
        assert!(both.consenso_sms());
        assert!(!kept(mail, None).consenso_sms());

        let refused = |scelta, email, telefono, consenso| {
            recapiti(scelta, email, telefono, consenso, shape).expect_err("refused")
        };
        assert!(refused(Some(Canali::Email), None, phone, true).contains("indichi l'indirizzo e-mail"));
        assert!(refused(Some(Canali::Email), Some("ufficio.example.it"), None, false).contains("non è valido"));
        assert!(refused(Some(Canali::Sms), mail, Some("  "), true).contains("numero di telefono cellulare"));
        assert!(refused(Some(Canali::Sms), None, Some("12a45678"), true).contains("telefono non è valido"));
        assert!(refused(Some(Canali::Sms), None, phone, false).contains("consenso"));
        assert!(refused(Some(Canali::EmailSms), mail, None, true).contains("SMS"));
        assert!(refused(Some(Canali::EmailSms), None, phone, true).contains("e-mail"));
        assert!(refused(Some(Canali::EmailSms), mail, phone, false).contains("consenso"));
    }

    #[test]
    fn without_a_stated_choice_the_channels_are_those_of_the_contacts_given() {
        let (mail, phone) = (Some("ufficio@comune.example.it"), Some("3331234567"));
        assert_eq!(recapiti(None, mail, None, false, shape).expect("e-mail").telefono, None);
        let both = recapiti(None, mail, phone, true, shape).expect("both");
        assert!(both.email.is_some() && both.telefono.is_some());
        assert!(recapiti(None, mail, phone, false, shape).expect_err("refused").contains("consenso"));
        assert!(recapiti(None, Some(" "), None, true, shape).expect_err("refused").contains("almeno un recapito"));
        for c in Canali::TUTTI {
            assert_eq!(Canali::parse(c.as_str()), Some(c));
        }
        assert_eq!(Canali::parse("piccione"), None);
        assert!(telefono_valido("+39 333 1234567") && !telefono_valido("12345") && !telefono_valido("+39 333 <b>"));
    }

    #[test]
    fn protocol_numbers_are_per_sede_and_year() {
        assert_eq!(protocollo("7001", 2026, 42), "INPS.7001.2026.0000042");
    }
}
