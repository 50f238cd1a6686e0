//! The notification outbox delivering to the real SMTP sink (`scripts/smtp_sink.py`), on SQLite and (when
//! configured) PostgreSQL: transactional enqueue, exactly-once delivery, retries while the server is down,
//! permanent refusals, PEC receipts from the SMTP dialogue and from receipt e-mails.

use crate::common::mail_sink::{MailSink, dead_port};
use crate::common::{Backend, TestApp};
use app::ssr::db::{Db, now_unix};
use app::ssr::outbox::{self, Channel, MailSettings, NewMessage};

const SUBJECT: &str = "Codice di conferma della delega";
const BODY: &str = "Gentile Ente,\nil codice per confermare la delega è {segreto}.\nÈ valido 48 ore.\n";
const SECRET: &str = "482913";
const ENTE_PEC: &str = "protocollo@pec.comune-roccaverde.it";

fn settings(smtp_url: String) -> MailSettings {
    MailSettings {
        smtp_url,
        from_email: "noreply@cassetto.local".to_string(),
        from_pec: "cassetto@pec.cassetto.local".to_string(),
        pec_provider: "pec.cassetto.local".to_string(),
        public_url: "https://cassetto.test".to_string(),
        sms: None,
    }
}

async fn enqueue(db: &Db, channel: Channel, recipient: &str, secret: Option<&str>, now: i64) -> i64 {
    let mut tx = db.begin_write().await.expect("begin");
    let msg = NewMessage {
        channel,
        recipient,
        subject: SUBJECT,
        body: BODY,
        html: None,
        calendar: None,
        secret,
        delega_id: None,
        richiesta_id: None,
    };
    let id = outbox::enqueue(&mut tx, msg, now).await.expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

#[derive(Debug)]
struct Row {
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    secret: Option<String>,
    message_id: String,
    last_error: Option<String>,
}

async fn row(db: &Db, id: i64) -> Row {
    let (status, attempts, next_attempt_at, secret, message_id, last_error): (
        String,
        i64,
        i64,
        Option<String>,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT status, attempts, next_attempt_at, secret, message_id, last_error FROM outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await
    .expect("outbox row");
    Row { status, attempts, next_attempt_at, secret, message_id, last_error }
}

/// (kind, recipient, identificativo, detail) of the receipts of a message, oldest first.
async fn receipts(db: &Db, id: i64) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT kind, recipient, identificativo, detail FROM pec_receipts WHERE outbox_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(db.pool())
        .await
        .expect("receipts")
}

fn kinds(delivery: &outbox::Delivery) -> Vec<&str> {
    delivery.receipts.iter().map(|(k, _, _)| k.as_str()).collect()
}

both_backends!(sends_once_with_the_secret_and_pec_receipts, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let sink = MailSink::start();
    let mail = settings(sink.url());
    let now = now_unix();
    let pec = enqueue(db, Channel::Pec, ENTE_PEC, Some(SECRET), now).await;
    let email = enqueue(db, Channel::Email, "mario.rossi@example.it", None, now).await;
    assert_eq!(row(db, pec).await.secret.as_deref(), Some(SECRET), "the secret waits in the row until sent");

    assert_eq!(outbox::deliver_due(db, &mail, now).await.expect("deliver"), 2);
    let messages = sink.messages();
    assert_eq!(messages.len(), 2, "{messages:#?}");

    let sent = row(db, pec).await;
    assert_eq!(sent.status, "inviato");
    assert_eq!(sent.attempts, 1);
    assert_eq!(sent.secret, None, "the OTP must not outlive delivery");
    assert!(sent.message_id.starts_with('<') && sent.message_id.ends_with("@cassetto.local>"), "{}", sent.message_id);
    let eml = messages.iter().find(|m| m.contains(&sent.message_id)).expect("the PEC message");
    assert!(eml.starts_with(&format!("X-Sink-Rcpt: {ENTE_PEC}\r\n")), "{eml}");
    assert!(eml.contains(&format!("Subject: {SUBJECT}\r\n")), "{eml}");
    assert!(eml.contains(&format!("Message-ID: {}\r\n", sent.message_id)), "{eml}");
    assert!(eml.contains("From: cassetto@pec.cassetto.local\r\n"), "{eml}");
    assert!(eml.contains("text/plain; charset=utf-8"), "{eml}");
    assert!(eml.contains(SECRET), "the secret is put into the body: {eml}");
    assert!(!eml.contains("{segreto}"), "{eml}");

    let delivery = outbox::delivery_of(db, pec).await.expect("delivery").expect("known message");
    assert_eq!(delivery.status, "inviato");
    assert_eq!(kinds(&delivery), ["accettazione", "avvenuta_consegna"]);
    assert!(delivery.receipts.iter().all(|(_, r, at)| r == ENTE_PEC && *at == now), "{delivery:?}");
    let stored = receipts(db, pec).await;
    assert!(stored.iter().all(|(_, _, id, _)| id.starts_with("opec-") && id.ends_with("@pec.cassetto.local")));

    let plain = row(db, email).await;
    assert_eq!(plain.status, "inviato");
    let eml = messages.iter().find(|m| m.contains(&plain.message_id)).expect("the e-mail");
    assert!(eml.contains("From: noreply@cassetto.local\r\n"), "{eml}");
    assert!(eml.starts_with("X-Sink-Rcpt: mario.rossi@example.it\r\n"), "{eml}");
    let delivery = outbox::delivery_of(db, email).await.expect("delivery").expect("known message");
    assert!(delivery.receipts.is_empty(), "no PEC receipts for e-mail");

    // Nothing is sent twice, however often the worker runs.
    assert_eq!(outbox::deliver_due(db, &mail, now).await.expect("deliver"), 0);
    assert_eq!(outbox::deliver_due(db, &mail, now + 100_000).await.expect("deliver"), 0);
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(outbox::delivery_of(db, 999_999).await.expect("delivery"), None);
});

