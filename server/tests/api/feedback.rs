//! Instant Feedback through the server functions: a use is offered for rating once, a negative rating
//! needs a reason, nobody rates someone else's use, a dismissed use is not offered again, an action's use
//! exists only once the action happened, and the dashboard counts what was rated.

use crate::common::{Backend, TestApp};
use app::model::Role;
use serde_json::{Value, json};

async fn uso(app: &TestApp, client: &reqwest::Client, servizio: &str, riferimento: Option<&str>) -> Option<i64> {
    let (status, body) =
        app.call(client, "/api/feedback/uso", json!({"servizio": servizio, "riferimento": riferimento})).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Option<i64>>(&body).expect("json")
}

async fn valuta(
    app: &TestApp,
    client: &reqwest::Client,
    uso: i64,
    livello: i64,
    motivo: Option<&str>,
) -> (u16, String) {
    let valutazione = json!({"livello": livello, "motivo": motivo, "testo": "Non trovo il versamento di marzo"});
    app.call(client, "/api/feedback/valuta", json!({"uso": uso, "valutazione": valutazione})).await
}

/// (negative, neutral, positive) of a service on the dashboard, and its reasons.
async fn dashboard(app: &TestApp, client: &reqwest::Client, servizio: &str) -> ([i64; 3], Vec<(String, i64)>) {
    let (status, body) = app.call(client, "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let all: Value = serde_json::from_str(&body).expect("json");
    let s = all["servizi"].as_array().expect("servizi").iter().find(|s| s["key"] == servizio).expect("service").clone();
    let c: [i64; 3] = serde_json::from_value(s["conteggi"].clone()).expect("counts");
    let motivi: Vec<(String, i64)> = serde_json::from_value(s["motivi"].clone()).expect("reasons");
    (c, motivi)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.expect("count")
}

async fn one_rating_per_use(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let laura = app.login_as(Role::Delegato).await;
    let admin = app.login_as(Role::Admin).await;
    let (before, motivi_before) = dashboard(&app, &admin, "versamenti").await;
    let lento =
        |m: &[(String, i64)]| m.iter().find(|(k, _)| k == "Servizio lento o non disponibile").map_or(0, |x| x.1);

    // A consultation: the same use all day long.
    let id = uso(&app, &mario, "versamenti", None).await.expect("offered");
    assert_eq!(uso(&app, &mario, "versamenti", None).await, Some(id));
    // Negative without a reason: refused, nothing stored.
    let (status, body) = valuta(&app, &mario, id, 1, None).await;
    assert_eq!(status, 400);
    assert!(body.contains("motivo"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM feedback WHERE testo IS NOT NULL").await, 0);
    // Someone else cannot rate Mario's use.
    let (status, body) = valuta(&app, &laura, id, 3, None).await;
    assert_eq!(status, 400, "{body}");
    // Mario rates it; a second rating of the same use is refused and the use is not offered again.
    assert_eq!(valuta(&app, &mario, id, 1, Some("lento")).await.0, 200);
    assert_eq!(valuta(&app, &mario, id, 3, None).await.0, 400);
    assert_eq!(uso(&app, &mario, "versamenti", None).await, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM feedback WHERE testo IS NOT NULL").await, 1);
    let (after, motivi_after) = dashboard(&app, &admin, "versamenti").await;
    assert_eq!(after, [before[0] + 1, before[1], before[2]]);
    assert_eq!(lento(&motivi_after), lento(&motivi_before) + 1);
    // Laura's use of the same service is her own.
    let hers = uso(&app, &laura, "versamenti", None).await.expect("offered");
    assert_ne!(hers, id);

    // Dismissed: not offered again, and it cannot be rated afterwards.
    let dismissed = uso(&app, &mario, "note-debito", None).await.expect("offered");
    let (status, _) = app.call(&laura, "/api/feedback/ignora", json!({"uso": dismissed})).await;
    assert_eq!(status, 200);
    assert_eq!(uso(&app, &mario, "note-debito", None).await, Some(dismissed), "Laura cannot dismiss Mario's use");
    assert_eq!(app.call(&mario, "/api/feedback/ignora", json!({"uso": dismissed})).await.0, 200);
    assert_eq!(uso(&app, &mario, "note-debito", None).await, None);
    assert_eq!(valuta(&app, &mario, dismissed, 3, None).await.0, 400);

    // An action's use exists only once the action happened, for its author only.
    assert_eq!(uso(&app, &mario, "richiesta", Some("999999")).await, None);
    let position = app.position_of("Comune di Roccaverde").await;
    let fields = [
        ("posizione", position.as_str()),
        ("oggetto", "1"),
        ("testo", "Chiedo un chiarimento."),
        ("telefono", "+39 333 7654321"),
        ("consenso", "1"),
    ];
    let (status, sent) = app.send_richiesta(&mario, &fields, &[]).await;
    assert_eq!(status, 200, "{sent}");
    let richiesta = sent["id"].as_i64().expect("id").to_string();
    let action = uso(&app, &mario, "richiesta", Some(&richiesta)).await.expect("offered after sending");
    assert_eq!(uso(&app, &laura, "richiesta", Some(&richiesta)).await, None);
    assert_eq!(valuta(&app, &mario, action, 3, None).await.0, 200);
    let (richieste, _) = dashboard(&app, &admin, "richiesta").await;
    assert!(richieste[2] >= 1);

    // Unknown services and levels get an Italian refusal.
    let (status, body) = app.call(&mario, "/api/feedback/uso", json!({"servizio": "x", "riferimento": null})).await;
    assert_eq!(status, 400);
    assert!(body.contains("Servizio sconosciuto"), "{body}");
    let other = uso(&app, &mario, "dma", None).await.expect("offered");
    let (status, body) = valuta(&app, &mario, other, 7, None).await;
    assert_eq!(status, 400);
    assert!(body.contains("Scelga una delle tre valutazioni"), "{body}");
}

both_backends!(a_use_is_rated_once_and_counted, one_rating_per_use);

/// The protocol a form route sent the page back with (`…&protocollo=…`), if any.
fn protocollo_of(location: &str) -> Option<String> {
    let query = location.split_once('?')?.1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    pairs.into_iter().find(|(k, _)| k == "protocollo").map(|(_, v)| v)
}

// Issue 15, item 14: every service of the circular asks for its rating, each after its own use — the
// sanctions calculator (a consultation), a tracciato and a contestazione (named by their protocol), the
// dossier print (the day's print) and an appointment booked (named by the booking) — and a rating of each is
// counted on the dashboard.
async fn every_service_is_rated(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let laura = app.login_as(Role::Delegato).await;
    let admin = app.login_as(Role::Admin).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let post = |path: String, form: reqwest::multipart::Form| {
        let (app, mario) = (&app, &mario);
        async move {
            let res =
                mario.post(app.url(&path)).header("Origin", &app.base).multipart(form).send().await.expect("post");
            (res.status().as_u16(), crate::common::location(&res))
        }
    };
    let mut rated = Vec::new();

    // Calcolo sanzioni ECA: a consultation.
    let sanzioni = uso(&app, &mario, "calcolo-sanzioni", None).await.expect("offered");
    rated.push(("calcolo-sanzioni", sanzioni));

    // Invio tracciati: offered for the protocol sent, to its sender only.
    assert_eq!(uso(&app, &mario, "invio-tracciati", Some("INPS.7001.2026.9999999")).await, None);
    let record = format!("{:<120}\n", "00001 RECORD DI PROVA");
    let form = reqwest::multipart::Form::new()
        .text("tipo", "circ38_2000")
        .part("file", reqwest::multipart::Part::bytes(record.into_bytes()).file_name("flusso.txt"));
    let (status, to) = post(format!("/api/tracciati/{code}"), form).await;
    assert_eq!(status, 303);
    let protocollo = protocollo_of(&to).unwrap_or_else(|| panic!("no protocol: {to}"));
    let tracciato = uso(&app, &mario, "invio-tracciati", Some(&protocollo)).await.expect("offered after sending");
    assert_eq!(uso(&app, &laura, "invio-tracciati", Some(&protocollo)).await, None);
    rated.push(("invio-tracciati", tracciato));

    // Contestazione note di debito: offered for the protocol filed.
    let nota: i64 = sqlx::query_scalar(
        "SELECT n.id FROM note_debito n JOIN positions p ON p.id = n.position_id \
         WHERE p.code = $1 AND n.kind = 'Regolarizzazione' ORDER BY n.amount_cents - n.paid_cents DESC, n.id LIMIT 1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("nota");
    let form = reqwest::multipart::Form::new()
        .text("nota", nota.to_string())
        .text("motivi", "Il versamento del 16/04 copre la regolarizzazione.");
    let (status, to) = post(format!("/api/contestazioni/{code}"), form).await;
    assert_eq!(status, 303);
    let protocollo = protocollo_of(&to).unwrap_or_else(|| panic!("no protocol: {to}"));
    let contestazione = uso(&app, &mario, "contestazione", Some(&protocollo)).await.expect("offered after filing");
    rated.push(("contestazione", contestazione));

    // Stampa del fascicolo: nothing to rate before the day's print, then the print.
    assert_eq!(uso(&app, &mario, "fascicolo-stampa", None).await, None);
    let pdf = mario
        .get(app.url(&format!("/cassetto/{code}/fascicolo.pdf")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(pdf.status().as_u16(), 200);
    let stampa = uso(&app, &mario, "fascicolo-stampa", None).await.expect("offered after the print");
    assert_eq!(uso(&app, &laura, "fascicolo-stampa", None).await, None);
    rated.push(("fascicolo-stampa", stampa));

    // Agenda appuntamenti: a richiesta past its soglia booked at its Sede; offered for that booking.
    let db = &app.db;
    let now = app::ssr::db::now_unix();
    let mario_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Datore))
        .fetch_one(db.pool())
        .await
        .expect("mario");
    let operator: (i64, i64) = sqlx::query_as("SELECT id, sede_id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Operatore))
        .fetch_one(db.pool())
        .await
        .expect("operator");
    let (position, oggetto, soglia): (i64, i64, i64) = sqlx::query_as(
        "SELECT p.id, o.id, o.soglia_giorni FROM positions p, comunicazione_oggetti o \
         WHERE p.code = $1 AND o.oggetto = 'Note di rettifica'",
    )
    .bind(&code)
    .fetch_one(db.pool())
    .await
    .expect("fixture");
    let day = 86_400;
    let richiesta = app::ssr::comunicazioni::NuovaRichiesta {
        position_id: position,
        oggetto_id: oggetto,
        testo: "Nessuna risposta sulla nota di rettifica.",
        email: Some("ufficio.personale@example.it"),
        telefono: Some("+39 333 1234567"),
        consenso_notifiche: true,
        allegati: Vec::new(),
    };
    let (richiesta, _) =
        app::ssr::comunicazioni::open(db, mario_id, richiesta, now - (soglia + 1) * day).await.expect("apri");
    let slot = app::ssr::agenda::publish_slot(db, operator.0, operator.1, now + 40 * day, 30, now).await.expect("slot");
    assert_eq!(uso(&app, &mario, "prenotazione", Some("999999")).await, None);
    let booking =
        app::ssr::agenda::book(db, mario_id, richiesta, slot, "3331234567", "Nota", now).await.expect("prenota");
    let prenotazione =
        uso(&app, &mario, "prenotazione", Some(&booking.to_string())).await.expect("offered after booking");
    rated.push(("prenotazione", prenotazione));

    // Each rated once, and counted on the dashboard under its service.
    for (servizio, id) in rated {
        let (before, _) = dashboard(&app, &admin, servizio).await;
        assert_eq!(valuta(&app, &mario, id, 3, None).await.0, 200, "{servizio}");
        assert_eq!(valuta(&app, &mario, id, 2, None).await.0, 400, "{servizio}: rated twice");
        let (after, _) = dashboard(&app, &admin, servizio).await;
        assert_eq!(after, [before[0], before[1], before[2] + 1], "{servizio}");
    }
}

both_backends!(every_service_of_the_circular_asks_for_its_rating, every_service_is_rated);
