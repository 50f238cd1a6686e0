//! Integration tests through HTTP against the real router, on SQLite and (when configured) PostgreSQL.

use std::collections::BTreeSet;

use crate::common::{Backend, TestApp, cf_of, location};
use app::model::{Role, SearchResult};
use app::ssr::ctx::Settings;
use app::ssr::demo::DEMO_PASSWORD;
use serde_json::json;

/// The names of the Enti whose positions the Ricerca lists for `client`.
async fn ricerca(app: &TestApp, client: &reqwest::Client, testo: &str) -> SearchResult {
    app.load(client, "/api/cassetto/ricerca", json!({"testo": testo, "pagina": 0})).await
}

async fn ricerca_names(app: &TestApp, client: &reqwest::Client) -> (BTreeSet<String>, i64) {
    let found = ricerca(app, client, "").await;
    (found.rows.into_iter().map(|r| r.denominazione).collect(), found.total)
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

both_backends!(ricerca_lists_exactly_the_reachable_positions, |app: TestApp| async move {
    let datore = app.login_as(Role::Datore).await;
    let (names, total) = ricerca_names(&app, &datore).await;
    assert_eq!(
        names,
        set(&[
            "Comune di Roccaverde",
            "Comune di Valfiorita",
            "Istituto Comprensivo Leonardo",
            "Officine Meccaniche Bianchi S.r.l."
        ])
    );
    assert_eq!(total, 5, "Roccaverde has two positions");

    let delegato = app.login_as(Role::Delegato).await;
    assert_eq!(ricerca_names(&app, &delegato).await, (set(&["Comune di Roccaverde"]), 1));

    // Active deleghe on Enti 3-6; the revoked (Borgo San Vito) and the pending one (Camera di Commercio) drop out.
    let intermediario = app.login_as(Role::Intermediario).await;
    assert_eq!(
        ricerca_names(&app, &intermediario).await,
        (
            set(&[
                "Azienda Sanitaria Locale Roma 9",
                "Università degli Studi di Castelmare",
                "Comune di Pietrascura",
                "Provincia di Monteleone"
            ]),
            4
        )
    );

    // The sub-delega under the revoked delega does not count.
    let subdelegato = app.login_as(Role::Subdelegato).await;
    assert_eq!(
        ricerca_names(&app, &subdelegato).await,
        (set(&["Azienda Sanitaria Locale Roma 9", "Università degli Studi di Castelmare"]), 2)
    );

    // Search by name, codice fiscale and position code narrows the same set.
    let names: BTreeSet<String> =
        ricerca(&app, &datore, "valfio").await.rows.into_iter().map(|r| r.denominazione).collect();
    assert!(names.contains("Comune di Valfiorita") && !names.iter().any(|n| n.contains("Roccaverde")), "{names:?}");
    let code = app.position_of("Officine Meccaniche Bianchi S.r.l.").await;
    let found = ricerca(&app, &datore, &code).await;
    assert_eq!((found.total, found.rows.len()), (1, 1), "{found:?}");
    assert_eq!(
        (found.rows[0].code.as_str(), found.rows[0].denominazione.as_str()),
        (code.as_str(), "Officine Meccaniche Bianchi S.r.l.")
    );
    // A foreign Ente is not found even by its exact code.
    let foreign = app.position_of("Camera di Commercio di Lagomaggiore").await;
    let found = ricerca(&app, &datore, &foreign).await;
    assert_eq!(found.total, 0, "{found:?}");
    assert!(found.rows.is_empty());
});

both_backends!(revoking_a_delega_takes_effect_at_the_next_request, |app: TestApp| async move {
    let code = app.position_of("Comune di Pietrascura").await;
    let intermediario = app.login_as(Role::Intermediario).await;
    let body = json!({"posizione": code});
    assert_eq!(app.call(&intermediario, "/api/cassetto/posizione", body.clone()).await.0, 200);
    sqlx::query(
        "UPDATE deleghe SET status = 'revocata' WHERE position_id = (SELECT id FROM positions WHERE code = $1)",
    )
    .bind(&code)
    .execute(app.db.pool())
    .await
    .expect("revoke");
    assert_eq!(app.call(&intermediario, "/api/cassetto/posizione", body).await.0, 404);
});

both_backends!(revoking_the_parent_delega_revokes_the_subdelega, |app: TestApp| async move {
    let code = app.position_of("Azienda Sanitaria Locale Roma 9").await;
    let sub = app.login_as(Role::Subdelegato).await;
    let body = json!({"posizione": code});
    assert_eq!(app.call(&sub, "/api/cassetto/posizione", body.clone()).await.0, 200);
    sqlx::query("UPDATE deleghe SET status = 'revocata' WHERE kind = 'intermediario' AND position_id = (SELECT id FROM positions WHERE code = $1)")
        .bind(&code)
        .execute(app.db.pool())
        .await
        .expect("revoke");
    assert_eq!(app.call(&sub, "/api/cassetto/posizione", body).await.0, 404);
});

both_backends!(section_filters_sorting_paging_and_totals, |app: TestApp| async move {
    let code = app.position_of("Comune di Valfiorita").await;
    let datore = app.login_as(Role::Datore).await;
    let call = |query: serde_json::Value| {
        let app = &app;
        let datore = &datore;
        let code = code.clone();
        async move {
            let (status, body) = app
                .call(
                    datore,
                    "/api/cassetto/sezione",
                    json!({"posizione": code, "section": "Versamenti", "parent": null, "query": query}),
                )
                .await;
            (status, serde_json::from_str::<serde_json::Value>(&body).unwrap_or(serde_json::Value::String(body)))
        }
    };
    let (status, all) = call(json!({})).await;
    assert_eq!(status, 200);
    let total_rows = all["table"]["total_rows"].as_i64().expect("total");
    let expected: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM versamenti v JOIN positions p ON p.id = v.position_id WHERE p.code = $1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(total_rows, expected);
    assert_eq!(all["table"]["rows"].as_array().expect("rows").len(), 20, "one page");

    // Filter by causale and a date range; the total is the sum of exactly those rows.
    let (_, filtered) = call(json!({"filters": {"causale": "P708", "dal": "2024-01-01", "al": "2024-12-31"}, "sort": "importo", "desc": true})).await;
    let sum: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(v.amount_cents) AS BIGINT) FROM versamenti v JOIN positions p ON p.id = v.position_id \
         WHERE p.code = $1 AND v.causale = 'P708' AND v.paid_on BETWEEN '2024-01-01' AND '2024-12-31'",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("sum");
    assert_eq!(filtered["table"]["total_rows"], 12);
    assert_eq!(filtered["table"]["totals"][0][1].as_i64(), Some(sum));
    let amounts: Vec<i64> = filtered["table"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["cells"][5]["Money"].as_i64().expect("money"))
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "sorted descending: {amounts:?}");

    // Paging: the second page continues the first.
    let (_, page1) = call(json!({"page": 1})).await;
    assert_eq!(page1["table"]["page"], 1);
    assert_ne!(page1["table"]["rows"][0], all["table"]["rows"][0]);

    // Bad input: a clear Italian message, status 400.
    let (status, bad) = call(json!({"filters": {"dal": "31/02/2024"}})).await;
    assert_eq!(status, 400);
    assert!(bad.to_string().contains("data non valida"), "{bad}");
    let (status, _) = call(json!({"sort": "amount_cents; DROP TABLE users"})).await;
    assert_eq!(status, 400);
});

