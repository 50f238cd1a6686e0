//! Comunicazione bidirezionale and Agenda appuntamenti on the data layer, on both backends: protocol
//! numbers, the quesito's life at its Sede with timeline and notices, who may book when, and a slot that
//! concurrent bookings from two connection pools (as two server processes) never book twice.

use crate::common::{Backend, TestApp, cf_of};
use app::domain::comunicazioni::{Azione, Esito, Stato};
use app::error::AppError;
use app::model::Role;
use app::ssr::agenda::{self, SLOT_NON_DISPONIBILE};
use app::ssr::comunicazioni::{self as com, NuovaRichiesta};
use app::ssr::db::{Db, now_unix};

const DAY: i64 = 86_400;

async fn user_id(db: &Db, cf: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_one(db.pool())
        .await
        .expect("user")
}

/// The operator's id and Sede, a position at that Sede, another Sede, and the oggetto "Note di rettifica".
struct Fixture {
    user: i64,
    operator: i64,
    sede: i64,
    other_sede: i64,
    position: i64,
    oggetto: i64,
    soglia_giorni: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.db;
    let operator = user_id(db, &cf_of(Role::Operatore)).await;
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM users WHERE id = $1")
        .bind(operator)
        .fetch_one(db.pool())
        .await
        .expect("sede");
    let other_sede: i64 = sqlx::query_scalar("SELECT MIN(id) FROM sedi WHERE id <> $1")
        .bind(sede)
        .fetch_one(db.pool())
        .await
        .expect("sede");
    let position: i64 = sqlx::query_scalar("SELECT MIN(id) FROM positions WHERE sede_id = $1")
        .bind(sede)
        .fetch_one(db.pool())
        .await
        .expect("position");
    let (oggetto, soglia_giorni): (i64, i64) =
        sqlx::query_as("SELECT id, soglia_giorni FROM comunicazione_oggetti WHERE oggetto = 'Note di rettifica'")
            .fetch_one(db.pool())
            .await
            .expect("oggetto");
    Fixture {
        user: user_id(db, &cf_of(Role::Datore)).await,
        operator,
        sede,
        other_sede,
        position,
        oggetto,
        soglia_giorni,
    }
}

fn nuova(f: &Fixture) -> NuovaRichiesta<'static> {
    NuovaRichiesta {
        position_id: f.position,
        oggetto_id: f.oggetto,
        testo: "La nota di rettifica di marzo 2025 non tiene conto del versamento del 16/04.",
        email: Some("ufficio.personale@example.it"),
        telefono: Some("+39 333 1234567"),
        consenso_notifiche: true,
        allegati: Vec::new(),
    }
}