both_backends!(rolled_back_message_is_never_sent, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let sink = MailSink::start();
    let now = now_unix();
    let mut tx = db.begin_write().await.expect("begin");
    let msg = NewMessage {
        channel: Channel::Pec,
        recipient: ENTE_PEC,
        subject: SUBJECT,
        body: BODY,
        html: None,
        calendar: None,
        secret: Some(SECRET),
        delega_id: None,
        richiesta_id: None,
    };
    let id = outbox::enqueue(&mut tx, msg, now).await.expect("enqueue");
    tx.rollback().await.expect("rollback");

    assert_eq!(outbox::deliver_due(db, &settings(sink.url()), now + 10).await.expect("deliver"), 0);
    assert!(sink.messages().is_empty());
    assert_eq!(outbox::delivery_of(db, id).await.expect("delivery"), None);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(db.pool()).await.expect("count");
    assert_eq!(left, 0);
});

both_backends!(server_down_delays_and_never_loses, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let now = now_unix();
    let id = enqueue(db, Channel::Pec, ENTE_PEC, Some(SECRET), now).await;

    let down = settings(format!("smtp://127.0.0.1:{}", dead_port()));
    assert_eq!(outbox::deliver_due(db, &down, now).await.expect("deliver"), 1);
    let waiting = row(db, id).await;
    assert_eq!(waiting.status, "in_riprova");
    assert_eq!(waiting.attempts, 1);
    assert_eq!(waiting.next_attempt_at, now + outbox::retry_delay(1));
    assert!(waiting.next_attempt_at > now);
    assert_eq!(waiting.secret.as_deref(), Some(SECRET), "kept for the retry");
    assert!(waiting.last_error.is_some());
    assert!(outbox::delivery_of(db, id).await.expect("delivery").expect("row").receipts.is_empty());

    // Not due yet: nothing happens, even with the server back.
    let sink = MailSink::start();
    let up = settings(sink.url());
    assert_eq!(outbox::deliver_due(db, &up, now + 1).await.expect("deliver"), 0);
    assert!(sink.messages().is_empty());

    let later = waiting.next_attempt_at;
    assert_eq!(outbox::deliver_due(db, &up, later).await.expect("deliver"), 1);
    let sent = row(db, id).await;
    assert_eq!(sent.status, "inviato");
    assert_eq!(sent.attempts, 2);
    assert_eq!(sent.secret, None);
    assert_eq!(sent.last_error, None);
    assert_eq!(sent.message_id, waiting.message_id, "a retry carries the same Message-ID");
    assert_eq!(outbox::deliver_due(db, &up, later + 100_000).await.expect("deliver"), 0);
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "delivered once");
    assert!(messages[0].contains(SECRET));
    let delivery = outbox::delivery_of(db, id).await.expect("delivery").expect("row");
    assert_eq!(kinds(&delivery), ["accettazione", "avvenuta_consegna"]);
    assert!(delivery.receipts.iter().all(|(_, _, at)| *at == later));
});

