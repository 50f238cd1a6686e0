//! Per-user daily limits (docs/security.md V11.1.3), attacked over HTTP on both backends: with a low limit set in
//! `limiti_giornalieri`, one account goes past it and gets 429 with the Italian message, nothing of the refused
//! action is stored (no richiesta, no outbox message, no file), and another account is not affected.

use crate::common::{Backend, TestApp};
use app::model::Role;

async fn set_limit(app: &TestApp, azione: &str, massimo: i64) {
    let n = sqlx::query("UPDATE limiti_giornalieri SET massimo = $1 WHERE azione = $2")
        .bind(massimo)
        .bind(azione)
        .execute(app.db.pool())
        .await
        .expect("set limit")
        .rows_affected();
    assert_eq!(n, 1, "limit {azione} exists");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.expect("count")
}

both_backends!(richieste_and_their_notices_stop_at_the_daily_limit, |app: TestApp| async move {
    set_limit(&app, "richiesta", 2).await;
    set_limit(&app, "sms", 3).await;
    let mario = app.login_as(Role::Datore).await;
    let laura = app.login_as(Role::Delegato).await;
    let position = app.position_of("Comune di Roccaverde").await;
    let fields = |telefono: &'static str| {
        vec![
            ("posizione", position.clone()),
            ("oggetto", "1".to_string()),
            ("testo", "Chiedo un chiarimento.".to_string()),
            ("email", "chiunque@example.it".to_string()),
            ("telefono", telefono.to_string()),
            ("consenso", "1".to_string()),
        ]
    };
    let send = |client: &reqwest::Client, telefono: &'static str| {
        let f = fields(telefono);
        let client = client.clone();
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.send_richiesta(&client, &f, &[]).await
        }
    };
    for _ in 0..2 {
        let (status, body) = send(&mario, "+39 333 1111111").await;
        assert_eq!(status, 200, "{body}");
    }
    let richieste = count(&app, "SELECT COUNT(*) FROM richieste").await;
    let outbox = count(&app, "SELECT COUNT(*) FROM outbox").await;

    // The third richiesta of the day: refused, and nothing of it stored or queued.
    let (status, body) = send(&mario, "+39 333 1111111").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        body["errore"], "Hai raggiunto il limite giornaliero di richieste inviate (2). Riprova domani.",
        "{body}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM richieste").await, richieste, "no richiesta stored");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, outbox, "no notice queued");

    // Another user has a day of their own.
    let (status, body) = send(&laura, "+39 333 2222222").await;
    assert_eq!(status, 200, "{body}");

    // The SMS have their own limit: Laura's second SMS would be the fourth... per user, so she has two left;
    // Mario's SMS count (2) plus one more reaches 3, the next is refused even with richieste to spare.
    set_limit(&app, "richiesta", 10).await;
    let (status, body) = send(&mario, "+39 333 1111111").await;
    assert_eq!(status, 200, "{body}");
    let outbox = count(&app, "SELECT COUNT(*) FROM outbox").await;
    let (status, body) = send(&mario, "+39 333 1111111").await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errore"], "Hai raggiunto il limite giornaliero di SMS di notifica (3). Riprova domani.");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, outbox, "no SMS and no e-mail queued");
});

