//! Gestione Deleghe and profiles end to end over HTTP, on both backends: the intermediary's PEC + OTP
//! flow against the real SMTP sink, OTP limits, a bounced PEC, the datore's deleghe and the SC62 rule,
//! profile requests and their decision, IDM enablement, sub-deleghe, the transitional period and the
//! audit chain.

mod common;

use app::model::Role;
use app::ssr::audit::{self, Verification};
use app::ssr::ctx::Settings;
use app::ssr::outbox::{self, MailSettings};
use common::mail_sink::MailSink;
use common::{Backend, TestApp, cf_of};
use serde_json::{Value, json};

/// Posts a form as the hydrated page does (no `Accept: text/html`): success answers with the redirect
/// target in `Location`, a refusal with its status and the error as JSON.
async fn submit(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = client.post(app.url(path)).header("Origin", &app.base).form(form).send().await.expect("request");
    let status = res.status().as_u16();
    let location = common::location(&res);
    (status, location, res.text().await.unwrap_or_default())
}

fn mail(sink: &MailSink) -> MailSettings {
    MailSettings {
        smtp_url: sink.url(),
        from_email: "noreply@cassetto.test".into(),
        from_pec: "cassetto@pec.cassetto.test".into(),
        pec_provider: "pec.cassetto.test".into(),
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

async fn request_delega(app: &TestApp, client: &reqwest::Client, ente: &str) -> i64 {
    let (code, cf, rep) = ente_data(app, ente).await;
    let (status, location, body) = submit(
        app,
        client,
        "/api/deleghe/intermediario",
        &[
            ("posizione", &code),
            ("codice_fiscale_ente", &cf),
            ("codice_fiscale_rappresentante", &rep),
            ("password", app::ssr::seed::DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let id = location.strip_prefix("/deleghe/").and_then(|r| r.split('?').next()).expect("redirect to the delega");
    id.parse().expect("delega id")
}

async fn detail(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    let (status, body) = app.call(client, "/api/deleghe/dettaglio", json!({"id": id})).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("json")
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
    let (code, ente_cf, rep) = ente_data(&app, ente).await;
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404, "no delega yet");

    // Re-authentication and matching Ente data are required; a refusal saves nothing.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    let refused = [
        (rep.clone(), "Sbagliata.Password.1", "Password non corretta"),
        (cf_of(Role::Datore), app::ssr::seed::DEMO_PASSWORD, "non corrispondono"),
    ];
    for (rep, password, message) in refused {
        let form = [
            ("posizione", code.as_str()),
            ("codice_fiscale_ente", ente_cf.as_str()),
            ("codice_fiscale_rappresentante", rep.as_str()),
            ("password", password),
        ];
        let (status, _, body) = submit(&app, &giuseppe, "/api/deleghe/intermediario", &form).await;
        assert_eq!(status, 400);
        assert!(body.contains(message), "{body}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe").fetch_one(app.db.pool()).await.expect("count");
    assert_eq!(before, after);

    let id = request_delega(&app, &giuseppe, ente).await;
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d["delega"]["status"], "in_attesa");
    assert_eq!(d["can_activate"], true);
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
    let franca = app.login(&common::cf_of_name("Franca Marino")).await;
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
    let kinds: Vec<&str> =
        d["events"].as_array().expect("events").iter().map(|e| e["kind"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds, ["richiesta", "otp_inviato", "otp_errato", "attivata"]);
    let receipts: Vec<&str> =
        d["evidence"]["receipts"].as_array().expect("receipts").iter().map(|r| r[0].as_str().unwrap_or("")).collect();
    assert_eq!(receipts, ["accettazione", "avvenuta_consegna"]);
    assert!(d["evidence"]["activated_at"].is_i64());
    assert_eq!(d["can_revoke"], true, "the Ente's datore may revoke");

    // The Ente revokes: the intermediary loses access at the next request; evidence is kept five years.
    let (status, _, body) = submit(&app, &franca, "/api/deleghe/revoca", &[("id", &id.to_string())]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reaches(&app, &giuseppe, &code).await, 404);
    let d = detail(&app, &giuseppe, id).await;
    assert_eq!(d["delega"]["status"], "revocata");
    let retain = d["evidence"]["retain_until"].as_str().expect("retain_until");
    let today = app::domain::time::rome_date(chrono::Utc::now().timestamp());
    assert_eq!(retain, app::domain::profile::evidence_retained_until(today).format("%Y-%m-%d").to_string());
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
    assert_eq!(d["delega"]["pec_state"], "mancata_consegna");
    let receipts: Vec<&str> =
        d["evidence"]["receipts"].as_array().expect("receipts").iter().map(|r| r[0].as_str().unwrap_or("")).collect();
    assert!(receipts.contains(&"errore_consegna"), "{receipts:?}");
}

both_backends!(a_bounced_pec_shows_on_the_delega, bounced_pec);

async fn datore_flow(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let marco_cf = common::cf_of_name("Marco Esposito");
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
    let (_, body) = app.call(&marco, "/api/deleghe", json!({})).await;
    let overview: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(overview["held"][0]["usable"], false);

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
    let (_, body) = app.call(&mario, "/api/deleghe", json!({})).await;
    let overview: Value = serde_json::from_str(&body).expect("json");
    let delega = overview["on_my_positions"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|d| d["grantee_cf"] == marco_cf.as_str())
        .expect("Marco's delega");
    let id = delega["id"].as_i64().expect("id").to_string();
    let (status, _, _) = submit(&app, &mario, "/api/deleghe/revoca", &[("id", &id)]).await;
    assert_eq!(status, 200);
    assert_eq!(reaches(&app, &marco, &code).await, 404);
    // Marco, the grantee, may not revoke (nor re-revoke) it.
    let (status, _, _) = submit(&app, &marco, "/api/deleghe/revoca", &[("id", &id)]).await;
    assert_eq!(status, 403);
}

both_backends!(datore_delegates_employee_usable_with_sc62, datore_flow);

async fn profile_requests(app: TestApp) {
    let marco_cf = common::cf_of_name("Marco Esposito");
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
    let franca_cf = common::cf_of_name("Franca Marino");
    let (_, body) = app.call(&paolo, "/api/backoffice/richieste-profilo", json!({})).await;
    let queue: Value = serde_json::from_str(&body).expect("json");
    let forms: Vec<&str> = queue.as_array().expect("q").iter().map(|r| r["form"].as_str().unwrap_or("")).collect();
    assert!(forms.contains(&"SC62") && forms.contains(&"RA012"), "{forms:?}");
    let franca_req = queue
        .as_array()
        .expect("q")
        .iter()
        .find(|r| r["requester_cf"] == franca_cf.as_str())
        .expect("Franca's request")["id"]
        .as_i64()
        .expect("id")
        .to_string();
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
    let (_, body) = app.call(&franca, "/api/profilo", json!({})).await;
    let profile: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(profile["requests"][0]["status"], "respinta");
    assert_eq!(profile["requests"][0]["reason"], "Documento di identità scaduto");
    assert_eq!(profile["cutover"], "2023-07-16");

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
            password: app::ssr::seed::DEMO_PASSWORD,
            totp_secret: &app::ssr::seed::demo_totp_secret(other_cf.as_str()),
        },
    )
    .await
    .expect("user");
    let giovanni = app.login(other_cf.as_str()).await;
    let (_, body) = app.call(&giovanni, "/api/backoffice/richieste-profilo", json!({})).await;
    assert_eq!(body, "[]");
    let marco_req =
        queue.as_array().expect("q").iter().find(|r| r["requester_cf"] == marco_cf.as_str()).expect("Marco's request")
            ["id"]
            .as_i64()
            .expect("id")
            .to_string();
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
            &[("codice_fiscale", &paolo_cf), ("password", app::ssr::seed::DEMO_PASSWORD)],
        )
        .await;
    // A disabled account answers exactly as a wrong password (no confirmation that the password was right).
    assert_eq!(common::location(&res), "/accesso?errore=credenziali");
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
    let (_, body) = app.call(&mario, "/api/deleghe", json!({})).await;
    let overview: Value = serde_json::from_str(&body).expect("json");
    let active = overview["on_my_positions"].as_array().expect("rows").iter().find(|d| d["status"] == "attiva");
    let id = active.expect("an active delega")["id"].as_i64().expect("id").to_string();
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
    let (code, cf, rep) = ente_data(&app, "Azienda Ospedaliera San Luca").await;
    let (status, _, body) = submit(
        &app,
        &giuseppe,
        "/api/deleghe/intermediario",
        &[
            ("posizione", &code),
            ("codice_fiscale_ente", &cf),
            ("codice_fiscale_rappresentante", &rep),
            ("password", app::ssr::seed::DEMO_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Albo"), "{body}");
}

both_backends!(albo_register_is_imported_whole, albo_import);