both_backends!(refused_recipients, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let sink = MailSink::start();
    let mail = settings(sink.url());
    let now = now_unix();
    let missing = enqueue(db, Channel::Pec, "ente@inesistente.pec.it", Some(SECRET), now).await;
    let busy = enqueue(db, Channel::Pec, "ente@temporaneo.pec.it", Some(SECRET), now).await;
    let invalid = enqueue(db, Channel::Pec, "non è un indirizzo", None, now).await;

    assert_eq!(outbox::deliver_due(db, &mail, now).await.expect("deliver"), 3);
    assert!(sink.messages().is_empty());

    // 5xx to RCPT: given up, with an errore_consegna for the recipient carrying the server's text.
    let failed = row(db, missing).await;
    assert_eq!(failed.status, "fallito");
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.secret, None, "no use keeping the OTP of a message that will never go");
    assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("550") && e.contains("casella inesistente")));
    let stored = receipts(db, missing).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let (kind, recipient, _, detail) = &stored[0];
    assert_eq!((kind.as_str(), recipient.as_str()), ("errore_consegna", "ente@inesistente.pec.it"));
    assert!(detail.contains("casella inesistente"), "{detail}");
    assert_eq!(outbox::delivery_of(db, missing).await.expect("d").expect("row").status, "fallito");

    // 4xx to RCPT: tried again later.
    let retry = row(db, busy).await;
    assert_eq!(retry.status, "in_riprova");
    assert_eq!(retry.attempts, 1);
    assert_eq!(retry.secret.as_deref(), Some(SECRET));
    assert!(retry.last_error.as_deref().is_some_and(|e| e.contains("451")), "{:?}", retry.last_error);
    assert!(receipts(db, busy).await.is_empty());

    // An address that cannot be sent to at all: the submission is refused.
    let bad = row(db, invalid).await;
    assert_eq!(bad.status, "fallito");
    let stored = receipts(db, invalid).await;
    assert_eq!(stored.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["non_accettazione"]);

    // Transient failures end in `fallito` after the maximum number of attempts.
    let mut at = now;
    for _ in 1..outbox::MAX_ATTEMPTS {
        at = row(db, busy).await.next_attempt_at;
        assert_eq!(outbox::deliver_due(db, &mail, at).await.expect("deliver"), 1);
    }
    let given_up = row(db, busy).await;
    assert_eq!((given_up.status.as_str(), given_up.attempts), ("fallito", outbox::MAX_ATTEMPTS));
    assert_eq!(given_up.secret, None);
    assert_eq!(outbox::deliver_due(db, &mail, at + 100_000).await.expect("deliver"), 0);
});

both_backends!(concurrent_workers_send_each_message_once, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let sink = MailSink::start();
    let mail = settings(sink.url());
    let now = now_unix();
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(enqueue(db, Channel::Email, &format!("utente{i}@example.it"), Some(SECRET), now).await);
    }
    let (a, b, c) = tokio::join!(
        outbox::deliver_due(db, &mail, now),
        outbox::deliver_due(db, &mail, now),
        outbox::deliver_due(db, &mail, now)
    );
    assert_eq!(a.expect("a") + b.expect("b") + c.expect("c"), ids.len());
    let messages = sink.messages();
    assert_eq!(messages.len(), ids.len());
    for id in ids {
        let sent = row(db, id).await;
        assert_eq!(sent.status, "inviato");
        assert_eq!(messages.iter().filter(|m| m.contains(&sent.message_id)).count(), 1);
    }
});