both_backends!(child_sections_need_a_parent_of_the_same_position, |app: TestApp| async move {
    let own = app.position_of("Comune di Roccaverde").await;
    let datore = app.login_as(Role::Datore).await;
    let piano_of = |name: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT a.id FROM piani_ammortamento a JOIN positions p ON p.id = a.position_id JOIN enti e ON e.id = p.ente_id WHERE e.denominazione = $1 ORDER BY a.id LIMIT 1")
                .bind(name)
                .fetch_one(app.db.pool())
                .await
                .expect("piano")
        }
    };
    let own_piano = piano_of("Comune di Roccaverde").await;
    let foreign_piano = piano_of("Camera di Commercio di Lagomaggiore").await;
    let body = |parent: i64| json!({"posizione": own, "section": "RatePiano", "parent": parent, "query": {}});
    let (status, ok) = app.call(&datore, "/api/cassetto/sezione", body(own_piano)).await;
    assert_eq!(status, 200, "{ok}");
    let instalments: i64 = sqlx::query_scalar("SELECT instalments FROM piani_ammortamento WHERE id = $1")
        .bind(own_piano)
        .fetch_one(app.db.pool())
        .await
        .expect("n");
    assert!(ok.contains(&format!("\"total_rows\":{instalments}")), "{ok}");
    // A piano of another position, asked under an own position, is not found.
    assert_eq!(app.call(&datore, "/api/cassetto/sezione", body(foreign_piano)).await.0, 404);
});

