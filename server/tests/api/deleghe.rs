//! Gestione Deleghe and profiles end to end over HTTP, on both backends: the intermediary's PEC + OTP
//! flow against the real SMTP sink, OTP limits, a bounced PEC, the datore's deleghe and the SC62 rule,
//! profile requests and their decision, IDM enablement, sub-deleghe, the transitional period and the
//! audit chain.

use crate::common::mail_sink::MailSink;
use crate::common::{Backend, TestApp, cf_of};
use app::domain::profili::{StatoDelega, TipoDelega};
use app::model::{DelegaDetail, DelegaId, DelegaRow, DelegheOverview, ProfileOverview, ProfileRequestRow, Role};
use app::ssr::audit::{self, Verification};
use app::ssr::ctx::Settings;
use app::ssr::outbox::{self, MailSettings};
use serde_json::{Value, json};

/// Posts a form as the hydrated page does (no `Accept: text/html`): success answers with the redirect
/// target in `Location`, a refusal with its status and the error as JSON.
async fn submit(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = client.post(app.url(path)).header("Origin", &app.base).form(form).send().await.expect("request");
    let status = res.status().as_u16();
    let location = crate::common::location(&res);
    (status, location, res.text().await.unwrap_or_default())
}

fn mail(sink: &MailSink) -> MailSettings {
    MailSettings {
        smtp_url: sink.url(),
        from_email: "noreply@cassetto.test".into(),
        from_pec: "cassetto@pec.cassetto.test".into(),
        pec_provider: "pec.cassetto.test".into(),
        public_url: "https://cassetto.test".to_string(),
        sms: None,
    }
}

async fn deliver(app: &TestApp, sink: &MailSink) {
    outbox::deliver_due(&app.db, &mail(sink), chrono::Utc::now().timestamp()).await.expect("deliver");
}

/// The OTP in the newest message of the sink: the only 8-digit number on a line of its own.
/// The messages of the sink with folded header lines unfolded (a long Subject spans two lines).
fn mails(sink: &MailSink) -> Vec<String> {
    sink.messages().into_iter().map(|m| m.replace("\r\n ", " ").replace("\n ", " ")).collect()
}

fn last_otp(sink: &MailSink) -> String {
    let messages = sink.messages();
    let last = messages.last().expect("a message in the sink");
    last.lines()
        .map(str::trim)
        .find(|l| l.len() == 8 && l.bytes().all(|b| b.is_ascii_digit()))
        .expect("OTP line")
        .into()
}

/// (position code, Ente codice fiscale, legal representative) of the Ente's first position.
async fn ente_data(app: &TestApp, name: &str) -> (String, String, String) {
    let code = app.position_of(name).await;
    let (cf, rep): (String, String) =
        sqlx::query_as("SELECT codice_fiscale, legal_rep_cf FROM enti WHERE denominazione = $1")
            .bind(name)
            .fetch_one(app.db.pool())
            .await
            .expect("ente");
    (code, cf, rep)
}

/// The Gestione contributiva scope of the Ente's sector (`gc_pubblici` or `gc_privati`).
async fn gestione_of(app: &TestApp, ente: &str) -> &'static str {
    let sector: String = sqlx::query_scalar("SELECT sector FROM enti WHERE denominazione = $1")
        .bind(ente)
        .fetch_one(app.db.pool())
        .await
        .expect("sector");
    if sector == "pubblico" { "gc_pubblici" } else { "gc_privati" }
}

/// A complete request form: the Ente's data, its legal representative (Carla Gialli), the Gestione
/// contributiva of its sector, from today until revoked.
async fn request_form(app: &TestApp, ente: &str) -> Vec<(&'static str, String)> {
    let (code, cf, rep) = ente_data(app, ente).await;
    vec![
        ("posizione", code),
        ("codice_fiscale_ente", cf),
        ("codice_fiscale_rappresentante", rep),
        ("nome_rappresentante", "Carla".into()),
        ("cognome_rappresentante", "Gialli".into()),
        ("servizi[0]", gestione_of(app, ente).await.into()),
        ("dal", String::new()),
        ("al", String::new()),
        ("password", app::ssr::demo::DEMO_PASSWORD.into()),
    ]
}