fn receipt_eml(kind: &str, message_id: &str, daticert: Option<&str>) -> String {
    let head = format!(
        "Return-Path: <posta-certificata@pec.provider.it>\r\nFrom: \"Per conto di: {ENTE_PEC}\" \
         <posta-certificata@pec.provider.it>\r\nTo: cassetto@pec.cassetto.local\r\nSubject: RICEVUTA: {SUBJECT}\r\n\
         Message-ID: <ricevuta-{kind}@pec.provider.it>\r\nX-Ricevuta: {kind}\r\n\
         X-Riferimento-Message-ID: {message_id}\r\nX-Trasporto: posta-certificata\r\nMIME-Version: 1.0\r\n"
    );
    match daticert {
        None => format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\nRicevuta.\r\n"),
        Some(xml) => format!(
            "{head}Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256;\r\n\
             \tboundary=\"esterno\"\r\n\r\n--esterno\r\nContent-Type: multipart/mixed; boundary=\"interno\"\r\n\r\n\
             --interno\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRicevuta di avvenuta consegna.\r\n\
             --interno\r\nContent-Type: application/xml; name=\"daticert.xml\"\r\n\
             Content-Disposition: attachment; filename=\"daticert.xml\"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n\
             {xml}\r\n--interno--\r\n\r\n--esterno\r\nContent-Type: application/pkcs7-signature; name=\"smime.p7s\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--esterno--\r\n"
        ),
    }
}

both_backends!(receipts_arriving_as_email, |app: TestApp| async move {
    // Binds the whole TestApp: capturing only `app.db` would drop its database at once.
    let app = app;
    let db = &app.db;
    let now = now_unix();
    let id = enqueue(db, Channel::Pec, ENTE_PEC, Some(SECRET), now).await;
    let message_id = row(db, id).await.message_id;

    // Accettazione without daticert: the recipient is the message's own.
    let raw = receipt_eml("accettazione", &message_id, None);
    outbox::ingest_receipt_eml(db, raw.as_bytes(), now + 1).await.expect("accettazione");

    // Avvenuta consegna with daticert.xml inside the signed envelope; the reference without angle brackets.
    let daticert = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<postacert tipo=\"avvenuta-consegna\" errore=\"nessuno\">\
         <intestazione><mittente>cassetto@pec.cassetto.local</mittente><destinatari tipo=\"certificato\">{ENTE_PEC}\
         </destinatari><oggetto>{SUBJECT}</oggetto></intestazione><dati><gestore-emittente>Provider PEC\
         </gestore-emittente><data zona=\"+0200\"><giorno>01/10/2026</giorno><ora>10:15:00</ora></data>\
         <identificativo>opec21.20261001101500.1234.01@pec.provider.it</identificativo>\
         <msgid>{message_id}</msgid><ricevuta tipo=\"completa\" /><consegna>{ENTE_PEC}</consegna></dati></postacert>"
    );
    let bare = message_id.trim_start_matches('<').trim_end_matches('>');
    let raw = receipt_eml("avvenuta-consegna", bare, Some(&daticert));
    outbox::ingest_receipt_eml(db, raw.as_bytes(), now + 2).await.expect("avvenuta-consegna");
    // The same receipt twice is recorded once.
    outbox::ingest_receipt_eml(db, raw.as_bytes(), now + 3).await.expect("again");
    // A kind with no place in the table is accepted and ignored.
    let raw = receipt_eml("presa-in-carico", &message_id, None);
    outbox::ingest_receipt_eml(db, raw.as_bytes(), now + 4).await.expect("presa in carico");

    let delivery = outbox::delivery_of(db, id).await.expect("delivery").expect("row");
    assert_eq!(
        delivery.receipts,
        [
            ("accettazione".to_string(), ENTE_PEC.to_string(), now + 1),
            ("avvenuta_consegna".into(), ENTE_PEC.into(), now + 2)
        ]
    );
    let stored = receipts(db, id).await;
    assert_eq!(stored[0].2, "<ricevuta-accettazione@pec.provider.it>", "no daticert: the receipt's Message-ID");
    assert_eq!(stored[1].2, "opec21.20261001101500.1234.01@pec.provider.it");
    assert_eq!(stored[1].3, format!("RICEVUTA: {SUBJECT}"));

    // Errore di consegna: recipient and reason from daticert.
    let daticert = "<postacert tipo=\"errore-consegna\" errore=\"no-dest\"><dati><identificativo>opec-9@pec.provider.it\
                    </identificativo><consegna>altro@pec.example.it</consegna><errore-esteso>5.1.1 - Casella \
                    inesistente</errore-esteso></dati></postacert>";
    let raw = receipt_eml("errore-consegna", &message_id, Some(daticert));
    outbox::ingest_receipt_eml(db, raw.as_bytes(), now + 5).await.expect("errore-consegna");
    let stored = receipts(db, id).await;
    assert_eq!(stored.len(), 3);
    assert_eq!(
        (stored[2].0.as_str(), stored[2].1.as_str(), stored[2].3.as_str()),
        ("errore_consegna", "altro@pec.example.it", "5.1.1 - Casella inesistente")
    );

    // Not ours, or not a receipt at all: refused, nothing recorded.
    let raw = receipt_eml("accettazione", "<sconosciuto@altrove.it>", None);
    assert!(outbox::ingest_receipt_eml(db, raw.as_bytes(), now).await.is_err());
    assert!(outbox::ingest_receipt_eml(db, b"Subject: ciao\r\n\r\ncorpo\r\n", now).await.is_err());
    assert_eq!(receipts(db, id).await.len(), 3);
    // The status of the message is the SMTP submission's, untouched by receipts.
    assert_eq!(row(db, id).await.status, "in_coda");
});