both_backends!(csv_download_matches_the_page_and_is_authorized, |app: TestApp| async move {
    let own = app.position_of("Comune di Valfiorita").await;
    let foreign = app.position_of("Camera di Commercio di Lagomaggiore").await;
    let datore = app.login_as(Role::Datore).await;
    let res = datore
        .get(app.url(&format!("/esporta/{own}/versamenti?canale=F24EP")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap_or("").starts_with("attachment"));
    // UTF-8 with its byte order mark, so a spreadsheet reads the accents (issue 16 item 13).
    let bytes = res.bytes().await.expect("body");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "no BOM: {:?}", &bytes[..bytes.len().min(8)]);
    let body = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let expected: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM versamenti v JOIN positions p ON p.id = v.position_id WHERE p.code = $1 AND v.channel = 'F24EP'")
        .bind(&own)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(body.lines().count() as i64, expected + 1, "header plus one line per row");
    assert!(body.starts_with("Data versamento;Canale"));
    for path in [
        format!("/esporta/{foreign}/versamenti"),
        "/esporta/not-a-code/versamenti".to_string(),
        format!("/esporta/{own}/rate?padre=1"),
    ] {
        let res = datore.get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get");
        assert_eq!(res.status(), 404, "{path}");
    }
    let anonymous = app
        .client()
        .get(app.url(&format!("/esporta/{own}/versamenti")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(anonymous.status(), 401);
});

both_backends!(login_rotates_the_session_and_logout_ends_it, |app: TestApp| async move {
    let cf = cf_of(Role::Datore);
    let client = app.client();
    let step1 =
        app.post_form(&client, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", DEMO_PASSWORD)]).await;
    let pending_cookie = step1.headers()["set-cookie"].to_str().expect("cookie").to_string();
    // Half-logged-in: no access to the Cassetto yet.
    assert_eq!(app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await.0, 401);
    let code = app.next_totp(&cf).await;
    let step2 = app.post_form(&client, "/api/accesso/codice", &[("codice", &code)]).await;
    assert_eq!(location(&step2), "/cassetto");
    let active_cookie = step2.headers()["set-cookie"].to_str().expect("cookie").to_string();
    assert_ne!(pending_cookie.split(';').next(), active_cookie.split(';').next(), "session id rotated");
    assert_eq!(app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await.0, 200);

    // The same code cannot be used twice.
    let other = app.client();
    app.post_form(&other, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", DEMO_PASSWORD)]).await;
    let reuse = app.post_form(&other, "/api/accesso/codice", &[("codice", &code)]).await;
    assert!(location(&reuse).contains("errore=codice"));

    let token =
        active_cookie.split(';').next().and_then(|kv| kv.split_once('=')).map(|(_, v)| v.to_string()).expect("token");
    let out = app.post_form(&client, "/api/uscita", &[]).await;
    assert!(location(&out).starts_with("/accesso"));
    assert!(out.headers()["set-cookie"].to_str().unwrap_or("").contains("Max-Age=0"));
    // The old cookie, replayed by hand, no longer opens anything: the session is gone on the server.
    let replay = reqwest::Client::new()
        .post(app.url("/api/cassetto/ricerca"))
        .header("cookie", format!("cassetto_session={token}"))
        .json(&json!({"testo": "", "pagina": 0}))
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status(), 401);
});

both_backends!(unknown_user_and_wrong_password_get_the_same_answer_and_accounts_lock, |app: TestApp| async move {
    let client = app.client();
    let unknown = app
        .post_form(
            &client,
            "/api/accesso/password",
            &[("codice_fiscale", "RSSMRA85T10A562S"), ("password", "whatever-password")],
        )
        .await;
    let cf = cf_of(Role::Admin);
    let wrong = app
        .post_form(&client, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", "wrong-password-123")])
        .await;
    assert_eq!(location(&unknown), location(&wrong));
    assert_eq!(location(&wrong), "/accesso?errore=credenziali");
    for _ in 0..4 {
        app.post_form(&client, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", "wrong-password-123")])
            .await;
    }
    // Throttled now (this account from this address): even the right password is refused, unchecked, with the
    // throttle's message (the same for an unknown account: see login.rs for the attacks on the throttle).
    let locked =
        app.post_form(&client, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(location(&locked), "/accesso?errore=attesa");
    let malformed = app
        .post_form(
            &client,
            "/api/accesso/password",
            &[("codice_fiscale", "RSSMRA85T10A562X"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(location(&malformed), "/accesso?errore=formato");
});

both_backends!(idle_sessions_expire, |app: TestApp| async move {
    let client = app.login_as(Role::Datore).await;
    assert_eq!(app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await.0, 200);
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 1900").execute(app.db.pool()).await.expect("age");
    assert_eq!(app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await.0, 401);
});

both_backends!(post_login_redirect_stays_on_this_site, |app: TestApp| async move {
    let cf = cf_of(Role::Datore);
    let client = app.client();
    for (next, expected) in [
        ("/cassetto/x", "/accesso/codice?next=%2Fcassetto%2Fx"),
        ("//evil.example", "/accesso/codice"),
        ("https://evil.example", "/accesso/codice"),
        ("/cassetto\r\nSet-Cookie: x=1", "/accesso/codice"),
    ] {
        let res = app
            .post_form(
                &client,
                "/api/accesso/password",
                &[("codice_fiscale", &cf), ("password", DEMO_PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(location(&res), expected, "{next}");
    }
});

#[tokio::test]
async fn session_cookie_has_the_secure_flags_outside_development() {
    let Some(app) = TestApp::spawn_with(
        Backend::Sqlite,
        Settings { demo_mode: false, secure_cookies: true, ..Settings::development() },
    )
    .await
    else {
        return;
    };
    let client = app.client();
    let res = app
        .post_form(
            &client,
            "/api/accesso/password",
            &[("codice_fiscale", &cf_of(Role::Datore)), ("password", DEMO_PASSWORD)],
        )
        .await;
    let cookie = res.headers()["set-cookie"].to_str().expect("cookie");
    assert!(cookie.starts_with("__Host-cassetto_session="), "{cookie}");
    for flag in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    // Demo codes are never shown outside demo mode.
    let (status, body) = app.call(&client, "/api/accesso/codice-demo", json!({})).await;
    assert_eq!((status, body.as_str()), (200, "null"));
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let client = app.client();
    let form = [("codice_fiscale", cf_of(Role::Datore)), ("password", DEMO_PASSWORD.to_string())];
    let evil_origin = client
        .post(app.url("/api/accesso/password"))
        .header("Origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(evil_origin.status(), 403);
    let cross_site = client
        .post(app.url("/api/accesso/password"))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(cross_site.status(), 403);
    let same = client
        .post(app.url("/api/accesso/password"))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Accept", "text/html")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(same.status(), 302);
}

#[tokio::test]
async fn pages_carry_security_headers_and_oversized_bodies_are_refused() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let res = app.client().get(app.url("/accesso")).send().await.expect("get");
    assert_eq!(res.status(), 200);
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'nonce-"), "{csp}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.contains_key("strict-transport-security") && h.contains_key("referrer-policy"));
    let big = "x".repeat(200 * 1024);
    let res = app
        .client()
        .post(app.url("/api/accesso/password"))
        .header("Origin", &app.base)
        .form(&[("codice_fiscale", big.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 413);
    let health = app.client().get(app.url("/healthz")).send().await.expect("get");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn anonymous_visitors_of_protected_pages_are_sent_to_the_login() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let res = app.client().get(app.url("/cassetto?testo=x")).header("Accept", "text/html").send().await.expect("get");
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/accesso?next=%2Fcassetto%3Ftesto%3Dx");
}

// The ECA calculator over the stored rates: a hand-worked case, a nota of another position refused, and
// a rate the administrator adds changes the result from its day on.
both_backends!(sanctions_follow_the_stored_rates, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let compute = |filters: serde_json::Value| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move {
            let (status, body) = app
                .call(mario, "/api/cassetto/sanzioni-eca", json!({"posizione": code, "query": {"filters": filters}}))
                .await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str::<serde_json::Value>(&body).expect("json")
        }
    };
    let case =
        json!({"contributo": "10.000,00", "scadenza": "2025-03-16", "pagamento": "2025-05-16", "regime": "omissione"});
    let v = compute(case.clone()).await;
    assert_eq!(v["calcolo"]["totale"], 13_456, "{v}");
    assert_eq!(v["calcolo"]["righe"].as_array().map(Vec::len), Some(2));

    // A nota ECA of a position Mario does not reach is not offered, and naming it is refused.
    let foreign: i64 = sqlx::query_scalar(
        "SELECT n.id FROM note_debito_eca n JOIN positions p ON p.id = n.position_id WHERE p.code <> $1 ORDER BY n.id LIMIT 1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("nota");
    let v = compute(json!({"nota": foreign.to_string(), "pagamento": "2025-05-16", "regime": "omissione"})).await;
    assert!(v["errore"].as_str().unwrap_or_default().contains("non è di questa posizione"), "{v}");
    assert!(v["calcolo"].is_null());

    // TUR down to 1,00 % from 1/5/2025: the last 16 days now run at 6,50 %.
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf_of(Role::Admin))
        .fetch_one(app.db.pool())
        .await
        .expect("admin");
    let day = chrono::NaiveDate::from_ymd_opt(2025, 5, 1).expect("date");
    app::ssr::sanzioni::save_tasso(
        &app.db,
        admin,
        app::ssr::sanzioni::TipoTasso::Tur,
        day,
        app::domain::sanzioni::Tasso(10_000),
        0,
    )
    .await
    .expect("tasso");
    let v = compute(case).await;
    // 10000 × (8,15 % × 37 + 7,90 % × 8 + 6,50 % × 16) / 365 = 82,6164 + 17,3151 + 28,4932 = 128,4247.
    assert_eq!(v["calcolo"]["totale"], 12_842, "{v}");
    assert_eq!(v["calcolo"]["righe"].as_array().map(Vec::len), Some(3));
});

// The reduced evasione regimes (issue 15 item 16): the form's date of the spontaneous declaration decides
// them. 30 days from the declaration TUR + 5,5, the 31st day TUR + 7,5, a declaration past 12 months the
// ordinary 30 %, each change said; no date, or an impossible one, is a message and no computation. And the
// rates of mora of migration 0029: past the cap, 2,68 % from 01/07/2019, with the note that it is old.
both_backends!(evasione_reductions_check_the_declaration_dates, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let compute = |filters: serde_json::Value| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move {
            let (status, body) = app
                .call(mario, "/api/cassetto/sanzioni-eca", json!({"posizione": code, "query": {"filters": filters}}))
                .await;
            assert_eq!(status, 200, "{body}");
            serde_json::from_str::<serde_json::Value>(&body).expect("json")
        }
    };
    let case = |denuncia: &str, pagamento: &str, regime: &str| {
        json!({"contributo": "10.000,00", "scadenza": "2025-03-16", "denuncia": denuncia, "pagamento": pagamento,
               "regime": regime})
    };
    let avvisi = |v: &serde_json::Value| v["calcolo"]["avvisi"].as_array().cloned().unwrap_or_default();

    // Declared 10/04/2025, paid 10/05/2025 (day 30): 37 days at 2,65 + 5,5 and 18 at 2,40 + 5,5.
    // 10000 × (8,15 % × 37 + 7,90 % × 18) / 365 = 82,6164 + 38,9589 = 121,5753.
    let v = compute(case("2025-04-10", "2025-05-10", "evasione_30")).await;
    assert_eq!(v["calcolo"]["regime"], json!("evasione_ravveduta_entro30_giorni"), "{v}");
    assert_eq!(v["calcolo"]["totale"], 12_158, "{v}");
    assert!(avvisi(&v).is_empty(), "{v}");
    // Paid a day later (day 31): TUR + 7,5, and the page says why.
    let v = compute(case("2025-04-10", "2025-05-11", "evasione_30")).await;
    assert_eq!(v["calcolo"]["regime"], json!("evasione_ravveduta_entro90_giorni"), "{v}");
    assert_eq!(v["calcolo"]["righe"][0]["tasso"], 101_500, "{v}");
    assert!(avvisi(&v)[0].as_str().unwrap_or_default().contains("oltre i 30 giorni"), "{v}");
    // Declared on 17/03/2026, a day past the 12 months: 30 % a year on 369 days, 3.032,88 €.
    let v = compute(case("2026-03-17", "2026-03-20", "evasione_90")).await;
    assert_eq!(v["calcolo"]["regime"], json!("evasione"), "{v}");
    assert_eq!(v["calcolo"]["totale"], 303_288, "{v}");
    assert!(avvisi(&v)[0].as_str().unwrap_or_default().contains("oltre i 12 mesi dalla scadenza"), "{v}");
    for (denuncia, message) in [
        ("", "Indichi la data della denuncia spontanea"),
        ("2025-02-30", "non è valida"),
        ("2025-03-16", "non è successiva alla scadenza"),
        ("2025-05-20", "precede quella della denuncia"),
    ] {
        let v = compute(case(denuncia, "2025-05-10", "evasione_30")).await;
        assert!(v["errore"].as_str().unwrap_or_default().contains(message), "{denuncia}: {v}");
        assert!(v["calcolo"].is_null(), "{denuncia}: {v}");
    }

    // The rates of mora carry the yearly provvedimenti found (migration 0029).
    let mora = app::ssr::sanzioni::tabella(&app.db, app::ssr::sanzioni::TipoTasso::Mora).await.expect("mora");
    let found: Vec<_> = mora.iter().map(|t| (t.dal.to_string(), t.tasso.0)).collect();
    for row in [("2011-10-01", 50_243), ("2015-05-15", 48_800), ("2016-05-15", 41_300), ("2019-07-01", 26_800)] {
        assert!(found.contains(&(row.0.to_string(), row.1)), "{row:?} in {found:?}");
    }
    // 1.000 € of evasione due 16/01/2019 reaches the 60 % cap on 15/01/2021 (day 730); the mora runs from
    // 16/01/2021 to 16/01/2022, 366 days at 2,68 %: 1000 × 2,68 % × 366/365 = 26,8734 → 26,87.
    let v = compute(json!({"contributo": "1.000,00", "scadenza": "2019-01-16", "pagamento": "2022-01-16",
                           "regime": "evasione"}))
    .await;
    let righe = v["calcolo"]["righe"].as_array().cloned().unwrap_or_default();
    assert_eq!(righe.len(), 2, "{v}");
    assert_eq!((&righe[1]["voce"], &righe[1]["tasso"]), (&json!("interessi_mora"), &json!(26_800)), "{v}");
    assert_eq!(v["calcolo"]["interessi_mora"], 2_687, "{v}");
    assert!(avvisi(&v)[0].as_str().unwrap_or_default().contains("2,68 %, in vigore dal 01/07/2019"), "{v}");
});

/// `n` records of the Circolare 38/2000 type's length (120 characters, migration 0026), LF-terminated.
fn tracciato_records(n: usize) -> Vec<u8> {
    (1..=n).map(|i| format!("{i:05}{:<115}\n", " RECORD DI PROVA")).collect::<String>().into_bytes()
}

// Invio tracciati: the file is kept with its SHA-256 and a protocol of the Sede's register; the receipt
// says so; an unknown type or an empty file stores nothing; another position's tracciato is not found.
both_backends!(tracciati_get_a_protocol_a_hash_and_a_receipt, |app: TestApp| async move {
    use sha2::Digest;
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let other = app.position_of("Comune di Valfiorita").await;
    let send = |tipo: &'static str, data: Vec<u8>, position: String| {
        let (app, mario) = (&app, &mario);
        async move {
            let form = reqwest::multipart::Form::new()
                .text("tipo", tipo)
                .part("file", reqwest::multipart::Part::bytes(data).file_name("flusso-38.txt"));
            let res = mario
                .post(app.url(&format!("/api/tracciati/{position}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), location(&res))
        }
    };
    let data = tracciato_records(2);
    let (status, to) = send("circ38_2000", data.clone(), code.clone()).await;
    assert_eq!(status, 303);
    assert!(to.contains("esito=ricevuto&protocollo=INPS.7001."), "{to}");
    let (id, sha, stato): (i64, String, String) =
        sqlx::query_as("SELECT id, sha256, stato FROM tracciati ORDER BY id DESC LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(sha, hex::encode(sha2::Sha256::digest(&data)));
    assert_eq!(stato, "elaborato");
    let receipt = mario
        .get(app.url(&format!("/ricevute/{code}/{id}")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(receipt.status().as_u16(), 200);
    let text = receipt.text().await.expect("text");
    assert!(
        text.contains(&sha) && text.contains("Protocollo: INPS.7001.") && text.contains("Dimensione: 242 byte"),
        "{text}"
    );
    // The same id under another position of Mario's is not found; a foreign user does not reach it.
    assert_eq!(
        mario
            .get(app.url(&format!("/ricevute/{other}/{id}")))
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        404
    );
    let laura = app.login_as(Role::Intermediario).await;
    assert_eq!(
        laura
            .get(app.url(&format!("/ricevute/{code}/{id}")))
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        404
    );

    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tracciati").fetch_one(app.db.pool()).await.expect("n")
    };
    let before = count().await;
    let (_, to) = send("inventato", data, code.clone()).await;
    assert!(to.contains("errore=Scelga+il+tipo"), "{to}");
    let (_, to) = send("circ38_2000", Vec::new(), code.clone()).await;
    assert!(to.contains("errore=Scelga+un+file+non+vuoto"), "{to}");
    assert_eq!(count().await, before, "refused files store nothing");
});

/// The Italian message a form route put in the `errore=` of its redirect.
fn errore_of(location: &str) -> String {
    let query = location.split_once('?').map_or("", |q| q.1);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.into_iter().find(|(k, _)| k == "errore").map(|(_, v)| v).unwrap_or_default()
}

// Item 17: a tracciato is text of fixed-length records of its type's length. An image (which used to be
// protocolled and marked "elaborato") is refused with an Italian message and nothing is stored — no row, no
// protocol number taken, no upload counted; so is text of other lengths. A valid file passes.
both_backends!(a_tracciato_must_be_text_records_of_its_types_length, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let send = |name: &'static str, data: Vec<u8>| {
        let (app, mario, code) = (&app, &mario, &code);
        async move {
            let form = reqwest::multipart::Form::new()
                .text("tipo", "circ38_2000")
                .part("file", reqwest::multipart::Part::bytes(data).file_name(name));
            let res = mario
                .post(app.url(&format!("/api/tracciati/{code}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), location(&res))
        }
    };
    async fn counts(app: &TestApp) -> (i64, i64) {
        let n = |sql: &'static str| async move {
            sqlx::query_scalar::<_, i64>(sql).fetch_one(app.db.pool()).await.expect("count")
        };
        (
            n("SELECT COUNT(*) FROM tracciati").await,
            n("SELECT COUNT(*) FROM audit_log WHERE action = 'tracciato.ricevuto'").await,
        )
    }
    let before = counts(&app).await;

    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    png.extend_from_slice(&[0u8; 200]);
    let (status, to) = send("scansione.png", png).await;
    assert_eq!(status, 303);
    let why = errore_of(&to);
    assert!(why.contains("non è un tracciato di testo") && why.contains("un'immagine"), "{to}");
    assert!(!to.contains("protocollo="), "{to}");

    // Text, but not records of 120 characters.
    let (_, to) = send("flusso.txt", b"RECORD;0001;ENTE\nRECORD;0002;DIPENDENTE\n".to_vec()).await;
    let why = errore_of(&to);
    assert!(why.contains("La riga 1 è lunga 16 caratteri") && why.contains("120 caratteri"), "{to}");
    let mut short_last = tracciato_records(3);
    short_last.extend_from_slice(b"00004 TRONCATO\r\n");
    let (_, to) = send("flusso.txt", short_last).await;
    assert!(errore_of(&to).contains("La riga 4 è lunga 14 caratteri"), "{to}");
    assert_eq!(counts(&app).await, before, "a refused tracciato stores nothing");

    // Records of the declared length, CR LF or LF: received, elaborated, counted.
    let crlf = String::from_utf8(tracciato_records(3)).expect("ascii").replace('\n', "\r\n").into_bytes();
    let (status, to) = send("flusso.txt", crlf).await;
    assert_eq!(status, 303);
    assert!(to.contains("esito=ricevuto&protocollo=INPS.7001."), "{to}");
    let (stato, esito): (String, String) =
        sqlx::query_as("SELECT stato, esito FROM tracciati ORDER BY id DESC LIMIT 1")
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(stato, "elaborato");
    assert!(esito.contains("3 record da 120 caratteri"), "{esito}");
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));

    // The page tells the record length of each type.
    let (status, body) = app.call(&mario, "/api/cassetto/tracciati", json!({"posizione": code})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("record di 120 caratteri"), "{body}");
});

// Contestazione of a Nota di debito: reasons and files (the attachment rules), one waiting per nota, the
// Sede's answer on the user's page; the files reach the author and the Sede only.
both_backends!(contestazione_filed_with_files_and_answered, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let nota: i64 = sqlx::query_scalar(
        "SELECT n.id FROM note_debito n JOIN positions p ON p.id = n.position_id \
         WHERE p.code = $1 AND n.kind = 'Regolarizzazione' ORDER BY n.id LIMIT 1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("nota");
    let file = |files: Vec<(&'static str, &'static [u8])>, nota: i64| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move {
            let mut form = reqwest::multipart::Form::new()
                .text("nota", nota.to_string())
                .text("motivi", "Il versamento del 16/04 copre la nota.");
            for (name, data) in files {
                form = form.part("allegati", reqwest::multipart::Part::bytes(data.to_vec()).file_name(name));
            }
            let res = mario
                .post(app.url(&format!("/api/contestazioni/{code}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post");
            location(&res)
        }
    };
    let pdf: &[u8] = b"%PDF-1.7\nquietanza\n";
    let four = vec![("a.pdf", pdf), ("b.pdf", pdf), ("c.pdf", pdf), ("d.pdf", pdf)];
    assert!(file(four, nota).await.contains("errore=Si+possono+allegare+al+massimo+3+file"));
    let to = file(vec![("quietanza.pdf", pdf), ("f24.csv", b"data;importo\n16/04/2025;100,00\n")], nota).await;
    assert!(to.contains("esito=presentata&protocollo=INPS.7001."), "{to}");
    assert!(file(vec![], nota).await.contains("attesa+di+risposta"), "one waiting per nota");
    let (id, stato): (app::model::ContestazioneId, String) =
        sqlx::query_as("SELECT id, stato FROM contestazioni WHERE nota_id = $1")
            .bind(nota)
            .fetch_one(app.db.pool())
            .await
            .expect("row");
    assert_eq!(stato, "presentata");
    let zip_status = |client: reqwest::Client| {
        let url = app.url(&format!("/contestazioni/{id}/allegati.zip"));
        async move { client.get(url).header("Sec-Fetch-Site", "same-origin").send().await.expect("get").status().as_u16() }
    };
    assert_eq!(zip_status(mario.clone()).await, 200);
    let operator = app.login_as(Role::Operatore).await;
    assert_eq!(zip_status(operator.clone()).await, 200);
    assert_eq!(zip_status(app.login_as(Role::Intermediario).await).await, 404);

    // Another Sede does not answer it; its own Sede does, once.
    let (op_id, sede): (i64, i64) = sqlx::query_as("SELECT id, sede_id FROM users WHERE codice_fiscale = $1")
        .bind(cf_of(Role::Operatore))
        .fetch_one(app.db.pool())
        .await
        .expect("operator");
    let other = app::ssr::contestazioni::answer(&app.db, op_id, sede + 1, id, true, "No", 0).await;
    assert!(other.is_err());
    let form = [
        ("id", id.to_string()),
        ("esito", "respinta".to_string()),
        ("risposta", "Il versamento è imputato a un'altra nota.".to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = operator
        .post(app.url("/api/backoffice/contestazioni/risposta"))
        .header("Origin", &app.base)
        .form(&form)
        .send()
        .await
        .expect("post");
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.status());
    let again = app::ssr::contestazioni::answer(&app.db, op_id, sede, id, true, "Ci ripenso", 0).await;
    assert!(again.is_err(), "answered once");
    let (status, body) = app.call(&mario, "/api/cassetto/contestazioni", json!({"posizione": code})).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("respinta") && body.contains("imputato a un'altra nota") && body.contains("quietanza.pdf"),
        "{body}"
    );
});

// The circular offers the contestazione on the notes of regolarizzazione only (the notes of sistemazione are
// for consultation): the page's data says which notes may be contested, and a contestazione posted on a nota
// of sistemazione all the same — as a script asking for JSON, or as a form — is refused with the Italian
// reason, nothing stored (no contestazione, no protocol number taken, no audit entry).
both_backends!(contestazione_only_on_notes_of_regolarizzazione, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let nota_of = |kind: &'static str| {
        let (app, code) = (&app, code.clone());
        async move {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT n.id, n.number FROM note_debito n JOIN positions p ON p.id = n.position_id \
                 WHERE p.code = $1 AND n.kind = $2 ORDER BY n.id LIMIT 1",
            )
            .bind(&code)
            .bind(kind)
            .fetch_one(app.db.pool())
            .await
            .unwrap_or_else(|e| panic!("a nota of {kind}: {e}"))
        }
    };
    let (sistemazione, numero) = nota_of("Sistemazione").await;
    let (regolarizzazione, _) = nota_of("Regolarizzazione").await;

    // What the page is given: each nota with whether it may be contested.
    let (status, body) = app.call(&mario, "/api/cassetto/contestazioni", json!({"posizione": code})).await;
    assert_eq!(status, 200, "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).expect("json");
    let contestabile = |id: i64| {
        view["note"].as_array().expect("note").iter().find(|n| n["id"] == id).expect("listed")["contestabile"].clone()
    };
    assert_eq!(contestabile(sistemazione), json!(false));
    assert_eq!(contestabile(regolarizzazione), json!(true));

    let stored = || async {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM contestazioni").fetch_one(app.db.pool()).await.expect("n");
        let register: i64 =
            sqlx::query_scalar("SELECT CAST(COALESCE(SUM(ultimo), 0) AS BIGINT) FROM protocollo_contatori")
                .fetch_one(app.db.pool())
                .await
                .expect("register");
        let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'contestazione.presentata'")
            .fetch_one(app.db.pool())
            .await
            .expect("audit");
        (n, register, audit)
    };
    let before = stored().await;
    let post = |nota: i64, json: bool| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move {
            let form = reqwest::multipart::Form::new()
                .text("nota", nota.to_string())
                .text("motivi", "La nota non è dovuta: i contributi sono stati versati.")
                .part("allegati", reqwest::multipart::Part::bytes(b"%PDF-1.7\nx\n".to_vec()).file_name("q.pdf"));
            let mut req = mario.post(app.url(&format!("/api/contestazioni/{code}"))).header("Origin", &app.base);
            if json {
                req = req.header("Accept", "application/json");
            }
            req.multipart(form).send().await.expect("post")
        }
    };
    let refused = post(sistemazione, true).await;
    assert_eq!(refused.status().as_u16(), 400);
    let answer: serde_json::Value = refused.json().await.expect("json");
    let message = answer["errore"].as_str().unwrap_or_default().to_string();
    assert!(
        message.contains(&format!("La nota {numero} non è contestabile"))
            && message.contains("solo per le note di debito per regolarizzazioni contributive"),
        "{answer}"
    );
    // Without script: back to the page with the same reason.
    let to = location(&post(sistemazione, false).await);
    assert!(to.starts_with(&format!("/cassetto/{code}/contestazione-note-debito?errore=")), "{to}");
    assert!(to.contains("non+%C3%A8+contestabile"), "{to}");
    assert_eq!(stored().await, before, "a refused contestazione stores nothing");

    // The nota of regolarizzazione is contested, over the same route.
    let accepted = post(regolarizzazione, true).await;
    assert_eq!(accepted.status().as_u16(), 200);
    let answer: serde_json::Value = accepted.json().await.expect("json");
    assert!(answer["protocollo"].as_str().unwrap_or_default().starts_with("INPS.7001."), "{answer}");
    let (n, _, audit) = stored().await;
    assert_eq!((n, audit), (before.0 + 1, before.2 + 1));
});

/// A ListaPosPA file for Comune di Roccaverde (CF 81000000018, PRGAZIENDA 00000), March 2026.
fn listapospa(cf_azienda: &str, workers: &[(&str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>\
         <CFAzienda>{cf_azienda}</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>"
    );
    for (cf, imponibile) in workers {
        s.push_str(&format!(
            "<D0_DenunciaIndividuale><CFLavoratore>{cf}</CFLavoratore><Cognome>Rossi</Cognome><Nome>Mario</Nome>\
             <E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>\
             <InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>\
             <Qualifica>000123</Qualifica></InquadramentoLavPA><Gestioni>\
             <GestPensionistica><CodGestione>2</CodGestione><Imponibile>{imponibile}</Imponibile><Contributo>476,00</Contributo>\
             </GestPensionistica></Gestioni></E0_PeriodoNelMese></D0_DenunciaIndividuale>"
        ));
    }
    s.push_str("</PosPA></ListaPosPA></Azienda></DenunceMensili>");
    s
}

// ListaPosPA import: a clean file becomes the month's declaration with its workers; a file with problems is
// refused with each problem listed (and as CSV), storing no declaration; another position's file or a DTD
// is refused outright.
both_backends!(listapospa_import_accepts_clean_files_and_lists_problems, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    assert_eq!(code, "8100000001800000");
    // March 2026 has the demo's declaration: the helper confirms replacing it, as the user would.
    let upload = |xml: String| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move { app.upload_dma(mario, &code, "marzo.xml", xml.into_bytes()).await }
    };
    let denunce = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM dma_denunce").fetch_one(app.db.pool()).await.expect("n")
    };
    let before = denunce().await;
    let good = [("RSSMRA70A01H501S", "2000,00"), ("BNCLRA85M41F205C", "1500,50")];
    let to = upload(listapospa("81000000018", &good)).await;
    let id: i64 = to.rsplit('=').next().and_then(|v| v.parse().ok()).expect("importazione id");
    let (status, body) = app.call(&mario, "/api/cassetto/dma-importazione", json!({"posizione": code, "id": id})).await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!((v["accettata"].as_bool(), v["lavoratori"].as_i64()), (Some(true), Some(2)), "{v}");
    assert_eq!(denunce().await, before + 1);
    let (workers, imponibile): (i64, i64) = sqlx::query_as(
        "SELECT workers, imponibile_cents FROM dma_denunce WHERE period = '2026-03' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("denuncia");
    assert_eq!((workers, imponibile), (2, 350_050));

    let bad = [("RSSMRA70A01H501X", "2000,00"), ("BNCLRA85M41F205C", "1.500.50")];
    let to = upload(listapospa("81000000018", &bad)).await;
    let id: i64 = to.rsplit('=').next().and_then(|v| v.parse().ok()).expect("importazione id");
    let csv = mario
        .get(app.url(&format!("/esporta-errori/{code}/{id}")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("csv");
    assert!(csv.starts_with("\u{feff}codice_fiscale;periodo;elemento;codice;gravita;descrizione\r\n"), "{csv}");
    assert!(csv.contains(";CAS001;Bloccante;"), "{csv}");
    assert!(csv.contains("RSSMRA70A01H501X;") && csv.contains(";CAS001;") && csv.contains(";CAS040;"), "{csv}");
    assert_eq!(denunce().await, before + 1, "a refused file stores no declaration");

    let other = upload(listapospa("80012345678", &good)).await;
    assert!(other.contains("errore=Il+file+%C3%A8+di+un%27altra+posizione"), "{other}");
    let dtd = upload("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"a\">]><DenunceMensili/>".to_string()).await;
    assert!(dtd.contains("DTD"), "{dtd}");
    // Another user reaches neither the import nor its problems.
    let laura = app.login_as(Role::Intermediario).await;
    let status = laura
        .get(app.url(&format!("/esporta-errori/{code}/{id}")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get")
        .status()
        .as_u16();
    assert_eq!(status, 404);
});

// Compilazione manuale DMA: the draft is imported through its own XML, with the position's heading whatever
// the draft says; its problems are the import's; another user cannot send for the position.
both_backends!(a_hand_compiled_dma_is_imported_like_a_file, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let bozza = |cf: &str, imponibile: &str| {
        json!({
            "mese": "2026-02", "cf_azienda": "80012345678", "prg_azienda": "00007",
            "lavoratori": [{
                "id": 1, "codice_fiscale": cf, "cognome": "Verdi & Figli", "nome": "Giuseppe",
                "periodi": [{
                    "id": 2, "v1": false, "causale": "", "inizio": "2026-02-01", "fine": "2026-02-28",
                    "inquadramento": {"tipo_impiego": "1", "tipo_servizio": "4", "contratto": "RALN",
                        "qualifica": "000123", "tipo_part_time": "", "perc_part_time": "", "regime_fine_servizio": ""},
                    "gestioni": [{"id": 3, "tipo": "Pensionistica", "cod_gestione": "2",
                        "imponibile": imponibile, "contributo": "595,00"}]
                }],
                "rate": [{"id": 4, "anno_mese_rif": "2026-01", "cod_gestione": "2", "tipo_piano": "11",
                    "prg_rata": "3", "totale_rate": "60", "importo": "120,00", "tipo_operazione": "V"}]
            }]
        })
    };
    // February 2026 has the demo's declaration: the first sending names it and stores nothing; the second,
    // naming it, replaces it (the import's id).
    let send = |b: serde_json::Value, sostituisce: Option<i64>| {
        let (app, mario, code) = (&app, &mario, code.clone());
        async move {
            let body = json!({"posizione": code, "bozza": b, "sostituisce": sostituisce});
            app.call(mario, "/api/cassetto/dma-manuale", body).await
        }
    };
    let importata = |body: &str| -> i64 {
        let v: serde_json::Value = serde_json::from_str(body).expect("json");
        v["Importata"].as_i64().unwrap_or_else(|| panic!("not imported: {body}"))
    };
    let in_vigore = app.dma_in_vigore(&code, "2026-02").await.expect("the demo's February");
    let (status, body) = send(bozza("VRDGPP65C10L219T", "2500,00"), None).await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["DaConfermare"]["id"].as_i64(), Some(in_vigore), "{body}");
    assert_eq!(v["DaConfermare"]["periodo"].as_str(), Some("2026-02"), "{body}");
    let (status, body) = send(bozza("VRDGPP65C10L219T", "2500,00"), Some(in_vigore)).await;
    assert_eq!(status, 200, "{body}");
    let id = importata(&body);
    let (status, body) = app.call(&mario, "/api/cassetto/dma-importazione", json!({"posizione": code, "id": id})).await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!((v["accettata"].as_bool(), v["periodo"].as_str()), (Some(true), Some("2026-02")), "{v}");
    let row: (String, String, i64) = sqlx::query_as(
        "SELECT l.worker_name, l.gestione, l.imponibile_cents FROM dma_lavoratori l JOIN dma_denunce d \
         ON d.id = l.denuncia_id JOIN dma_importazioni i ON i.denuncia_id = d.id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("worker");
    assert_eq!(row, ("Verdi & Figli Giuseppe".to_string(), "Pensioni (CPDEL)".to_string(), 250_000));

    // A refused declaration asks nothing: it replaces nothing.
    let (status, body) = send(bozza("VRDGPP65C10L219X", "2.500,00,00"), None).await;
    assert_eq!(status, 200, "{body}");
    let id = importata(&body);
    let (_, body) = app.call(&mario, "/api/cassetto/dma-importazione", json!({"posizione": code, "id": id})).await;
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let codici: Vec<&str> =
        v["errori"].as_array().expect("errori").iter().filter_map(|e| e["codice"].as_str()).collect();
    assert_eq!((v["accettata"].as_bool(), codici), (Some(false), vec!["CAS040", "CAS001"]), "{v}");

    let mut senza_mese = bozza("VRDGPP65C10L219T", "2500,00");
    senza_mese["mese"] = json!("");
    let (status, body) = send(senza_mese, None).await;
    assert_ne!(status, 200);
    assert!(body.contains("Mese"), "{body}");
    let laura = app.login_as(Role::Intermediario).await;
    let (status, _) = app
        .call(
            &laura,
            "/api/cassetto/dma-manuale",
            json!({"posizione": code, "bozza": bozza("VRDGPP65C10L219T", "1,00")}),
        )
        .await;
    assert_eq!(status, 404);
});

/// A page renders to its end while other routers of the same process are being built. Building a router
/// used to generate the route list, which sets a process-wide flag in leptos_server that parks, for good, a
/// resource first polled while it is set: the header's «who is signed in» then never answered and the
/// response stalled (docs/architecture.md, «Known issues»). The tests build one router per test, in parallel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite always runs");
    let state = app::ssr::ctx::AppState { db: app.db.clone(), settings: std::sync::Arc::new(Settings::development()) };
    let building = tokio::task::spawn_blocking(move || {
        for _ in 0..200 {
            let options =
                leptos::config::LeptosOptions::builder().output_name("cassetto").site_root("target/site").build();
            drop(server::startup::app_router_with_oidc(state.clone(), options, None));
        }
    });
    // A stalled render never ends: a limit far above any render turns it into a failure naming the page.
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().expect("client");
    let mut rendered = 0;
    while !building.is_finished() || rendered < 20 {
        let res = client.get(app.url("/supporto")).send().await.expect("/supporto rendered to its end");
        assert_eq!(res.status(), 200);
        let body = res.text().await.expect("/supporto's body arrived whole");
        assert!(body.contains("data-testid=\"accedi\""), "the header answered who is signed in");
        rendered += 1;
    }
    building.await.expect("routers built");
}