/// The form with some fields replaced.
fn with(form: &[(&'static str, String)], changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut form = form.to_vec();
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = value.to_string(),
            None => form.push((key, value.to_string())),
        }
    }
    form
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn id_from(location: &str) -> i64 {
    let id = location.strip_prefix("/deleghe/").and_then(|r| r.split('?').next()).expect("redirect to the delega");
    id.parse().expect("delega id")
}

async fn request_delega(app: &TestApp, client: &reqwest::Client, ente: &str) -> i64 {
    let form = request_form(app, ente).await;
    let (status, location, body) = submit(app, client, "/api/deleghe/intermediario", &pairs(&form)).await;
    assert_eq!(status, 200, "{body}");
    id_from(&location)
}

/// The deleghe page of `client` (200 expected).
async fn deleghe_page(app: &TestApp, client: &reqwest::Client) -> DelegheOverview {
    app.load(client, "/api/deleghe", json!({})).await
}

/// A delega's page as `client` reads it (200 expected).
async fn detail(app: &TestApp, client: &reqwest::Client, id: i64) -> DelegaDetail {
    app.load(client, "/api/deleghe/dettaglio", json!({"id": id})).await
}

/// The kinds of a delega's events, oldest first.
fn event_kinds(d: &DelegaDetail) -> Vec<&str> {
    d.events.iter().map(|e| e.kind.as_str()).collect()
}

/// The kinds of the PEC receipts of a delega's evidence.
fn receipt_kinds(d: &DelegaDetail) -> Vec<&str> {
    d.evidence.as_ref().expect("evidence").receipts.iter().map(|r| r.0.as_str()).collect()
}

async fn reaches(app: &TestApp, client: &reqwest::Client, code: &str) -> u16 {
    app.call(client, "/api/cassetto/posizione", json!({"posizione": code})).await.0
}

async fn activate(app: &TestApp, client: &reqwest::Client, id: i64, otp: &str, declared: bool) -> (u16, String) {
    let id = id.to_string();
    let mut form = vec![("id", id.as_str()), ("otp", otp)];
    if declared {
        form.push(("dichiarazione", "1"));
    }
    let (status, _, body) = submit(app, client, "/api/deleghe/attiva", &form).await;
    (status, body)
}

async fn intermediary_flow(app: TestApp) {
    let sink = MailSink::start();
    let giuseppe = app.login_as(Role::Intermediario).await;
    let ente = "Azienda Ospedaliera San Luca";
    let (code, _, rep) = ente_data(&app, ente).await;
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404, "no delega yet");

    // Re-authentication and matching Ente data are required; a refusal saves nothing.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    let refused = [
        (rep.clone(), "Sbagliata.Password.1", "Password non corretta"),
        (cf_of(Role::Datore), app::ssr::demo::DEMO_PASSWORD, "non corrispondono"),
    ];
    let full = request_form(&app, ente).await;
    for (rep, password, message) in refused {
        let form = with(&full, &[("codice_fiscale_rappresentante", &rep), ("password", password)]);
        let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &pairs(&form)).await;
        assert_eq!(status, 400);
        assert!(body.contains(message), "{body}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    assert_eq!(before, after);

    let id = request_delega(&app, &giuseppe, ente).await;
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.status, StatoDelega::InAttesa);
    assert!(d.can_activate);
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404, "pending delega gives no access");

    // The PEC goes out through the outbox to the Ente's PEC address, with the circular's subject.
    deliver(&app, &sink).await;
    let messages = mails(&sink);
    assert_eq!(messages.len(), 1);
    let pec: String = sqlx::query_scalar("SELECT pec FROM enti WHERE denominazione = $1")
        .bind(ente)
        .fetch_one(app.db.pool())
        .await
        .expect("pec");
    assert!(messages[0].contains(&format!("X-Sink-Rcpt: {pec}")), "{}", messages[0]);
    assert!(
        messages[0].contains(&format!("Comunicazione inserimento richiesta nuova delega per la posizione {code}")),
        "{}",
        messages[0]
    );
    let otp = last_otp(&sink);
    // The OTP is kept only as a hash: not in the evidence, not in the outbox after delivery.
    let (hash, secret): (String, Option<String>) = sqlx::query_as(
        "SELECT e.otp_hash, o.secret FROM delega_evidence e JOIN outbox o ON o.id = e.outbox_id WHERE e.delega_id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("evidence");
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&otp));
    assert_eq!(secret, None);

    // The printable form, for both sides.
    let franca = app.login(&crate::common::cf_of_name("Franca Marino")).await;
    for client in [&giuseppe, &franca] {
        let res = client
            .get(app.url(&format!("/deleghe/{id}/modulo.pdf")))
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("pdf");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let bytes = res.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 1000);
    }
    let mario = app.login_as(Role::Datore).await;
    let res = mario
        .get(app.url(&format!("/deleghe/{id}/modulo.pdf")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 404, "not a party");

    // Declaration required; a wrong code counts; the right one activates; it cannot be used twice.
    let (status, body) = activate(&app, &giuseppe, id, &otp, false).await;
    assert_eq!(status, 400);
    assert!(body.contains("dichiarare"), "{body}");
    let wrong = if otp == "00000000" { "11111111" } else { "00000000" };
    let (status, body) = activate(&app, &giuseppe, id, wrong, true).await;
    assert_eq!(status, 400);
    assert!(body.contains("Tentativi rimasti: 4"), "{body}");
    let (status, body) = activate(&app, &giuseppe, id, &otp, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &giuseppe, &code).await, 200, "active delega gives access");
    let (status, _) = activate(&app, &giuseppe, id, &otp, true).await;
    assert_eq!(status, 400, "single use");

    // Both sides see the history, the evidence and the PEC receipts.
    let d = detail(&app, &franca, id).await;
    assert_eq!(event_kinds(&d), ["richiesta", "otp_inviato", "otp_errato", "attivata"]);
    // The activation event carries the declaration as made: the circular's whole text.
    let declared = &d.events[3].detail;
    assert!(declared.contains(app::domain::profili::DICHIARAZIONE_ATTIVAZIONE), "{declared}");
    assert!(declared.contains("e a esibirla all'Istituto su richiesta"), "{declared}");
    assert_eq!(receipt_kinds(&d), ["accettazione", "avvenuta_consegna"]);
    assert!(d.evidence.as_ref().expect("evidence").activated_at.is_some());
    assert!(d.can_revoke, "the Ente's datore may revoke");

    // The Ente revokes: the intermediary loses access at the next request; evidence is kept five years.
    let (status, _, body) = submit(&app, &franca, "/api/deleghe/revoca", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404);
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.status, StatoDelega::Revocata);
    let today = app::domain::time::rome_date(chrono::Utc::now().timestamp());
    let retain = d.evidence.expect("evidence").retain_until;
    assert_eq!(retain, Some(app::domain::profili::evidence_retained_until(today)));
    assert_eq!(
        audit::verify(&app.db).await.expect("verify"),
        Verification::Intact {
            entries: sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(app.db.pool()).await.expect("n")
        }
    );
}

both_backends!(intermediary_delega_by_pec_and_otp, intermediary_flow);

async fn otp_limits(app: TestApp) {
    let sink = MailSink::start();
    let giuseppe = app.login_as(Role::Intermediario).await;
    let id = request_delega(&app, &giuseppe, "Azienda Ospedaliera San Luca").await;
    deliver(&app, &sink).await;
    let first = last_otp(&sink);
    let wrong = if first == "00000000" { "11111111" } else { "00000000" };
    for left in (0..5).rev() {
        let (status, body) = activate(&app, &giuseppe, id, wrong, true).await;
        assert_eq!(status, 400);
        if left > 0 {
            assert!(body.contains(&format!("Tentativi rimasti: {left}")), "{body}");
        } else {
            assert!(body.contains("bloccato"), "{body}");
        }
    }
    let (status, body) = activate(&app, &giuseppe, id, &first, true).await;
    assert_eq!(status, 400, "a locked code is dead even when right");
    assert!(body.contains("non è più valido"), "{body}");

    // A new code: the old one dies with it.
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/nuovo-otp", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    deliver(&app, &sink).await;
    assert_eq!(sink.messages().len(), 2);
    let second = last_otp(&sink);
    if second != first {
        let (status, _) = activate(&app, &giuseppe, id, &first, true).await;
        assert_eq!(status, 400, "the replaced code is refused");
    }

    // An expired code is refused even when right.
    sqlx::query("UPDATE delega_evidence SET otp_expires_at = $1 WHERE delega_id = $2")
        .bind(chrono::Utc::now().timestamp() - 1)
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("expire");
    let (status, body) = activate(&app, &giuseppe, id, &second, true).await;
    assert_eq!(status, 400);
    assert!(body.contains("Il codice OTP è scaduto (vale 72 ore"), "{body}");

    let (status, _, _) = submit(&app, &giuseppe, "/api/deleghe/nuovo-otp", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200);
    deliver(&app, &sink).await;
    let third = last_otp(&sink);
    let (status, body) = activate(&app, &giuseppe, id, &third, true).await;
    assert_eq!(status, 200, "{body}");
}