both_backends!(uploads_stop_at_the_daily_limit, |app: TestApp| async move {
    set_limit(&app, "caricamento", 1).await;
    let mario = app.login_as(Role::Datore).await;
    let franca = app.login(&crate::common::cf_of_name("Franca Marino")).await;
    let send = |client: &reqwest::Client, position: String| {
        let client = client.clone();
        let app = &app;
        async move {
            let form = reqwest::multipart::Form::new().text("tipo", "circ38_2000").part(
                "file",
                // One record of the type's 120 characters (migration 0026).
                reqwest::multipart::Part::bytes(format!("{:<120}\n", "00001 RECORD").into_bytes())
                    .file_name("flusso-38.txt"),
            );
            let res = client
                .post(app.url(&format!("/api/tracciati/{position}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), res.text().await.unwrap_or_default())
        }
    };
    let code = app.position_of("Comune di Roccaverde").await;
    assert_eq!(send(&mario, code.clone()).await.0, 303);
    let stored = count(&app, "SELECT COUNT(*) FROM tracciati").await;
    let (status, body) = send(&mario, code.clone()).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body, "Hai raggiunto il limite giornaliero di file caricati (1). Riprova domani.");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tracciati").await, stored, "no file stored");

    // A DMA declaration is an upload: refused before it is read, no attempt recorded.
    let attempts = count(&app, "SELECT COUNT(*) FROM dma_importazioni").await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(b"<ListaPosPA/>".to_vec()).file_name("marzo.xml"));
    let res = mario
        .post(app.url(&format!("/api/dma/{code}")))
        .header("Origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.text().await.unwrap_or_default().contains("limite giornaliero di file caricati (1)"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM dma_importazioni").await, attempts, "no import attempt stored");

    // The limit is Mario's, not the position's nor everyone's.
    let franca_code: String = sqlx::query_scalar(
        "SELECT p.code FROM positions p JOIN enti e ON e.id = p.ente_id JOIN users u ON u.id = e.datore_user_id \
         WHERE u.full_name = 'Franca Marino' ORDER BY p.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("position");
    assert_eq!(send(&franca, franca_code).await.0, 303);

    // A richiesta with a file is an upload too: refused whole.
    let richieste = count(&app, "SELECT COUNT(*) FROM richieste").await;
    let fields = [
        ("posizione", code.as_str()),
        ("oggetto", "1"),
        ("testo", "Allego il documento."),
        ("email", "mario@example.it"),
        ("consenso", "1"),
    ];
    let (status, body) = app.send_richiesta(&mario, &fields, &[("documento.pdf", b"%PDF-1.4 prova")]).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM richieste").await, richieste);
});

// Bookings: with a limit of one a day, Mario's second booking — for another eligible richiesta, on a free
// slot — is refused with 429 and the Italian message, and no booking is stored.
both_backends!(bookings_stop_at_the_daily_limit, |app: TestApp| async move {
    use app::domain::comunicazioni::{Azione, Esito};
    use app::ssr::agenda;
    use app::ssr::comunicazioni::{self as com, NuovaRichiesta};
    use app::ssr::db::now_unix;
    set_limit(&app, "prenotazione", 1).await;
    let db = &app.db;
    let id_of = |cf: String| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE codice_fiscale = $1")
            .bind(cf)
            .fetch_one(db.pool())
            .await
            .expect("user")
    };
    let mario_id = id_of(crate::common::cf_of(Role::Datore)).await;
    let operator = id_of(crate::common::cf_of(Role::Operatore)).await;
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM users WHERE id = $1")
        .bind(operator)
        .fetch_one(db.pool())
        .await
        .expect("sede");
    // A position of Mario's at the operator's Sede, where richieste closed "non accolta" may be booked.
    let position: i64 = sqlx::query_scalar(
        "SELECT MIN(p.id) FROM positions p JOIN enti e ON e.id = p.ente_id WHERE p.sede_id = $1 AND e.datore_user_id = $2",
    )
    .bind(sede)
    .bind(mario_id)
    .fetch_one(db.pool())
    .await
    .expect("position");
    let oggetto: i64 = sqlx::query_scalar("SELECT MIN(id) FROM comunicazione_oggetti WHERE attivo = 1")
        .fetch_one(db.pool())
        .await
        .expect("oggetto");
    let now = now_unix();
    let mut closed = Vec::new();
    for _ in 0..2 {
        let nuova = NuovaRichiesta {
            position_id: position,
            oggetto_id: oggetto,
            testo: "Chiedo un appuntamento.",
            email: Some("mario@example.it"),
            telefono: None,
            consenso_notifiche: true,
            allegati: Vec::new(),
        };
        let (id, _) = com::open(db, mario_id, nuova, now).await.expect("apri");
        com::act(db, operator, sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico");
        com::act(db, operator, sede, id, Azione::Chiudi(Esito::NonAccolta), "Respinta.", now).await.expect("chiudi");
        closed.push(id);
    }
    let slots = [
        agenda::publish_slot(db, operator, sede, now + 20 * 86_400, 30, now).await.expect("slot"),
        agenda::publish_slot(db, operator, sede, now + 21 * 86_400, 30, now).await.expect("slot"),
    ];
    let mario = app.login_as(Role::Datore).await;
    let book = |richiesta: app::model::RichiestaId, slot: i64| {
        let mario = mario.clone();
        let app = &app;
        async move {
            let form = [
                ("richiesta", richiesta.to_string()),
                ("slot", slot.to_string()),
                ("telefono", "3331234567".to_string()),
                ("note", "Appuntamento".to_string()),
            ];
            let res = mario
                .post(app.url("/api/agenda/prenota"))
                .header("Origin", &app.base)
                .header("Accept", "application/json")
                .form(&form)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), res.text().await.unwrap_or_default())
        }
    };
    let (status, body) = book(closed[0], slots[0]).await;
    assert!(status < 300, "first booking: {status} {body}");
    let bookings = count(&app, "SELECT COUNT(*) FROM prenotazioni").await;

    let (status, body) = book(closed[1], slots[1]).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("limite giornaliero di appuntamenti prenotati (1)"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM prenotazioni").await, bookings, "nothing booked");
});