fn invalid(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Invalid(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn quesito_life(app: TestApp) {
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let year = chrono::Datelike::year(&app::domain::time::rome_date(now));
    // The Sede's register goes on from the numbers the demo's DMA already took this year (one register).
    let taken: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(ultimo), 0) FROM protocollo_contatori WHERE sede_id = $1 AND anno = $2",
    )
    .bind(f.sede)
    .bind(i64::from(year))
    .fetch_one(db.pool())
    .await
    .expect("register");
    let (id, protocollo) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    let (_, next) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    let sede_code: String = sqlx::query_scalar("SELECT code FROM sedi WHERE id = $1")
        .bind(f.sede)
        .fetch_one(db.pool())
        .await
        .expect("code");
    assert_eq!(protocollo, format!("INPS.{sede_code}.{year}.{:07}", taken + 1));
    assert_eq!(next, format!("INPS.{sede_code}.{year}.{:07}", taken + 2));

    let (stato, scade_at): (String, i64) = sqlx::query_as("SELECT stato, scade_at FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("row");
    assert_eq!(stato, "aperta");
    assert_eq!(scade_at, now + f.soglia_giorni * DAY, "the deadline comes from the oggetto's soglia");

    // Another Sede's operator does not see it; the steps cannot be skipped; a closing needs its reason.
    let other = com::act(db, f.operator, f.other_sede, id, Azione::PrendiInCarico, "", now).await;
    assert!(matches!(other, Err(AppError::NotFound)), "{other:?}");
    let skip = com::act(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "No", now).await;
    assert!(invalid(skip).contains("Prenda in carico"));
    assert_eq!(
        com::act(db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico"),
        Stato::InCarico
    );
    let bare = com::act(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), " ", now).await;
    assert!(invalid(bare).contains("motivazione"));
    let closed =
        com::act(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "Versamento non trovato.", now)
            .await
            .expect("chiudi");
    assert_eq!(closed, Stato::Chiusa);
    let again = com::act(db, f.operator, f.sede, id, Azione::Commenta, "ancora", now).await;
    assert!(invalid(again).contains("chiuso"));

    // The timeline and the notices: protocolled and closed, by e-mail, through the outbox.
    let timeline: Vec<(String, String)> =
        sqlx::query_as("SELECT stato, commento FROM richiesta_eventi WHERE richiesta_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(db.pool())
            .await
            .expect("timeline");
    let stati: Vec<&str> = timeline.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(stati, ["aperta", "in_carico", "chiusa"]);
    assert!(timeline[0].1.contains(&protocollo));
    assert_eq!(timeline[2].1, "Esito: non accolta. Versamento non trovato.");
    let notices: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE recipient = 'ufficio.personale@example.it' AND subject LIKE $1 ORDER BY id",
    )
    .bind(format!("%{protocollo}%"))
    .fetch_all(db.pool())
    .await
    .expect("outbox");
    assert_eq!(
        notices,
        [
            format!("Cassetto previdenziale: richiesta {protocollo} protocollata"),
            format!("Cassetto previdenziale: richiesta {protocollo} chiusa")
        ]
    );
    // The same two notices by SMS, to the phone given, through the gateway adapter's channel.
    let sms: Vec<String> = sqlx::query_scalar(
        "SELECT body FROM outbox WHERE channel = 'sms' AND recipient = '+39 333 1234567' AND body LIKE $1 ORDER BY id",
    )
    .bind(format!("%{protocollo}%"))
    .fetch_all(db.pool())
    .await
    .expect("sms");
    assert_eq!(sms.len(), 2, "{sms:?}");
    assert!(sms[0].contains("protocollata") && sms[1].contains("esito non accolta"), "{sms:?}");
    let detail = com::detail(db, id, app::ssr::comunicazioni::Viewer::Author(f.user), now).await.expect("detail");
    let canali: Vec<&str> = detail.avvisi.iter().map(|a| a.canale.as_str()).collect();
    assert_eq!(canali, ["email", "sms", "email", "sms"], "each notice is tracked on the richiesta");
    assert!(detail.avvisi.iter().all(|a| a.stato == "in_coda"));
    let esito: Option<String> = sqlx::query_scalar("SELECT esito FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("esito");
    assert_eq!(esito.as_deref(), Some("non_accolta"));

    // Bad input stores nothing.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM richieste").fetch_one(db.pool()).await.expect("count");
    let no_contact = NuovaRichiesta { email: None, telefono: None, ..nuova(&f) };
    assert!(invalid(com::open(db, f.user, no_contact, now).await).contains("recapito"));
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM richieste").fetch_one(db.pool()).await.expect("count");
    assert_eq!(before, after);
}
both_backends!(a_quesito_goes_aperta_in_carico_chiusa_at_its_sede, quesito_life);

async fn booking_rules(app: TestApp) {
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let slot = agenda::publish_slot(db, f.operator, f.sede, now + 40 * DAY, 30, now).await.expect("slot");
    let foreign_slot = agenda::publish_slot(db, f.operator, f.other_sede, now + 40 * DAY, 30, now).await.expect("slot");
    assert!(invalid(agenda::publish_slot(db, f.operator, f.sede, now - 60, 30, now).await).contains("futuro"));
    let same_start = agenda::publish_slot(db, f.operator, f.sede, now + 40 * DAY, 45, now).await;
    assert!(invalid(same_start).contains("Esiste già uno slot"));

    let (id, _) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    let within = agenda::book(db, f.user, id, slot, "3331234567", "Nota di rettifica", now).await;
    assert!(invalid(within).contains("nei tempi di risposta"));

    // Past the soglia without an answer: bookable, once, and only at its own Sede, by its own user.
    let late = now + f.soglia_giorni * DAY;
    let foreign = agenda::book(db, f.user, id, foreign_slot, "3331234567", "Nota", late).await;
    assert_eq!(invalid(foreign), SLOT_NON_DISPONIBILE);
    let stranger = user_id(db, &cf_of(Role::Delegato)).await;
    let theirs = agenda::book(db, stranger, id, slot, "3331234567", "Nota", late).await;
    assert!(matches!(theirs, Err(AppError::NotFound)), "{theirs:?}");
    assert!(invalid(agenda::book(db, f.user, id, slot, "3331234567", " ", late).await).contains("note"));
    let booking = agenda::book(db, f.user, id, slot, "3331234567", "Nota di rettifica", late).await.expect("prenota");
    let second_slot = agenda::publish_slot(db, f.operator, f.sede, now + 41 * DAY, 30, now).await.expect("slot");
    let twice = agenda::book(db, f.user, id, second_slot, "3331234567", "Nota", late).await;
    assert!(invalid(twice).contains("già un appuntamento"));

    // Cancelled, the slot is free again; the operator of the Sede marks how it went.
    agenda::cancel(db, f.user, booking, late).await.expect("annulla");
    assert!(matches!(agenda::cancel(db, f.user, booking, late).await, Err(AppError::NotFound)));
    let rebooked = agenda::book(db, f.user, id, slot, "3331234567", "Nota di rettifica", late).await.expect("again");
    let wrong_sede = agenda::record_esito(db, f.operator, f.other_sede, rebooked, true, late).await;
    assert!(matches!(wrong_sede, Err(AppError::NotFound)));
    agenda::record_esito(db, f.operator, f.sede, rebooked, false, late).await.expect("assente");
    let stato: String = sqlx::query_scalar("SELECT stato FROM prenotazioni WHERE id = $1")
        .bind(rebooked)
        .fetch_one(db.pool())
        .await
        .expect("s");
    assert_eq!(stato, "assente");

    // An accepted richiesta never leads to an appointment, even late.
    let (accepted, _) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    com::act(db, f.operator, f.sede, accepted, Azione::PrendiInCarico, "", now).await.expect("in carico");
    com::act(db, f.operator, f.sede, accepted, Azione::Chiudi(Esito::Accolta), "Rettifica annullata.", now)
        .await
        .expect("chiudi");
    let refused = agenda::book(db, f.user, accepted, second_slot, "3331234567", "Nota", late).await;
    assert!(invalid(refused).contains("accolta"));
}
both_backends!(booking_follows_the_circular_and_stays_at_its_sede, booking_rules);

/// Many bookings at once for one slot, each for its own eligible richiesta, from two connection pools:
/// exactly one wins, every other one is told the slot is gone.
async fn booking_race(app: TestApp) {
    let f = fixture(&app).await;
    let now = now_unix();
    let slot = agenda::publish_slot(&app.db, f.operator, f.sede, now + 10 * DAY, 30, now).await.expect("slot");
    let second = Db::connect(&app.url).await.expect("second pool");
    let mut richieste = Vec::new();
    for _ in 0..12 {
        let (id, _) = com::open(&app.db, f.user, nuova(&f), now).await.expect("apri");
        com::act(&app.db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico");
        com::act(&app.db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "Respinta.", now)
            .await
            .expect("chiudi");
        richieste.push(id);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(richieste.len()));
    let tasks: Vec<_> = richieste
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let db = if i % 2 == 0 { app.db.clone() } else { second.clone() };
            let barrier = barrier.clone();
            let user = f.user;
            tokio::spawn(async move {
                barrier.wait().await;
                agenda::book(&db, user, id, slot, "3331234567", "Appuntamento", now).await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => won += 1,
            Err(AppError::Invalid(m)) => assert_eq!(m, SLOT_NON_DISPONIBILE),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(won, 1, "exactly one booking wins the slot");
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prenotazioni WHERE slot_id = $1 AND stato = 'prenotata'")
        .bind(slot)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(held, 1);
}
both_backends!(a_slot_is_never_booked_twice, booking_race);

// ---- Over HTTP: the sending with attachments, and the race through two server processes ----------------

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const CSV: &[u8] = "matricola;importo\n8100000001;1.234,56\n".as_bytes();

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(db.pool()).await.expect("count")
}

/// Three files travel as one zip, given back byte for byte to the author and the Sede only; a fourth
/// file, an oversize one, one whose content belies its name are refused with nothing stored, whether the
/// page's script sends the form (JSON answer) or the browser posts it (redirect back with the message).
async fn attachments(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let position = app.position_of("Comune di Roccaverde").await;
    let fields = |testo: &'static str| {
        vec![
            ("posizione", position.clone()),
            ("oggetto", "1".to_string()),
            ("testo", testo.to_string()),
            ("telefono", "+39 333 7654321".to_string()),
            ("consenso", "1".to_string()),
        ]
    };
    let send = |files: Vec<(&'static str, Vec<u8>)>| {
        let (app, mario, fields) = (&app, &mario, fields("Allego la nota, la quietanza e il prospetto."));
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let files: Vec<(&str, &[u8])> = files.iter().map(|(n, d)| (*n, d.as_slice())).collect();
            app.send_richiesta(mario, &fields, &files).await
        }
    };
    let (status, body) =
        send(vec![("nota.pdf", PDF.to_vec()), ("f24.png", PNG.to_vec()), ("prospetto.csv", CSV.to_vec())]).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().expect("id");
    let zip_res = mario
        .get(app.url(&format!("/comunicazioni/{id}/allegati.zip")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(zip_res.status().as_u16(), 200);
    assert_eq!(zip_res.headers()["content-type"], "application/zip");
    let bytes = zip_res.bytes().await.expect("zip");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).expect("read");
        names.push(entry.name().to_string());
        let sent = match entry.name() {
            "nota.pdf" => PDF,
            "f24.png" => PNG,
            "prospetto.csv" => CSV,
            other => panic!("unexpected entry {other}"),
        };
        assert_eq!(content, sent, "{} comes back byte for byte", entry.name());
    }
    assert_eq!(names, ["nota.pdf", "f24.png", "prospetto.csv"]);
    // The operator of the Sede reads it; another user and an anonymous visitor do not.
    let operator = app.login_as(Role::Operatore).await;
    let get = |client: reqwest::Client| {
        let url = app.url(&format!("/comunicazioni/{id}/allegati.zip"));
        async move { client.get(url).header("Sec-Fetch-Site", "same-origin").send().await.expect("get").status().as_u16() }
    };
    assert_eq!(get(operator).await, 200);
    assert_eq!(get(app.login_as(Role::Delegato).await).await, 404);
    assert_eq!(get(app.client()).await, 401);

    let before =
        (count(&app.db, "richieste").await, count(&app.db, "richiesta_allegati").await, count(&app.db, "outbox").await);
    let mut big = PDF.to_vec();
    big.resize(app::domain::allegati::MAX_BYTES_FILE + 1, b' ');
    let refusals = [
        (
            vec![("a.pdf", PDF.to_vec()), ("b.pdf", PDF.to_vec()), ("c.pdf", PDF.to_vec()), ("d.pdf", PDF.to_vec())],
            "al massimo 3 file",
        ),
        (vec![("grande.pdf", big)], "5 MB per file"),
        (vec![("fattura.pdf", b"MZ\x90\0 an executable".to_vec())], "non corrisponde al suo tipo"),
        (vec![("script.sh", b"#!/bin/sh\n".to_vec())], "non è ammesso"),
    ];
    for (files, message) in refusals {
        let (status, body) = send(files).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errore"].as_str().unwrap_or_default().contains(message), "{body}");
    }
    // Past the total limit the body itself is cut off, with the same kind of message.
    let mut near = PDF.to_vec();
    near.resize(app::domain::allegati::MAX_BYTES_FILE, b' ');
    let (status, body) = send(vec![("a.pdf", near.clone()), ("b.pdf", near.clone()), ("c.pdf", near)]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["errore"].as_str().unwrap_or_default().contains("in totale"), "{body}");

    // Without script: a redirect back to the form, carrying the message and the position.
    let form = reqwest::multipart::Form::new()
        .text("posizione", position.clone())
        .text("oggetto", "1")
        .text("testo", "Senza recapiti")
        .text("consenso", "1");
    let res = mario
        .post(app.url("/api/comunicazioni/nuova"))
        .header("Origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let location = crate::common::location(&res);
    assert!(location.starts_with("/comunicazioni/nuova?"), "{location}");
    assert!(
        location.contains(&format!("posizione={position}")) && location.contains("errore=Indichi+almeno+un+recapito"),
        "{location}"
    );

    let after =
        (count(&app.db, "richieste").await, count(&app.db, "richiesta_allegati").await, count(&app.db, "outbox").await);
    assert_eq!(before, after, "a refused sending stores nothing");
}
both_backends!(attachments_travel_as_one_zip_and_bad_ones_store_nothing, attachments);

/// The notices go where the user chose (issue 15, item 12): e-mail, SMS or both, sent over HTTP as the form
/// posts them, with both contacts typed each time. The protocol notice at sending and the closing notice go to
/// each channel chosen and to no other; the contact of a channel not chosen is not kept; the consent is asked
/// for the SMS only. A choice missing its contact or its consent, or an unknown one, is refused, nothing stored.
async fn notices_follow_the_channels_chosen(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let operator = app.login_as(Role::Operatore).await;
    let position = app.position_of("Comune di Roccaverde").await; // at the operator's Sede
    let (email, phone) = ("personale@comune-roccaverde.example.it", "+39 333 7654321");
    let send = |canali: &'static str, consenso: bool, email: &'static str| {
        let (app, mario, position) = (&app, &mario, position.clone());
        async move {
            let mut fields = vec![
                ("posizione", position.as_str()),
                ("oggetto", "1"),
                ("testo", "Chiedo conferma del versamento del 16/04."),
                ("canali", canali),
                ("email", email),
                ("telefono", phone),
            ];
            if consenso {
                fields.push(("consenso", "1"));
            }
            app.send_richiesta(mario, &fields, &[]).await
        }
    };
    let db = &app.db;
    let notices = |id: i64| async move {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT channel, recipient, subject FROM outbox WHERE richiesta_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(db.pool())
        .await
        .expect("outbox")
    };
    let act = |id: i64, azione: &'static str| {
        let (app, operator) = (&app, &operator);
        async move {
            let id = id.to_string();
            let form = [("id", id.as_str()), ("azione", azione), ("commento", "Versamento verificato.")];
            let res = operator
                .post(app.url("/api/backoffice/quesiti/azione"))
                .header("Origin", &app.base)
                .form(&form)
                .send()
                .await
                .expect("post");
            assert!(res.status().is_success() || res.status().is_redirection(), "{azione}: {}", res.status());
        }
    };

    let before = (count(&app.db, "richieste").await, count(&app.db, "outbox").await);
    let refusals = [
        ("sms", false, email, "consenso"),
        ("email", false, "", "indichi l'indirizzo e-mail"),
        ("email_sms", false, email, "consenso"),
        ("piccione", true, email, "Scelga come ricevere gli avvisi"),
    ];
    for (canali, consenso, email, message) in refusals {
        let (status, body) = send(canali, consenso, email).await;
        assert_eq!(status, 400, "{canali}: {body}");
        assert!(body["errore"].as_str().unwrap_or_default().contains(message), "{canali}: {body}");
    }
    assert_eq!((count(&app.db, "richieste").await, count(&app.db, "outbox").await), before, "nothing stored");

    // (choice, SMS consent ticked, the channels the notices go to). The e-mail alone goes without consent.
    let cases: [(&str, bool, &[&str]); 3] =
        [("email", false, &["email"]), ("sms", true, &["sms"]), ("email_sms", true, &["email", "sms"])];
    for (canali, consenso, channels) in cases {
        let (status, body) = send(canali, consenso, email).await;
        assert_eq!(status, 200, "{canali}: {body}");
        let id = body["id"].as_i64().expect("id");
        let kept: (Option<String>, Option<String>, i64) =
            sqlx::query_as("SELECT email, telefono, consenso_notifiche FROM richieste WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.pool())
                .await
                .expect("richiesta");
        let sms = channels.contains(&"sms");
        let expected =
            (channels.contains(&"email").then(|| email.to_string()), sms.then(|| phone.to_string()), i64::from(sms));
        assert_eq!(kept, expected, "{canali}: only the chosen channels' contacts are kept, the consent with the SMS");

        let protocol = notices(id).await;
        let got: Vec<&str> = protocol.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(got, channels, "{canali}: the protocol notice");
        for (channel, recipient, _) in &protocol {
            assert_eq!(recipient, if channel == "sms" { phone } else { email });
        }

        act(id, "in_carico").await;
        assert_eq!(notices(id).await.len(), channels.len(), "{canali}: taking in charge tells nobody");
        act(id, "accolta").await;
        let all = notices(id).await;
        let closing: Vec<&str> = all[channels.len()..].iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(closing, channels, "{canali}: the closing notice");
        if let Some((_, _, subject)) = all[channels.len()..].iter().find(|(c, _, _)| c == "email") {
            assert!(subject.ends_with("chiusa"), "{subject}");
        }
    }
}
both_backends!(notices_go_to_each_channel_chosen_and_only_there, notices_follow_the_channels_chosen);

/// A `cassetto serve` process of its own on the test's database, stopped when dropped.
struct ServerProcess {
    child: std::process::Child,
    base: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn server_process(database_url: &str) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_cassetto"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("CASSETTO_INSECURE_COOKIES", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start cassetto");
    let base = format!("http://127.0.0.1:{port}");
    let process = ServerProcess { child, base };
    for _ in 0..300 {
        if let Ok(res) = reqwest::get(format!("{}/healthz", process.base)).await
            && res.status().is_success()
        {
            return process;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("cassetto did not start on {}", process.base);
}

/// The booking race as users make it: many booking requests for one slot at once, spread over two
/// `cassetto` server processes sharing the database. Exactly one is confirmed; every other user is told
/// the slot is no longer available.
async fn booking_race_over_http(app: TestApp) {
    const BOOKINGS: usize = 16;
    let f = fixture(&app).await;
    let now = now_unix();
    let slot = agenda::publish_slot(&app.db, f.operator, f.sede, now + 10 * DAY, 30, now).await.expect("slot");
    let mut richieste = Vec::new();
    for _ in 0..BOOKINGS {
        let (id, _) = com::open(&app.db, f.user, nuova(&f), now).await.expect("apri");
        com::act(&app.db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico");
        com::act(&app.db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "Respinta.", now)
            .await
            .expect("chiudi");
        richieste.push(id);
    }
    let processes = [server_process(&app.url).await, server_process(&app.url).await];
    // The session lives in the database: one login serves both processes (cookies ignore the port).
    let mario = app.login_as(Role::Datore).await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(BOOKINGS));
    let tasks: Vec<_> = richieste
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let (client, barrier) = (mario.clone(), barrier.clone());
            let base = processes[i % 2].base.clone();
            tokio::spawn(async move {
                let form = [
                    ("richiesta", id.to_string()),
                    ("slot", slot.to_string()),
                    ("telefono", "3331234567".into()),
                    ("note", "Nota di rettifica".into()),
                ];
                barrier.wait().await;
                let res = client
                    .post(format!("{base}/api/agenda/prenota"))
                    .header("Origin", &base)
                    .form(&form)
                    .send()
                    .await
                    .expect("post");
                (res.status().as_u16(), res.text().await.unwrap_or_default())
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        match status {
            200 => won += 1,
            400 => assert!(body.contains(SLOT_NON_DISPONIBILE), "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(won, 1, "exactly one booking wins the slot");
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prenotazioni WHERE slot_id = $1 AND stato = 'prenotata'")
        .bind(slot)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(held, 1);
    eprintln!("booking race: {BOOKINGS} requests over 2 server processes, {won} confirmed, {} refused", BOOKINGS - won);
}
both_backends!(a_slot_is_never_booked_twice_through_two_server_processes, booking_race_over_http);

/// The history and the queue: filters, order, pages, and each viewer only its own.
async fn history_and_queue(app: TestApp) {
    use app::domain::comunicazioni::ricerca;
    use app::model::ListQuery;
    use app::ssr::comunicazioni::Viewer;
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let mut ids = Vec::new();
    // 25 richieste in one day are more than a user's daily limit (tests/api/limits.rs): raised for this fixture.
    sqlx::query("UPDATE limiti_giornalieri SET massimo = 1000").execute(db.pool()).await.expect("limits");
    // 25 richieste, one a minute apart; every fifth one taken in charge, the first closed.
    for i in 0..25 {
        let (id, _) = com::open(db, f.user, nuova(&f), now - 40 * DAY + i * 60).await.expect("apri");
        if i % 5 == 0 {
            com::act(db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now - DAY).await.expect("in carico");
        }
        ids.push(id);
    }
    com::act(db, f.operator, f.sede, ids[0], Azione::Chiudi(Esito::Accolta), "Fatto.", now).await.expect("chiudi");
    let q = |pairs: &[(&str, &str)], sort: Option<&str>, desc: bool, page: u32| ListQuery {
        filters: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        sort: sort.map(str::to_string),
        desc,
        page,
    };
    let author = Viewer::Author(f.user);
    let search = |query: ListQuery, viewer: Viewer, coda: bool| async move {
        com::search(db, viewer, &ricerca(&query, coda).expect("filters"), now).await.expect("cerca")
    };

    let first = search(q(&[], None, false, 0), author, false).await;
    assert_eq!((first.totale, first.pagine, first.richieste.len()), (25, 2, 20));
    assert_eq!(first.richieste[0].id, ids[0], "the latest change first: the closing");
    let second = search(q(&[], None, false, 1), author, false).await;
    assert_eq!(second.richieste.len(), 5);
    let by_protocol = search(q(&[], Some("protocollo"), false, 0), author, false).await;
    assert_eq!(by_protocol.richieste[0].id, ids[0]);
    assert_eq!(search(q(&[("stato", "in_carico")], None, false, 0), author, false).await.totale, 4);
    assert_eq!(search(q(&[("stato", "chiusa")], None, false, 0), author, false).await.totale, 1);
    // Opened more than 30 days ago and not answered: all past their soglia but the closed one.
    assert_eq!(search(q(&[("scadute", "1")], None, false, 0), author, false).await.totale, 24);
    let today = app::domain::time::rome_date(now).format("%Y-%m-%d").to_string();
    let updated_today =
        search(q(&[("aggiornata_dal", &today), ("aggiornata_al", &today)], None, false, 0), author, false).await;
    assert_eq!(updated_today.totale, 1, "only the closing happened today");
    let code: String = sqlx::query_scalar("SELECT code FROM positions WHERE id = $1")
        .bind(f.position)
        .fetch_one(db.pool())
        .await
        .expect("code");
    assert_eq!(search(q(&[("posizione", &code[..8])], None, false, 0), author, false).await.totale, 25);
    assert_eq!(search(q(&[("posizione", "99999")], None, false, 0), author, false).await.totale, 0);
    let other_oggetto = (f.oggetto + 1).to_string();
    assert_eq!(search(q(&[("oggetto", &other_oggetto)], None, false, 0), author, false).await.totale, 0);

    // The Sede's queue: still to answer by default, nearest deadline first; another Sede sees none;
    // another user has none.
    let queue = search(q(&[], None, false, 0), Viewer::Sede(f.sede), true).await;
    assert_eq!(queue.totale, 24);
    assert_eq!(queue.richieste[0].id, ids[1]);
    assert!(queue.richieste[0].in_ritardo);
    assert_eq!(search(q(&[], None, false, 0), Viewer::Sede(f.other_sede), true).await.totale, 0);
    let stranger = user_id(db, &cf_of(Role::Delegato)).await;
    assert_eq!(search(q(&[], None, false, 0), Viewer::Author(stranger), false).await.totale, 0);
}
both_backends!(history_and_queue_filter_sort_and_page, history_and_queue);

/// A history larger than the count limit: the count stops at `CONTEGGIO_MASSIMO` and says there are more, the
/// pages still list the latest first; a filter that matches fewer is counted exactly.
async fn history_count_stops_at_its_limit(app: TestApp) {
    use app::domain::comunicazioni::{CONTEGGIO_MASSIMO, ricerca};
    use app::model::ListQuery;
    use app::ssr::comunicazioni::Viewer;
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let (first, _) = com::open(db, f.user, nuova(&f), now - DAY).await.expect("apri");
    // Copies of the first, written in bulk: what matters is how many match, not how they were sent.
    let copies = CONTEGGIO_MASSIMO + 4;
    for n in 0..copies {
        sqlx::query(
            "INSERT INTO richieste (protocollo, user_id, position_id, sede_id, oggetto_id, testo, email, telefono, \
             consenso_notifiche, stato, esito, aperta_at, aggiornata_at, scade_at) \
             SELECT protocollo || '-' || $1, user_id, position_id, sede_id, oggetto_id, testo, email, telefono, \
             consenso_notifiche, CASE WHEN $2 < 3 THEN 'in_carico' ELSE stato END, esito, aperta_at, \
             aggiornata_at - $3, scade_at FROM richieste WHERE id = $4",
        )
        .bind(n.to_string())
        .bind(n)
        .bind(n + 1)
        .bind(first)
        .execute(db.pool())
        .await
        .expect("copy");
    }
    let q = |pairs: &[(&str, &str)]| ListQuery {
        filters: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        sort: None,
        desc: false,
        page: 0,
    };
    let search = |query: ListQuery| async move {
        com::search(db, Viewer::Author(f.user), &ricerca(&query, false).expect("filters"), now).await.expect("cerca")
    };
    let all = search(q(&[])).await;
    assert_eq!((all.totale, all.oltre), (CONTEGGIO_MASSIMO, true), "{} matches", copies + 1);
    assert_eq!(all.pagine, 50);
    assert_eq!(all.richieste[0].id, first, "the latest change first");
    let taken = search(q(&[("stato", "in_carico")])).await;
    assert_eq!((taken.totale, taken.oltre), (3, false));
}
both_backends!(a_history_count_stops_at_its_limit, history_count_stops_at_its_limit);

/// The taxonomy is data: a changed soglia sets the deadline of richieste sent afterwards only; a retired
/// oggetto takes no new richieste; a duplicate or a threshold out of range is refused.
async fn taxonomy_is_data(app: TestApp) {
    use app::ssr::comunicazioni::OggettoDaSalvare;
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let admin = user_id(db, &cf_of(Role::Admin)).await;
    let (before, _) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    let save = |soglia_giorni: i64, attivo: bool| OggettoDaSalvare {
        id: Some(f.oggetto),
        classe: "Uniemens",
        oggetto: "Note di rettifica",
        soglia_giorni,
        attivo,
    };
    com::save_oggetto(db, admin, save(10, true), now).await.expect("salva");
    let (after, _) = com::open(db, f.user, nuova(&f), now).await.expect("apri");
    let deadline = |id: app::model::RichiestaId| async move {
        sqlx::query_scalar::<_, i64>("SELECT scade_at FROM richieste WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await
            .expect("scade_at")
    };
    assert_eq!(deadline(before).await, now + f.soglia_giorni * DAY, "already sent: deadline unchanged");
    assert_eq!(deadline(after).await, now + 10 * DAY, "sent afterwards: the new soglia");

    assert!(invalid(com::save_oggetto(db, admin, save(0, true), now).await).contains("da 1 a 365"));
    let duplicate = OggettoDaSalvare { id: None, classe: "DURC", oggetto: "DURC", soglia_giorni: 15, attivo: true };
    assert!(invalid(com::save_oggetto(db, admin, duplicate, now).await).contains("esiste già"));
    let new =
        OggettoDaSalvare { id: None, classe: "DURC", oggetto: "Verifica regolarità", soglia_giorni: 20, attivo: true };
    let added = com::save_oggetto(db, admin, new, now).await.expect("nuovo");
    assert!(com::tassonomia(db).await.expect("tassonomia").iter().any(|o| o.id == added && o.soglia_giorni == 20));

    com::save_oggetto(db, admin, save(10, false), now).await.expect("ritira");
    assert!(invalid(com::open(db, f.user, nuova(&f), now).await).contains("Scelga classe e oggetto"));
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'tassonomia.salvata'")
        .fetch_one(db.pool())
        .await
        .expect("audit");
    assert_eq!(audit, 3);
}
both_backends!(the_taxonomy_and_its_thresholds_are_data, taxonomy_is_data);