both_backends!(otp_is_limited_expires_and_is_replaced, otp_limits);

async fn bounced_pec(app: TestApp) {
    let sink = MailSink::start();
    let giuseppe = app.login_as(Role::Intermediario).await;
    // Comune di Acquaviva Alta's PEC box does not exist (see the demo data).
    let id = request_delega(&app, &giuseppe, "Comune di Acquaviva Alta").await;
    deliver(&app, &sink).await;
    assert!(sink.messages().is_empty());
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.pec_state.as_deref(), Some("mancata_consegna"));
    let receipts = receipt_kinds(&d);
    assert!(receipts.contains(&"errore_consegna"), "{receipts:?}");
}

both_backends!(a_bounced_pec_shows_on_the_delega, bounced_pec);

async fn datore_flow(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let marco_cf = crate::common::cf_of_name("Marco Esposito");
    let code = app.position_of("Comune di Roccaverde").await;

    // A position of another employer cannot be delegated.
    let foreign = app.position_of("Comune di Acquaviva Alta").await;
    let (status, _, _) =
        submit(&app, &mario, "/api/deleghe/dipendente", &[("codice_fiscale", &marco_cf), ("posizioni[0]", &foreign)])
            .await;
    assert_eq!(status, 404);
    let (status, _, body) = submit(
        &app,
        &mario,
        "/api/deleghe/dipendente",
        &[("codice_fiscale", "XXXXXX00X00X000X"), ("posizioni[0]", &code)],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("non è valido"), "{body}");

    let (status, location, body) =
        submit(&app, &mario, "/api/deleghe/dipendente", &[("codice_fiscale", &marco_cf), ("posizioni[0]", &code)])
            .await;
    assert_eq!(status, 200, "{body}");
    assert!(location.starts_with("/deleghe?esito=conferita"));

    // Marco has no SC62 yet: the delega exists but gives no access.
    let marco = app.login(&marco_cf).await;
    assert_eq!(reaches(&app, &marco, &code).await, 404);
    assert!(!deleghe_page(&app, &marco).await.held[0].usable);

    // The operator of the competent Sede approves his SC62 request: access follows at once.
    let paolo = app.login_as(Role::Operatore).await;
    let (_, body) = app.call(&paolo, "/api/backoffice/richieste-profilo", json!({})).await;
    let queue: Value = serde_json::from_str(&body).expect("json");
    let request = queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|r| r["requester_cf"] == marco_cf.as_str() && r["status"] == "in_attesa")
        .expect("Marco's request");
    let rid = request["id"].as_i64().expect("id").to_string();
    let (status, _, body) = submit(
        &app,
        &paolo,
        "/api/backoffice/richieste-profilo/decisione",
        &[("id", &rid), ("esito", "approva"), ("motivo", "")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &marco, &code).await, 200);
    let (status, _, _) = submit(
        &app,
        &paolo,
        "/api/backoffice/richieste-profilo/decisione",
        &[("id", &rid), ("esito", "respingi"), ("motivo", "ripensamento")],
    )
    .await;
    assert_eq!(status, 400, "a request is decided once");

    // Mario revokes: Marco loses access at the next request.
    let on_mine = deleghe_page(&app, &mario).await.on_my_positions;
    let id = on_mine.iter().find(|d| d.grantee_cf == marco_cf).expect("Marco's delega").id.to_string();
    let (status, _, _) = submit(&app, &mario, "/api/deleghe/revoca", &[("id", &id)]).await;
    assert_eq!(status, 200);
    assert_eq!(reaches(&app, &marco, &code).await, 404);
    // Marco, the grantee, may not revoke (nor re-revoke) it.
    let (status, _, _) = submit(&app, &marco, "/api/deleghe/revoca", &[("id", &id)]).await;
    assert_eq!(status, 403);
}

both_backends!(datore_delegates_employee_usable_with_sc62, datore_flow);