/// A local SMS gateway for the adapter: records each request (body and Idempotency-Key) and answers
/// with the statuses it is given, in turn (then 202).
struct SmsReceiver {
    url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<(serde_json::Value, String)>>>,
}

async fn sms_receiver(statuses: Vec<u16>) -> SmsReceiver {
    use axum::http::{HeaderMap, StatusCode};
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let script = std::sync::Arc::new(std::sync::Mutex::new(statuses.into_iter()));
    let log = received.clone();
    let router = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let (log, script) = (log.clone(), script.clone());
            async move {
                let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                log.lock().expect("log").push((serde_json::from_str(&body).expect("JSON payload"), key));
                let status = script.lock().expect("script").next().unwrap_or(202);
                (StatusCode::from_u16(status).expect("status"), "{}")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/sms", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    SmsReceiver { url, received }
}

fn with_sms(url: &str) -> MailSettings {
    MailSettings {
        sms: Some(app::ssr::outbox::sms::SmsGateway {
            url: url.to_string(),
            template: app::ssr::outbox::sms::DEFAULT_TEMPLATE.to_string(),
            token: None,
        }),
        ..settings(format!("smtp://127.0.0.1:{}", dead_port()))
    }
}

both_backends!(sms_through_the_gateway_delays_never_loses_never_doubles, |app: TestApp| async move {
    let app = app;
    let db = &app.db;
    let now = now_unix();
    let phone = "+39 333 1234567";
    let id = enqueue(db, Channel::Sms, phone, None, now).await;

    // No gateway configured: the SMS waits.
    assert_eq!(
        outbox::deliver_due(db, &settings(format!("smtp://127.0.0.1:{}", dead_port())), now).await.expect("deliver"),
        1
    );
    let waiting = row(db, id).await;
    assert_eq!((waiting.status.as_str(), waiting.attempts), ("in_riprova", 1));

    // The gateway is down (503): retried later, with the same reference; then it takes the SMS, once.
    let gateway = sms_receiver(vec![503]).await;
    let mail = with_sms(&gateway.url);
    let t1 = waiting.next_attempt_at;
    assert_eq!(outbox::deliver_due(db, &mail, t1).await.expect("deliver"), 1);
    let retry = row(db, id).await;
    assert_eq!(retry.status, "in_riprova");
    assert!(retry.last_error.as_deref().unwrap_or_default().contains("503"), "{retry:?}");
    assert_eq!(outbox::deliver_due(db, &mail, retry.next_attempt_at).await.expect("deliver"), 1);
    assert_eq!(row(db, id).await.status, "inviato");
    assert_eq!(outbox::deliver_due(db, &mail, retry.next_attempt_at + 100_000).await.expect("deliver"), 0);
    let received = gateway.received.lock().expect("log").clone();
    assert_eq!(received.len(), 2, "one refused attempt, one delivery, nothing more");
    for (payload, key) in &received {
        assert_eq!(payload["to"], phone);
        assert_eq!(payload["text"], BODY);
        assert_eq!(payload["reference"], waiting.message_id.as_str(), "each attempt carries the message's own id");
        assert_eq!(key, &waiting.message_id);
    }

    // A number the gateway refuses for good (400) ends the message as failed, without retries.
    let refused_gateway = sms_receiver(vec![400]).await;
    let refused = enqueue(db, Channel::Sms, "+39 000 0000", None, now).await;
    assert_eq!(outbox::deliver_due(db, &with_sms(&refused_gateway.url), now).await.expect("deliver"), 1);
    let failed = row(db, refused).await;
    assert_eq!((failed.status.as_str(), failed.attempts), ("fallito", 1));
});