async fn profile_requests(app: TestApp) {
    let marco_cf = crate::common::cf_of_name("Marco Esposito");
    let marco = app.login(&marco_cf).await;
    let roccaverde_cf: String =
        sqlx::query_scalar("SELECT codice_fiscale FROM enti WHERE denominazione = 'Comune di Roccaverde'")
            .fetch_one(app.db.pool())
            .await
            .expect("cf");
    let (status, _, body) = submit(
        &app,
        &marco,
        "/api/profilo/richiesta",
        &[("modello", "SC65"), ("codice_fiscale_ente", &roccaverde_cf), ("ambiti[0]", "gc_pubblici")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("SC65"), "{body}");
    let (status, _, body) = submit(
        &app,
        &marco,
        "/api/profilo/richiesta",
        &[("modello", "SC62"), ("codice_fiscale_ente", &roccaverde_cf), ("ambiti[0]", "gc_pubblici")],
    )
    .await;
    assert_eq!(status, 400, "one pending request per form and Ente");
    assert!(body.contains("già una richiesta"), "{body}");
    let (status, _, body) = submit(
        &app,
        &marco,
        "/api/profilo/richiesta",
        &[("modello", "RA012"), ("codice_fiscale_ente", &roccaverde_cf), ("servizio", "tfr_tfs")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // A rejection needs a reason, and the requester sees it.
    let paolo = app.login_as(Role::Operatore).await;
    let franca_cf = crate::common::cf_of_name("Franca Marino");
    let queue: Vec<ProfileRequestRow> = app.load(&paolo, "/api/backoffice/richieste-profilo", json!({})).await;
    let forms: Vec<&str> = queue.iter().map(|r| r.form.as_str()).collect();
    assert!(forms.contains(&"SC62") && forms.contains(&"RA012"), "{forms:?}");
    let franca_req = queue.iter().find(|r| r.requester_cf == franca_cf).expect("Franca's request").id.to_string();
    let (status, _, body) = submit(
        &app,
        &paolo,
        "/api/backoffice/richieste-profilo/decisione",
        &[("id", &franca_req), ("esito", "respingi")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("motivo"), "{body}");
    let (status, _, _) = submit(
        &app,
        &paolo,
        "/api/backoffice/richieste-profilo/decisione",
        &[("id", &franca_req), ("esito", "respingi"), ("motivo", "Documento di identità scaduto")],
    )
    .await;
    assert_eq!(status, 200);
    let franca = app.login(&franca_cf).await;
    let profile: ProfileOverview = app.load(&franca, "/api/profilo", json!({})).await;
    assert_eq!(profile.requests[0].status, "respinta");
    assert_eq!(profile.requests[0].reason.as_deref(), Some("Documento di identità scaduto"));
    assert_eq!(profile.cutover, chrono::NaiveDate::from_ymd_opt(2023, 7, 16));

    // An operator of another Sede does not see, nor decide, Roma Eur's requests.
    let milano: i64 =
        sqlx::query_scalar("SELECT id FROM sedi WHERE code = '4900'").fetch_one(app.db.pool()).await.expect("sede");
    let other_cf = app::domain::codice_fiscale::CodiceFiscale::with_check("BRNGNN80A01F205").expect("cf");
    app::ssr::identity::add_user(
        &app.db,
        &app::ssr::identity::NewUser {
            codice_fiscale: other_cf.as_str(),
            full_name: "Giovanni Bruni",
            role: Role::Operatore,
            email: None,
            sede_id: Some(milano),
            employer_user_id: None,
            password: app::ssr::demo::DEMO_PASSWORD,
            totp_secret: &app::ssr::demo::demo_totp_secret(other_cf.as_str()),
        },
    )
    .await
    .expect("user");
    let giovanni = app.login(other_cf.as_str()).await;
    let (_, body) = app.call(&giovanni, "/api/backoffice/richieste-profilo", json!({})).await;
    assert_eq!(body, "[]");
    let marco_req = queue.iter().find(|r| r.requester_cf == marco_cf).expect("Marco's request").id.to_string();
    let (status, _, _) = submit(
        &app,
        &giovanni,
        "/api/backoffice/richieste-profilo/decisione",
        &[("id", &marco_req), ("esito", "approva")],
    )
    .await;
    assert_eq!(status, 404);
}

both_backends!(profile_requests_are_decided_by_the_competent_sede, profile_requests);

async fn idm(app: TestApp) {
    let sara = app.login_as(Role::Idm).await;
    let paolo_cf = cf_of(Role::Operatore);
    let paolo = app.login_as(Role::Operatore).await;
    let (status, _, _) = submit(
        &app,
        &sara,
        "/api/backoffice/operatori/abilitazione",
        &[("codice_fiscale", &paolo_cf), ("abilitato", "0")],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = app.call(&paolo, "/api/backoffice/richieste-profilo", json!({})).await;
    assert_eq!(status, 401, "a disabled operator's session ends");
    let client = app.client();
    let res = app
        .post_form(
            &client,
            "/api/accesso/password",
            &[("codice_fiscale", &paolo_cf), ("password", app::ssr::demo::DEMO_PASSWORD)],
        )
        .await;
    // A disabled account answers exactly as a wrong password (no confirmation that the password was right).
    assert_eq!(crate::common::location(&res), "/accesso?errore=credenziali");
    // Not an operator of Sara's Sede (not an operator at all): as if it did not exist.
    let (status, _, _) = submit(
        &app,
        &sara,
        "/api/backoffice/operatori/abilitazione",
        &[("codice_fiscale", &cf_of(Role::Datore)), ("abilitato", "0")],
    )
    .await;
    assert_eq!(status, 404);
    let (status, _, _) = submit(
        &app,
        &sara,
        "/api/backoffice/operatori/abilitazione",
        &[("codice_fiscale", &paolo_cf), ("abilitato", "1")],
    )
    .await;
    assert_eq!(status, 200);
    app.login(&paolo_cf).await;
}

both_backends!(idm_enables_and_disables_operators_of_its_sede, idm);

async fn subdeleghe(app: TestApp) {
    let giuseppe = app.login_as(Role::Intermediario).await;
    let anna = app.login_as(Role::Subdelegato).await;
    let code = app.position_of("Comune di Pietrascura").await;
    assert_eq!(reaches(&app, &anna, &code).await, 404);
    let parent: i64 = sqlx::query_scalar(
        "SELECT d.id FROM deleghe d JOIN positions p ON p.id = d.position_id WHERE p.code = $1 AND d.kind = 'intermediario'",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("parent");
    let parent_s = parent.to_string();
    // Only the intermediary's own employees.
    let (status, _, body) = submit(
        &app,
        &giuseppe,
        "/api/deleghe/subdelega",
        &[("id", &parent_s), ("codice_fiscale", &cf_of(Role::Delegato))],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _, body) = submit(
        &app,
        &giuseppe,
        "/api/deleghe/subdelega",
        &[("id", &parent_s), ("codice_fiscale", &cf_of(Role::Subdelegato))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &anna, &code).await, 200);
    // Revoking the delega revokes its sub-deleghe.
    let (status, _, _) = submit(&app, &giuseppe, "/api/deleghe/revoca", &[("id", &parent_s)]).await;
    assert_eq!(status, 200);
    assert_eq!(reaches(&app, &anna, &code).await, 404);
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe WHERE parent_id = $1 AND status = 'attiva'")
        .bind(parent)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(open, 0);
}

both_backends!(subdeleghe_follow_their_delega, subdeleghe);

/// The state of each of `user`'s sub-deleghe, by position code, as one list of the deleghe page shows them.
async fn subdelega_states(
    app: &TestApp,
    user: &reqwest::Client,
    list: fn(DelegheOverview) -> Vec<DelegaRow>,
) -> Vec<(String, StatoDelega)> {
    let rows = list(deleghe_page(app, user).await);
    let mut states: Vec<(String, StatoDelega)> =
        rows.into_iter().filter(|r| r.kind == TipoDelega::Subdelega).map(|r| (r.position_code, r.status)).collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    states
}

// Issue 16 item 11: a sub-delega still stored as active under a delega that has ended (revoked before the
// cascade existed, or past its end date) reaches nothing, and both parties see it as ended, not «Attiva».
async fn ended_parent_shows(app: TestApp) {
    let anna = app.login_as(Role::Subdelegato).await;
    let giuseppe = app.login_as(Role::Intermediario).await;
    let states = subdelega_states(&app, &anna, |o| o.held).await;
    // The demo: Anna under Giuseppe's deleghe of Enti 3 and 4 (active) and 7 (revoked, hers left active).
    let stored_active: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.code, pd.status FROM deleghe d JOIN deleghe pd ON pd.id = d.parent_id \
         JOIN positions p ON p.id = d.position_id WHERE d.kind = 'subdelega' AND d.status = 'attiva' ORDER BY p.code",
    )
    .fetch_all(app.db.pool())
    .await
    .expect("stored");
    assert_eq!(stored_active.len(), 3, "{stored_active:?}");
    let expected: Vec<(String, StatoDelega)> = stored_active
        .iter()
        .map(|(code, parent)| {
            (code.clone(), if parent == "attiva" { StatoDelega::Attiva } else { StatoDelega::Decaduta })
        })
        .collect();
    assert!(expected.iter().any(|(_, s)| *s == StatoDelega::Decaduta), "{expected:?}");
    assert_eq!(states, expected, "as Anna sees them");
    assert_eq!(subdelega_states(&app, &giuseppe, |o| o.granted_sub).await, expected, "as Giuseppe sees them");
    for (code, state) in &expected {
        let reach = app.call(&anna, "/api/cassetto/posizione", json!({ "posizione": code })).await.0;
        assert_eq!(reach, if *state == StatoDelega::Attiva { 200 } else { 404 }, "{code}");
    }

    // A parent past its end date: the sub-delega under it is shown ended the day after, with no job run.
    let (code, _) = expected.iter().find(|(_, s)| *s == StatoDelega::Attiva).expect("an active one").clone();
    let ended = (chrono::Utc::now().date_naive() - chrono::Days::new(2)).format("%Y-%m-%d").to_string();
    sqlx::query(
        "UPDATE deleghe SET valid_until = $1 WHERE kind = 'intermediario' \
         AND position_id = (SELECT id FROM positions WHERE code = $2)",
    )
    .bind(&ended)
    .bind(&code)
    .execute(app.db.pool())
    .await
    .expect("end the parent");
    let after = subdelega_states(&app, &anna, |o| o.held).await;
    assert!(after.contains(&(code.clone(), StatoDelega::Decaduta)), "{after:?}");
    assert_eq!(app.call(&anna, "/api/cassetto/posizione", json!({ "posizione": code })).await.0, 404);
}

both_backends!(a_subdelega_under_an_ended_delega_is_shown_ended, ended_parent_shows);

/// The legacy entry before and after the cut-over, with an injected date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitional_period_closes_the_legacy_entry_at_the_cutover() {
    for (today, open) in [("2023-07-15", true), ("2023-07-16", false)] {
        let settings = Settings { today: Some(today.parse().expect("date")), ..Settings::development() };
        let app = TestApp::spawn_with(Backend::Sqlite, settings).await.expect("app");
        let mario = app.login_as(Role::Datore).await;
        let (status, body) = app.call(&mario, "/api/dipendenti-pubblici", json!({})).await;
        assert_eq!(status, 200);
        let entry: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(entry["open"], open, "on {today}");
        assert_eq!(entry["cutover"], "2023-07-16");
        let positions = entry["positions"].as_array().expect("positions");
        assert_eq!(!positions.is_empty(), open, "on {today}: {positions:?}");
        assert!(positions.iter().all(|p| p["sector"] == "pubblico"));
        let page = mario.get(app.url("/dipendenti-pubblici")).send().await.expect("page").text().await.expect("text");
        assert!(page.contains(if open { "accesso-transitorio" } else { "accesso-chiuso" }), "on {today}");
    }
}

async fn audit_chain(app: TestApp) {
    // Logins and a revocation have been recorded.
    let mario = app.login_as(Role::Datore).await;
    let on_mine = deleghe_page(&app, &mario).await.on_my_positions;
    let id = on_mine.iter().find(|d| d.status == StatoDelega::Attiva).expect("an active delega").id.to_string();
    let (status, _, body) = submit(&app, &mario, "/api/deleghe/revoca", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let Verification::Intact { entries } = audit::verify(&app.db).await.expect("verify") else {
        panic!("chain broken before tampering")
    };
    assert!(entries >= 2, "{entries}");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq").fetch_all(app.db.pool()).await.expect("log");
    assert!(actions.iter().any(|a| a == "accesso") && actions.iter().any(|a| a == "delega.revocata"), "{actions:?}");

    // The database refuses changes outright...
    let refused = sqlx::query("UPDATE audit_log SET detail = 'x' WHERE seq = 2").execute(app.db.pool()).await;
    assert!(refused.is_err(), "audit_log must be append-only");
    // ...and someone who gets around that is caught by the chain, at the first altered entry.
    match app.db.backend() {
        app::ssr::db::Backend::Sqlite => {
            sqlx::query("DROP TRIGGER audit_log_no_update").execute(app.db.pool()).await.expect("drop trigger");
        }
        app::ssr::db::Backend::Postgres => {
            sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
                .execute(app.db.pool())
                .await
                .expect("disable");
        }
    }
    sqlx::query("UPDATE audit_log SET detail = 'alterato' WHERE seq = 2").execute(app.db.pool()).await.expect("tamper");
    match audit::verify(&app.db).await.expect("verify") {
        Verification::Broken { seq, .. } => assert_eq!(seq, 2),
        other => panic!("tampering not caught: {other:?}"),
    }
}

both_backends!(audit_log_is_a_verified_chain, audit_chain);

async fn albo_import(app: TestApp) {
    let admin = app.login_as(Role::Admin).await;
    let giuseppe_cf = cf_of(Role::Intermediario);
    let (status, _, body) = submit(&app, &admin, "/api/admin/albo", &[("csv", "codice_fiscale,categoria\nX,Y")]).await;
    assert_eq!(status, 400);
    assert!(body.contains("Riga 2"), "{body}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM albo").fetch_one(app.db.pool()).await.expect("n");
    assert_eq!(n, 1, "a bad file changes nothing");
    let csv = format!(
        "codice_fiscale,categoria,numero,provincia,nominativo\n{},avvocato,77,MI,Avv. Anna Neri\n",
        cf_of(Role::Subdelegato)
    );
    let (status, _, body) = submit(&app, &admin, "/api/admin/albo", &[("csv", &csv)]).await;
    assert_eq!(status, 200, "{body}");
    // Giuseppe is no longer in the register: he cannot ask for deleghe.
    let giuseppe = app.login(&giuseppe_cf).await;
    let form = request_form(&app, "Azienda Ospedaliera San Luca").await;
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &pairs(&form)).await;
    assert_eq!(status, 400);
    assert!(body.contains("Albo"), "{body}");
}

both_backends!(albo_register_is_imported_whole, albo_import);

/// A message as its reader sees it: a quoted-printable body decoded (soft line breaks joined, `=XX` bytes
/// restored) and read as UTF-8.
fn decoded(message: &str) -> String {
    let joined = message.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// The event details of a delega, by kind.
async fn event_detail(app: &TestApp, delega: i64, kind: &str) -> String {
    sqlx::query_scalar("SELECT detail FROM delega_events WHERE delega_id = $1 AND kind = $2 ORDER BY id DESC")
        .bind(delega)
        .bind(kind)
        .fetch_one(app.db.pool())
        .await
        .expect("event")
}

async fn set_dates(app: &TestApp, id: i64, from: chrono::NaiveDate, until: Option<chrono::NaiveDate>) {
    sqlx::query("UPDATE deleghe SET valid_from = $1, valid_until = $2 WHERE id = $3")
        .bind(from.format("%Y-%m-%d").to_string())
        .bind(until.map(|u| u.format("%Y-%m-%d").to_string()))
        .bind(id)
        .execute(app.db.pool())
        .await
        .expect("dates");
}

/// A delega with an end date: the PEC and the form state services, delegante and period; it shows among
/// those expiring; a renewal goes by a new PEC + OTP and starts the day after; at the end date the delega is
/// scaduta by itself and reaches nothing from then on.
async fn duration_and_renewal(app: TestApp) {
    let sink = MailSink::start();
    let giuseppe = app.login_as(Role::Intermediario).await;
    let ente = "Azienda Ospedaliera San Luca";
    let (code, _, rep) = ente_data(&app, ente).await;
    let gestione = gestione_of(&app, ente).await;
    let today = app::domain::time::rome_date(chrono::Utc::now().timestamp());
    let end = today + chrono::Days::new(10);
    let it = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();

    let form = with(
        &request_form(&app, ente).await,
        &[("servizi[1]", "malattia_attestati"), ("dal", &iso(today)), ("al", &iso(end))],
    );
    let (status, location, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &pairs(&form)).await;
    assert_eq!(status, 200, "{body}");
    let id = id_from(&location);

    // The PEC names the delegante, the services and the period.
    deliver(&app, &sink).await;
    let pec = decoded(&mails(&sink).pop().expect("the PEC"));
    for expected in [
        format!("Delegante indicato: Carla Gialli, codice fiscale {rep}"),
        "Servizi delegati: Gestione contributiva dipendenti pubblici; Malattia – consultazione attestati".to_string(),
        format!("Durata della delega: dal {} al {}", it(today), it(end)),
    ] {
        assert!(pec.contains(&expected), "missing {expected:?} in {pec}");
    }
    // So does the form (the PDF prints the stored form: see `ssr::pdf` tests).
    let form_json: String = sqlx::query_scalar("SELECT form_json FROM delega_evidence WHERE delega_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("form");
    let stored: Value = serde_json::from_str(&form_json).expect("json");
    assert_eq!(stored["legal_rep_nome"], "Carla");
    assert_eq!(stored["legal_rep_cognome"], "Gialli");
    assert_eq!(stored["period"], format!("dal {} al {}", it(today), it(end)));
    assert_eq!(stored["services"][1], "Malattia – consultazione attestati");
    let res = giuseppe
        .get(app.url(&format!("/deleghe/{id}/modulo.pdf")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);

    let (status, body) = activate(&app, &giuseppe, id, &last_otp(&sink), true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &giuseppe, &code).await, 200);
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.valid_until, Some(end));
    assert_eq!(d.delega.services, [gestione, "malattia_attestati"]);
    assert_eq!(d.delegante.as_ref().expect("delegante").nome, "Carla");
    assert!(d.can_renew);
    // Evidence kept five years from the end.
    assert_eq!(
        d.evidence.as_ref().expect("evidence").retain_until,
        Some(app::domain::profili::evidence_retained_until(end)),
        "five years from the end date"
    );
    // Among the deleghe expiring within 30 days.
    let expiring: Vec<DelegaId> = deleghe_page(&app, &giuseppe).await.expiring.iter().map(|r| r.id).collect();
    assert!(expiring.contains(&DelegaId(id)), "{expiring:?}");

    // Anna, Giuseppe's employee, is sub-delegated on it.
    let anna = app.login_as(Role::Subdelegato).await;
    let (status, _, body) = submit(
        &app,
        &giuseppe,
        "/api/deleghe/subdelega",
        &[("id", &id.to_string()), ("codice_fiscale", &cf_of(Role::Subdelegato))],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &anna, &code).await, 200);

    // Renewal: the delegante must be a person; then a new request, PEC and OTP from the day after the end.
    let renewal = |rep: String, until: String| {
        vec![
            ("id", id.to_string()),
            ("codice_fiscale_rappresentante", rep),
            ("nome_rappresentante", "Carla".to_string()),
            ("cognome_rappresentante", "Gialli".to_string()),
            ("al", until),
            ("password", app::ssr::demo::DEMO_PASSWORD.to_string()),
        ]
    };
    let pairs_of = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let ente_cf: String = sqlx::query_scalar("SELECT codice_fiscale FROM enti WHERE denominazione = $1")
        .bind(ente)
        .fetch_one(app.db.pool())
        .await
        .expect("cf");
    let bad = pairs_of(&renewal(ente_cf, String::new()));
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/rinnovo", &pairs(&bad)).await;
    assert_eq!(status, 400);
    assert!(body.contains("persona fisica"), "{body}");
    let new_end = end + chrono::Days::new(365);
    let good = pairs_of(&renewal(rep.clone(), iso(new_end)));
    let before = sink.messages().len();
    let (status, location, body) = submit(&app, &giuseppe, "/api/deleghe/rinnovo", &pairs(&good)).await;
    assert_eq!(status, 200, "{body}");
    assert!(location.ends_with("?esito=rinnovo"), "{location}");
    let renewed = id_from(&location);
    deliver(&app, &sink).await;
    assert_eq!(sink.messages().len(), before + 1, "a new PEC");
    let reference: String =
        serde_json::from_str::<Value>(&form_json).expect("json")["reference"].as_str().expect("reference").into();
    let pec = decoded(&mails(&sink).pop().expect("the renewal PEC"));
    assert!(pec.contains(&format!("rinnova la delega {reference}")), "{pec}");
    let r = detail(&app, &giuseppe, renewed).await;
    assert_eq!(r.delega.status, StatoDelega::InAttesa);
    assert_eq!(r.delega.valid_from, end + chrono::Days::new(1));
    assert_eq!(r.delega.valid_until, Some(new_end));
    assert_eq!(r.delega.renews_id, Some(DelegaId(id)));
    assert_eq!(r.delega.services, [gestione, "malattia_attestati"], "the same services");
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.renewal_id, Some(DelegaId(renewed)));
    assert!(!d.can_renew);
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/rinnovo", &pairs(&good)).await;
    assert_eq!(status, 400, "one renewal at a time");
    assert!(body.contains("già stato richiesto"), "{body}");
    let (status, body) = activate(&app, &giuseppe, renewed, &last_otp(&sink), true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(detail(&app, &giuseppe, renewed).await.delega.valid_from, end + chrono::Days::new(1));
    // Anna's sub-delega continues under the renewal, from its first day.
    let continued: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, valid_from FROM deleghe WHERE parent_id = $1 AND kind = 'subdelega'")
            .bind(renewed)
            .fetch_all(app.db.pool())
            .await
            .expect("subdeleghe");
    assert_eq!(continued.len(), 1);
    assert_eq!(continued[0].1, iso(end + chrono::Days::new(1)));

    // Time passes: the first delega ended yesterday and the renewal starts tomorrow. The first is scaduta by
    // itself (nothing rewritten), reaches nothing, cannot be revoked; the renewal does not reach yet.
    let yesterday = today - chrono::Days::new(1);
    set_dates(&app, id, today - chrono::Days::new(30), Some(yesterday)).await;
    set_dates(&app, renewed, today + chrono::Days::new(1), Some(new_end)).await;
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404, "an expired delega reaches nothing");
    assert_eq!(reaches(&app, &anna, &code).await, 404, "nor do its sub-deleghe");
    let stored: String = sqlx::query_scalar("SELECT status FROM deleghe WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("s");
    assert_eq!(stored, "attiva", "no job rewrote it: the date decides at each request");
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d.delega.status, StatoDelega::Scaduta);
    assert!(!d.can_revoke);
    assert!(!d.can_renew);
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/revoca", &[("id", &id.to_string())]).await;
    assert_eq!(status, 400, "{body}");
    let (_, body) = app.call(&giuseppe, "/api/cassetto/ricerca", json!({"testo": "San Luca", "pagina": 0})).await;
    assert!(!body.contains(&code), "not in the Ricerca: {body}");
    // The renewal's first day comes: reach is back.
    set_dates(&app, renewed, today, Some(new_end)).await;
    assert_eq!(reaches(&app, &giuseppe, &code).await, 200, "the renewal reaches from its first day");
    sqlx::query("UPDATE deleghe SET valid_from = $1 WHERE id = $2")
        .bind(iso(today))
        .bind(continued[0].0)
        .execute(app.db.pool())
        .await
        .expect("sub");
    assert_eq!(reaches(&app, &anna, &code).await, 200, "and so does the sub-delega continued under it");
    let (_, body) = app.call(&giuseppe, "/api/cassetto/ricerca", json!({"testo": "San Luca", "pagina": 0})).await;
    assert!(body.contains(&code), "{body}");
}

both_backends!(a_delega_has_a_duration_expires_and_is_renewed, duration_and_renewal);

/// The delegante, the services and the period are checked; a refusal saves nothing.
async fn request_checks(app: TestApp) {
    let giuseppe = app.login_as(Role::Intermediario).await;
    let ente = "Azienda Ospedaliera San Luca";
    let full = request_form(&app, ente).await;
    let (_, ente_cf, _) = ente_data(&app, ente).await;
    let today = app::domain::time::rome_date(chrono::Utc::now().timestamp());
    let yesterday = (today - chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let next_week = (today + chrono::Days::new(7)).format("%Y-%m-%d").to_string();
    let other = if gestione_of(&app, ente).await == "gc_pubblici" { "gc_privati" } else { "gc_pubblici" };
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    let cases: Vec<(Vec<(&'static str, &str)>, &str)> = vec![
        (vec![("codice_fiscale_rappresentante", &ente_cf)], "deve essere quello di una persona fisica (16 caratteri)"),
        (vec![("codice_fiscale_rappresentante", "12345678901")], "un codice di 11 cifre è di un ente"),
        (vec![("nome_rappresentante", "")], "Indichi nome e cognome del legale rappresentante"),
        (vec![("cognome_rappresentante", "R0ssi")], "Indichi nome e cognome del legale rappresentante"),
        (vec![("servizi[0]", "")], "Servizio delegato non riconosciuto"),
        (vec![("servizi[0]", other)], "non riguarda"),
        (vec![("dal", &yesterday)], "non può decorrere da una data passata"),
        (vec![("dal", &next_week), ("al", &yesterday)], "precede quella di inizio"),
        (vec![("al", "31/02/2030")], "data di fine della delega non è valida"),
    ];
    for (changes, message) in cases {
        let form = with(&full, &changes);
        let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &pairs(&form)).await;
        assert_eq!(status, 400, "{changes:?}: {body}");
        assert!(body.contains(message), "{changes:?}: expected {message:?} in {body}");
    }
    // No service ticked at all.
    let none: Vec<(&'static str, String)> = full.iter().filter(|(k, _)| *k != "servizi[0]").cloned().collect();
    let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &pairs(&none)).await;
    assert_eq!(status, 400);
    assert!(body.contains("Indichi almeno un servizio delegato"), "{body}");
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    assert_eq!(before, after, "nothing saved");
}

both_backends!(the_delegante_services_and_period_are_checked, request_checks);

/// Enablements from before the cut-over (circular §2a-b): the datore ↔ Ente links and the deleghe in force
/// are imported whole, line by line, and work at once over HTTP, without PEC nor OTP; a second run changes
/// nothing; one bad line imports nothing.
async fn imported_enablements(app: TestApp) {
    use app::ssr::profili::{ImportFiles, import_enablements};
    let today = app::domain::time::rome_date(chrono::Utc::now().timestamp());
    // A datore not yet linked to any Ente, registered as the operators register users.
    let carla_cf = app::domain::codice_fiscale::CodiceFiscale::with_check("GLLCRL70A41H501").expect("cf");
    app::ssr::identity::add_user(
        &app.db,
        &app::ssr::identity::NewUser {
            codice_fiscale: carla_cf.as_str(),
            full_name: "Carla Gialli",
            role: Role::Datore,
            email: None,
            sede_id: None,
            employer_user_id: None,
            password: app::ssr::demo::DEMO_PASSWORD,
            totp_secret: &app::ssr::demo::demo_totp_secret(carla_cf.as_str()),
        },
    )
    .await
    .expect("user");
    let (galilei, galilei_cf, _) = ente_data(&app, "Istituto Tecnico Galilei").await;
    let serralunga = app.position_of("Comune di Serralunga").await;
    let (giuseppe_cf, laura_cf) = (cf_of(Role::Intermediario), cf_of(Role::Delegato));
    let enti =
        format!("codice_fiscale_ente,codice_fiscale_datore,ambito\n{galilei_cf},{},gc_pubblici\n", carla_cf.as_str());
    let deleghe = format!(
        "tipo,posizione,codice_fiscale_delegato,dal,al,servizi\n\
         intermediario,{serralunga},{giuseppe_cf},2022-03-01,,gc_pubblici;malattia_visita\n\
         dipendente,{galilei},{laura_cf},01/09/2021,{},\n",
        (today + chrono::Days::new(200)).format("%Y-%m-%d")
    );

    let carla = app.login(carla_cf.as_str()).await;
    let giuseppe = app.login_as(Role::Intermediario).await;
    let laura = app.login_as(Role::Delegato).await;
    for (client, code) in [(&carla, &galilei), (&giuseppe, &serralunga), (&laura, &galilei)] {
        assert_eq!(reaches(&app, client, code).await, 404, "nothing before the import");
    }

    // One bad line (an Ente's code as the delegate, a missing service list): refused whole, each line reported.
    let bad = format!(
        "{deleghe}intermediario,{serralunga},{galilei_cf},2022-03-01,,gc_pubblici\n\
         intermediario,{galilei},{giuseppe_cf},2022-03-01,,\n"
    );
    let files = ImportFiles { profili: None, enti: Some(("enti.csv", &enti)), deleghe: Some(("deleghe.csv", &bad)) };
    let report = import_enablements(&app.db, files, today).await.expect("import").expect_err("refused");
    assert_eq!(report.len(), 5, "{report:?}");
    assert!(
        report[0].starts_with("enti.csv riga 2: abilitazione") && report[0].ends_with("corretta, non importata"),
        "{report:?}"
    );
    assert!(report[3].starts_with("deleghe.csv riga 4: ERRORE:") && report[3].contains("persona fisica"), "{report:?}");
    assert!(
        report[4].starts_with("deleghe.csv riga 5: ERRORE:") && report[4].contains("almeno un servizio"),
        "{report:?}"
    );
    let linked: Option<i64> = sqlx::query_scalar("SELECT datore_user_id FROM enti WHERE codice_fiscale = $1")
        .bind(&galilei_cf)
        .fetch_one(app.db.pool())
        .await
        .expect("ente");
    assert_eq!(linked, None, "nothing written");

    let files =
        ImportFiles { profili: None, enti: Some(("enti.csv", &enti)), deleghe: Some(("deleghe.csv", &deleghe)) };
    let report = import_enablements(&app.db, files, today).await.expect("import").expect("imported");
    assert_eq!(report.len(), 3, "{report:?}");
    assert!(report.iter().all(|l| l.ends_with(": importata")), "{report:?}");
    // A second run: the same lines, already there.
    let report = import_enablements(&app.db, files, today).await.expect("import").expect("idempotent");
    assert!(report.iter().all(|l| l.ends_with("già presente")), "{report:?}");
    let imported: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe WHERE origin = 'importazione'")
        .fetch_one(app.db.pool())
        .await
        .expect("n");
    assert_eq!(imported, 2);

    // From day one, over HTTP: the datore reaches his Ente, the intermediary and the employee theirs.
    for (client, code) in [(&carla, &galilei), (&giuseppe, &serralunga), (&laura, &galilei)] {
        assert_eq!(reaches(&app, client, code).await, 200, "{code}");
    }
    // Without PEC nor OTP: no message was queued, no evidence of a form; the delega says where it came from.
    let pec: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox o JOIN deleghe d ON d.id = o.delega_id WHERE d.origin = 'importazione'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("n");
    assert_eq!(pec, 0);
    let held = deleghe_page(&app, &giuseppe).await.held;
    let row = held.into_iter().find(|r| r.position_code == serralunga).expect("the imported delega");
    assert!(row.imported);
    assert_eq!(row.status, StatoDelega::Attiva);
    assert_eq!(row.valid_from, chrono::NaiveDate::from_ymd_opt(2022, 3, 1).expect("date"));
    let d = detail(&app, &giuseppe, row.id.0).await;
    assert_eq!(event_kinds(&d)[0], "importata");
    assert_eq!(d.delegante, None);
    assert!(event_detail(&app, row.id.0, "importata").await.contains("non si ripete"));
}

both_backends!(imported_enablements_work_from_day_one, imported_enablements);
