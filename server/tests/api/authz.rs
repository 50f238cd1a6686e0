//! Authorization attacks over HTTP against the real router (docs/security.md, "Authorization"): pages behind
//! the login, open redirects through `next=`, cross-site downloads that would write audit rows, revoked reach,
//! uploads read before they are authorized, and the scopes of the profiles. On SQLite and PostgreSQL.

use crate::common::{Backend, TestApp, cf_of, location};
use app::model::Role;
use app::ssr::agenda;
use serde_json::json;

async fn audit_rows(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(app.db.pool())
        .await
        .expect("audit count")
}

/// A route pattern with its parameters filled in with plausible values.
fn fill(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| if s.starts_with('{') { if s.contains("posizione") { "8100000001800000" } else { "1" } } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

// Item 11: every protected page of the app's own route list sends an anonymous visitor to the login with
// `next=` (path and query); the public pages do not; a logged-in user is not redirected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_protected_page_sends_an_anonymous_visitor_to_the_login() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let routes = server::startup::page_routes();
    for public in server::startup::PUBLIC_PAGES {
        assert!(routes.iter().any(|(p, _)| p == public), "public page {public} is not a route of the app");
    }
    for must in ["/cassetto", "/backoffice", "/backoffice/fascicolo/{posizione}", "/admin", "/profilo", "/agenda"] {
        assert!(routes.iter().any(|(p, protected)| p == must && *protected), "{must} missing or not protected");
    }
    let anonymous = app.client();
    for (pattern, protected) in &routes {
        let path = fill(pattern);
        let res = anonymous.get(app.url(&format!("{path}?pagina=2&q=a%20b"))).send().await.expect("get");
        let (status, to) = (res.status().as_u16(), location(&res));
        if *protected {
            assert!(status == 302 || status == 303, "{pattern}: anonymous got {status}");
            let next = app::model::url_encode(&format!("{path}?pagina=2&q=a%20b"));
            assert_eq!(to, format!("/accesso?next={next}"), "{pattern}");
            let body = res.text().await.unwrap_or_default();
            assert!(!body.contains("Backoffice") && !body.contains("<nav"), "{pattern} shows its page: {body}");
        } else {
            assert!(!to.starts_with("/accesso?next="), "{pattern}: public page sent to the login");
        }
    }
    // The same answer for a visitor halfway through the login (password given, no code yet).
    let cf = cf_of(Role::Datore);
    let half = app.client();
    app.post_form(
        &half,
        "/api/accesso/password",
        &[("codice_fiscale", &cf), ("password", app::ssr::demo::DEMO_PASSWORD)],
    )
    .await;
    let res = half.get(app.url("/backoffice")).send().await.expect("get");
    assert_eq!(location(&res), "/accesso?next=%2Fbackoffice");
    // A logged-in user gets the page; server functions keep answering 401 in JSON.
    let mario = app.login(&cf).await;
    let res = mario.get(app.url("/cassetto")).send().await.expect("get");
    assert_eq!(res.status(), 200);
    let (status, body) = app.call(&anonymous, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await;
    assert_eq!(status, 401);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_ok(), "not JSON: {body}");
}

// Item 11: the login honours `next=` only for a path of this site: a foreign one is not carried to the second
// step, nor followed after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_ignores_a_next_that_leaves_the_site() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let password_step = |cf: String, next: &'static str| {
        let app = &app;
        async move {
            let client = app.client();
            let form = [("codice_fiscale", cf.as_str()), ("password", app::ssr::demo::DEMO_PASSWORD), ("next", next)];
            let to = location(&app.post_form(&client, "/api/accesso/password", &form).await);
            assert!(to.starts_with("/accesso/codice"), "{next}: {to}");
            (client, to.split_once("next=").map(|(_, n)| n.to_string()).unwrap_or_default())
        }
    };
    let evil =
        ["//evil.example", "https://evil.example", "/\\evil.example", "//evil.example/cassetto", "http:evil.example"];
    for next in evil {
        let (_, carried) = password_step(cf_of(Role::Datore), next).await;
        assert_eq!(carried, "", "{next} carried to the second step");
    }
    // The second step ignores a foreign `next` too (one login per account: a TOTP code works once).
    for (role, next, home) in [
        (Role::Datore, "//evil.example", "/cassetto"),
        (Role::Delegato, "https://evil.example", "/cassetto"),
        (Role::Intermediario, "/deleghe?stato=attiva", "/deleghe?stato=attiva"),
    ] {
        let cf = cf_of(role);
        let (client, carried) = password_step(cf.clone(), next).await;
        if next.starts_with("/deleghe") {
            assert_eq!(carried, "%2Fdeleghe%3Fstato%3Dattiva");
        }
        let code = app.next_totp(&cf).await;
        let res = app.post_form(&client, "/api/accesso/codice", &[("codice", &code), ("next", next)]).await;
        assert_eq!(location(&res), home, "{role:?} with next={next}");
    }
}

// Item 10: a print of the Fascicolo aziendale and a Fascicolo Elettronico reading, asked for by another site
// (an image or link on a hostile page), are refused and write no audit row; from our own pages they work.
async fn cross_site_downloads_write_no_audit_row(app: TestApp) {
    let code = app.position_of("Comune di Roccaverde").await;
    let mario = app.login_as(Role::Datore).await;
    let pdf = format!("/cassetto/{code}/fascicolo.pdf");
    let refused: [&[(&str, String)]; 5] = [
        &[("Sec-Fetch-Site", "cross-site".into())],
        &[("Sec-Fetch-Site", "same-site".into())],
        &[("Referer", "https://evil.example/page".into())],
        &[("Sec-Fetch-Site", "cross-site".into()), ("Referer", app.url("/cassetto"))],
        &[],
    ];
    for headers in refused {
        let mut req = mario.get(app.url(&pdf));
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let res = req.send().await.expect("get");
        assert_eq!(res.status(), 403, "{headers:?}");
        assert!(res.text().await.unwrap_or_default().contains("pagine del Cassetto"));
    }
    assert_eq!(audit_rows(&app, "fascicolo.stampato").await, 0, "a refused print was recorded");
    let res = mario.get(app.url(&pdf)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get");
    assert_eq!(res.status(), 200);
    let res = mario.get(app.url(&pdf)).header("Sec-Fetch-Site", "none").send().await.expect("get");
    assert_eq!(res.status(), 200);
    // A browser without Fetch Metadata, following our own link (our Referrer-Policy sends the Referer).
    let res = mario.get(app.url(&pdf)).header("Referer", app.url(&format!("/cassetto/{code}"))).send().await;
    assert_eq!(res.expect("get").status(), 200);
    assert_eq!(audit_rows(&app, "fascicolo.stampato").await, 3);

    let paolo = app.login_as(Role::Operatore).await;
    let page = format!("/backoffice/fascicolo/{code}/versamenti");
    let res = paolo.get(app.url(&page)).header("Sec-Fetch-Site", "cross-site").send().await.expect("get");
    assert_eq!(res.status(), 403);
    assert_eq!(audit_rows(&app, "fascicolo_elettronico.consultato").await, 0, "a refused reading was recorded");
    let res = paolo.get(app.url(&page)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get");
    assert_eq!(res.status(), 200);
    assert!(audit_rows(&app, "fascicolo_elettronico.consultato").await > 0, "the reading was not recorded");
    // The operator's exports are readings too.
    let before = audit_rows(&app, "fascicolo_elettronico.consultato").await;
    let res = paolo
        .get(app.url(&format!("/esporta/{code}/versamenti")))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 403);
    assert_eq!(audit_rows(&app, "fascicolo_elettronico.consultato").await, before);
}

both_backends!(cross_site_downloads_refused, cross_site_downloads_write_no_audit_row);

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
const DAY: i64 = 86_400;

async fn user_id(app: &TestApp, cf: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

/// Posts a form as the hydrated page does: status and body.
async fn submit(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = client.post(app.url(path)).header("Origin", &app.base).form(form).send().await.expect("request");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// A richiesta that Giuseppe (intermediary) opens over HTTP on a position he reaches by an active delega whose
/// Ente has a datore, closed *non accolta* so that it can be booked, with two slots at its Sede and one booking
/// made. Returns (richiesta, delega, datore's cf, free slot, booking).
async fn intermediary_richiesta(
    app: &TestApp,
    giuseppe: &reqwest::Client,
) -> (app::model::RichiestaId, i64, String, i64, i64) {
    use app::domain::comunicazioni::{Azione, Esito};
    use app::ssr::comunicazioni as com;
    // Arrange: Giuseppe holds an active delega on Mario's Comune di Roccaverde (as after the PEC and OTP).
    let code = app.position_of("Comune di Roccaverde").await;
    let delega: i64 = sqlx::query_scalar(
        "INSERT INTO deleghe (kind, position_id, grantee_user_id, status, valid_from, created_at) \
         SELECT 'intermediario', p.id, $1, 'attiva', '2026-01-01', 0 FROM positions p WHERE p.code = $2 RETURNING id",
    )
    .bind(user_id(app, &cf_of(Role::Intermediario)).await)
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("delega");
    // The delega covers the Gestione contributiva of the Ente, as a request states its services.
    app::ssr::deleghe::backfill_servizi(&mut app.db.pool().acquire().await.expect("conn")).await.expect("servizi");
    let datore_cf = cf_of(Role::Datore);
    let fields = [
        ("posizione", code.as_str()),
        ("oggetto", "1"),
        ("testo", "La nota di rettifica di marzo non tiene conto del versamento."),
        ("telefono", "+39 333 7654321"),
        ("consenso", "1"),
    ];
    let (status, body) = app.send_richiesta(giuseppe, &fields, &[("nota.pdf", PDF)]).await;
    assert_eq!(status, 200, "{body}");
    let id = app::model::RichiestaId(body["id"].as_i64().expect("id"));
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("sede");
    let operator = user_id(app, &cf_of(Role::Operatore)).await;
    let now = app::ssr::db::now_unix();
    com::act(&app.db, operator, sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico");
    com::act(&app.db, operator, sede, id, Azione::Chiudi(Esito::NonAccolta), "Respinta.", now).await.expect("chiudi");
    let booked = agenda::publish_slot(&app.db, operator, sede, now + 10 * DAY, 30, now).await.expect("slot");
    let free = agenda::publish_slot(&app.db, operator, sede, now + 11 * DAY, 30, now).await.expect("slot");
    let form = [
        ("richiesta", id.to_string()),
        ("slot", booked.to_string()),
        ("telefono", "3331234567".into()),
        ("note", "Nota".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = submit(app, giuseppe, "/api/agenda/prenota", &form).await;
    assert_eq!(status, 200, "{body}");
    let booking: i64 = sqlx::query_scalar("SELECT id FROM prenotazioni WHERE richiesta_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("booking");
    (id, delega, datore_cf, free, booking)
}

/// What the author can still do with the richiesta: (detail, zip, book the free slot, cancel the booking).
/// Booking and cancelling are tried last, and only when `act` (they change state).
async fn richiesta_reach(
    app: &TestApp,
    client: &reqwest::Client,
    id: app::model::RichiestaId,
    free: i64,
    booking: i64,
) -> [u16; 4] {
    let detail = app.call(client, "/api/comunicazioni/dettaglio", json!({"id": id})).await.0;
    let zip = client
        .get(app.url(&format!("/comunicazioni/{id}/allegati.zip")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("zip")
        .status()
        .as_u16();
    let cancel = submit(app, client, "/api/agenda/annulla", &[("id", &booking.to_string())]).await.0;
    let form = [
        ("richiesta", id.to_string()),
        ("slot", free.to_string()),
        ("telefono", "3331234567".into()),
        ("note", "Nota".into()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let book = submit(app, client, "/api/agenda/prenota", &form).await.0;
    [detail, zip, book, cancel]
}

// Item 8: the intermediary opens a richiesta, the datore revokes the delega; from the next request on the
// intermediary can no longer read the richiesta, download its files, book or cancel. The Sede still reads it.
async fn revoked_delega_ends_the_richiesta(app: TestApp) {
    let giuseppe = app.login_as(Role::Intermediario).await;
    let (id, delega, datore_cf, free, booking) = intermediary_richiesta(&app, &giuseppe).await;
    let detail = app.call(&giuseppe, "/api/comunicazioni/dettaglio", json!({"id": id})).await.0;
    assert_eq!(detail, 200, "the author reads the richiesta while the delega stands");
    let datore = app.login(&datore_cf).await;
    let (status, body) = submit(&app, &datore, "/api/deleghe/revoca", &[("id", &delega.to_string())]).await;
    assert!(status == 200 || status == 303, "revoke: {status} {body}");
    assert_eq!(richiesta_reach(&app, &giuseppe, id, free, booking).await, [404; 4]);
    let stato: String = sqlx::query_scalar("SELECT stato FROM prenotazioni WHERE id = $1")
        .bind(booking)
        .fetch_one(app.db.pool())
        .await
        .expect("booking");
    assert_eq!(stato, "prenotata", "the refused cancel changed the booking");
    let bookings: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prenotazioni WHERE richiesta_id = $1")
        .bind(id)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(bookings, 1, "the refused booking was stored");
    let paolo = app.login_as(Role::Operatore).await;
    assert_eq!(app.call(&paolo, "/api/comunicazioni/dettaglio", json!({"id": id})).await.0, 200);
}

both_backends!(revoked_delega_ends_the_richiesta_reach, revoked_delega_ends_the_richiesta);

// Item 8: a re-import of the Albo without Giuseppe ends his reach (and that of the employees he sub-delegated)
// at the next request: positions, search, richieste.
async fn struck_off_intermediary_reaches_nothing(app: TestApp) {
    let giuseppe = app.login_as(Role::Intermediario).await;
    let anna = app.login_as(Role::Subdelegato).await;
    let (id, _, _, free, booking) = intermediary_richiesta(&app, &giuseppe).await;
    let own = app.position_of("Comune di Pietrascura").await;
    let anna_own = app.position_of("Azienda Sanitaria Locale Roma 9").await;
    let load = |client: &reqwest::Client, code: &str| {
        let (app, client, code) = (&app, client.clone(), code.to_string());
        async move { app.call(&client, "/api/cassetto/posizione", json!({"posizione": code})).await.0 }
    };
    assert_eq!(load(&giuseppe, &own).await, 200);
    assert_eq!(load(&anna, &anna_own).await, 200);
    let admin = app.login_as(Role::Admin).await;
    // Another professional only: Giuseppe is struck off.
    let csv =
        "codice_fiscale,categoria,numero,provincia,nominativo\nRSSMRA70A01H501S,commercialista,77,RM,Mario Rossi\n";
    let (status, body) = submit(&app, &admin, "/api/admin/albo", &[("csv", csv)]).await;
    assert!(status == 200 || status == 303, "albo import: {status} {body}");
    let albo: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM albo").fetch_one(app.db.pool()).await.expect("albo");
    assert_eq!(albo, 1);
    assert_eq!(load(&giuseppe, &own).await, 404);
    assert_eq!(load(&anna, &anna_own).await, 404, "the sub-delega hangs on a struck-off intermediary");
    let (status, body) = app.call(&giuseppe, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await;
    assert_eq!(status, 200);
    let found: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(found["total"].as_i64(), Some(0), "{body}");
    assert_eq!(richiesta_reach(&app, &giuseppe, id, free, booking).await, [404; 4]);
}

both_backends!(struck_off_intermediary_reaches_nothing_at_the_next_request, struck_off_intermediary_reaches_nothing);

/// A client whose session cookie the test can read (for requests written by hand on a socket).
async fn login_with_cookie(app: &TestApp, cf: &str) -> String {
    use reqwest::cookie::CookieStore;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = [("codice_fiscale", cf), ("password", app::ssr::demo::DEMO_PASSWORD)];
    app.post_form(&client, "/api/accesso/password", &form).await;
    let code = app.next_totp(cf).await;
    let res = app.post_form(&client, "/api/accesso/codice", &[("codice", &code)]).await;
    assert!(!location(&res).contains("errore"));
    let url = reqwest::Url::parse(&app.base).expect("url");
    jar.cookies(&url).expect("session cookie").to_str().expect("ascii").to_string()
}

const BOUNDARY: &str = "----cassettoAttacco";

fn text_part(name: &str, value: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

fn file_head(name: &str, file: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
    )
}

/// An upload that announces 15 MiB (under every route's limit, so no layer refuses it by its length) but sends
/// only `first`, and never the rest: the answer can only come from a server that decided without reading the
/// body. The socket is returned open (the caller may keep it to hold the server's read). `None` if no answer
/// came (the server is waiting for the body).
async fn unfinished_upload(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    first: &str,
    wait_answer: bool,
) -> (Option<(u16, String)>, tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(&app.host).await.expect("connect");
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len}\r\n{cookie}\r\n",
        host = app.host,
        base = app.base,
        len = 15 * 1024 * 1024,
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(first.as_bytes()).await.expect("first part");
    stream.flush().await.expect("flush");
    if !wait_answer {
        return (None, stream);
    }
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    // A guard against hanging forever, not a measure: a fixed server answers at once.
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            answer.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&answer);
            let complete = text.split_once("\r\n\r\n").is_some_and(|(head, body)| {
                let length = head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok()).flatten()
                });
                length.is_none_or(|l| body.len() >= l)
            });
            if n == 0 || complete {
                break;
            }
        }
    })
    .await;
    if read.is_err() || answer.is_empty() {
        return (None, stream);
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (Some((status, text)), stream)
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(app.db.pool()).await.expect("count")
}

// Item 9: an anonymous upload, and one on a position the user does not reach, are refused without the body
// being read: the request promises 15 MiB, sends a few bytes and never the rest, yet the answer arrives.
async fn uploads_are_refused_unread(app: TestApp) {
    let foreign = app.position_of("Camera di Commercio di Lagomaggiore").await;
    let own = app.position_of("Comune di Roccaverde").await;
    let mario = login_with_cookie(&app, &cf_of(Role::Datore)).await;
    let before = (count(&app, "richieste").await, count(&app, "tracciati").await, count(&app, "contestazioni").await);
    let richiesta =
        |posizione: &str| format!("{}{}", text_part("posizione", posizione), file_head("allegati", "a.pdf"));
    let cases: Vec<(String, Option<&str>, String, u16, &str)> = vec![
        ("/api/comunicazioni/nuova".into(), None, richiesta(&own), 401, "accedere"),
        ("/api/comunicazioni/nuova".into(), Some(mario.as_str()), richiesta(&foreign), 404, "non trovata"),
        // The file before the position: refused, not read to find the position further on.
        (
            "/api/comunicazioni/nuova".into(),
            Some(mario.as_str()),
            format!("{}{}", file_head("allegati", "a.pdf"), "x".repeat(1000)),
            400,
            "non è leggibile",
        ),
        (format!("/api/tracciati/{foreign}"), Some(mario.as_str()), file_head("file", "t.txt"), 404, "non trovata"),
        (format!("/api/dma/{foreign}"), Some(mario.as_str()), file_head("file", "d.xml"), 404, "non trovata"),
        (
            format!("/api/contestazioni/{foreign}"),
            Some(mario.as_str()),
            file_head("allegati", "c.pdf"),
            404,
            "non trovata",
        ),
        (format!("/api/tracciati/{own}"), None, file_head("file", "t.txt"), 303, ""),
        (format!("/api/dma/{own}"), None, file_head("file", "d.xml"), 303, ""),
        // The contestazione route answers a client asking for JSON, as the richiesta's does.
        (format!("/api/contestazioni/{own}"), None, file_head("allegati", "c.pdf"), 401, "accedere"),
    ];
    for (path, cookie, first, want, text) in cases {
        let (answer, _socket) = unfinished_upload(&app, &path, cookie, &first, true).await;
        let (status, answer) = answer.unwrap_or_else(|| panic!("{path}: the server waited for the body"));
        assert_eq!(status, want, "{path}: {answer}");
        assert!(answer.contains(text), "{path}: {answer}");
        if want == 303 {
            assert!(answer.contains("location: /accesso") || answer.contains("Location: /accesso"), "{answer}");
        }
    }
    let after = (count(&app, "richieste").await, count(&app, "tracciati").await, count(&app, "contestazioni").await);
    assert_eq!(before, after, "a refused upload stored something");
    // The forms still work: a whole richiesta with its file goes through.
    let client = app.login_as(Role::Datore).await;
    let fields = [
        ("posizione", own.as_str()),
        ("oggetto", "1"),
        ("testo", "Prova."),
        ("telefono", "+39 333 7654321"),
        ("consenso", "1"),
    ];
    let (status, body) = app.send_richiesta(&client, &fields, &[("nota.pdf", PDF)]).await;
    assert_eq!(status, 200, "{body}");
}

both_backends!(uploads_are_authorized_before_the_body_is_read, uploads_are_refused_unread);

// Item 9: at most `MAX_CONCURRENT` upload bodies are read at once; one more is told, in Italian, to retry
// (503), unread; when the uploads end the next one is read again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_upload_bodies_are_capped() {
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let own = app.position_of("Comune di Roccaverde").await;
    let mario = login_with_cookie(&app, &cf_of(Role::Datore)).await;
    let first = format!("{}{}", text_part("posizione", &own), file_head("allegati", "a.pdf"));
    let mut held = Vec::new();
    for _ in 0..server::uploads::MAX_CONCURRENT {
        held.push(unfinished_upload(&app, "/api/comunicazioni/nuova", Some(&mario), &first, false).await.1);
    }
    let client = app.login_as(Role::Datore).await;
    // No oggetto: read, then refused (400), nothing stored, as long as a permit is free.
    let probe = || async {
        let fields = [("posizione", own.as_str()), ("testo", "Prova."), ("telefono", "+39 333 7654321")];
        app.send_richiesta(&client, &fields, &[("nota.pdf", PDF)]).await
    };
    let mut busy = None;
    // The held uploads reach the server in their own time: ask until they hold every permit.
    for _ in 0..500 {
        let (status, body) = probe().await;
        if status == 503 {
            busy = Some(body);
            break;
        }
        assert_eq!(status, 400, "{body}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let busy = busy.expect("a ninth upload body was read while eight were being read");
    assert_eq!(busy["errore"], server::uploads::OCCUPATO);
    drop(held);
    let mut freed = false;
    for _ in 0..500 {
        if probe().await.0 == 400 {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(freed, "the permits of the ended uploads were not given back");
}

// Item 7: an SC65 approved for "Malattia – attestati" only makes its holder the Ente's datore for that scope
// only: not the Cassetto of the Ente (consultation, dossier, DMA, richieste), nor anything an intermediary
// delegated on it could reach. Approving the Gestione contributiva for the Ente then opens it to both.
async fn malattia_scope_opens_no_cassetto(app: TestApp) {
    let franca_cf = crate::common::cf_of_name("Franca Marino");
    // Arrange: an Ente of Roma Eur without a datore, whose legal representative is Franca; Giuseppe holds an
    // active delega on its position (as after the PEC and OTP).
    let (ente_id, ente_cf, sector, code): (i64, String, String, String) = sqlx::query_as(
        "SELECT e.id, e.codice_fiscale, e.sector, p.code FROM enti e JOIN positions p ON p.ente_id = e.id \
         JOIN users o ON o.sede_id = e.sede_id AND o.codice_fiscale = $1 \
         WHERE e.datore_user_id IS NULL ORDER BY e.id, p.id LIMIT 1",
    )
    .bind(cf_of(Role::Operatore))
    .fetch_one(app.db.pool())
    .await
    .expect("an Ente of Roma Eur without datore");
    sqlx::query("UPDATE enti SET legal_rep_cf = $1 WHERE id = $2")
        .bind(&franca_cf)
        .bind(ente_id)
        .execute(app.db.pool())
        .await
        .expect("legal rep");
    sqlx::query(
        "INSERT INTO deleghe (kind, position_id, grantee_user_id, status, valid_from, created_at) \
         SELECT 'intermediario', id, $1, 'attiva', '2026-01-01', 0 FROM positions WHERE code = $2",
    )
    .bind(user_id(&app, &cf_of(Role::Intermediario)).await)
    .bind(&code)
    .execute(app.db.pool())
    .await
    .expect("delega");
    // The delega covers the Gestione contributiva of the Ente, as a request states its services.
    app::ssr::deleghe::backfill_servizi(&mut app.db.pool().acquire().await.expect("conn")).await.expect("servizi");

    let franca = app.login(&franca_cf).await;
    let paolo = app.login_as(Role::Operatore).await;
    let giuseppe = app.login_as(Role::Intermediario).await;
    let ask_and_approve = |scope: &'static str| {
        let (app, franca, paolo, ente_cf) = (&app, &franca, &paolo, ente_cf.clone());
        async move {
            let form = [("modello", "SC65"), ("codice_fiscale_ente", ente_cf.as_str()), ("ambiti[0]", scope)];
            let (status, body) = submit(app, franca, "/api/profilo/richiesta", &form).await;
            assert!(status == 200 || status == 303, "request {scope}: {status} {body}");
            let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM profile_requests")
                .fetch_one(app.db.pool())
                .await
                .expect("request");
            let (status, body) = submit(
                app,
                paolo,
                "/api/backoffice/richieste-profilo/decisione",
                &[("id", &id.to_string()), ("esito", "approva")],
            )
            .await;
            assert!(status == 200 || status == 303, "approve {scope}: {status} {body}");
        }
    };
    // What a user does with a position: read it, print it, export it, send a DMA and a richiesta.
    let reach = |client: &reqwest::Client| {
        let (app, client, code) = (&app, client.clone(), code.clone());
        async move {
            let load = app.call(&client, "/api/cassetto/posizione", json!({"posizione": code})).await.0;
            let get = |path: String| {
                let client = client.clone();
                async move {
                    let res = client.get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await;
                    res.expect("get").status().as_u16()
                }
            };
            let pdf = get(format!("/cassetto/{code}/fascicolo.pdf")).await;
            let csv = get(format!("/esporta/{code}/versamenti")).await;
            let dma = client
                .post(app.url(&format!("/api/dma/{code}")))
                .header("Origin", &app.base)
                .multipart(reqwest::multipart::Form::new().text("nota", ""))
                .send()
                .await
                .expect("dma")
                .status()
                .as_u16();
            let fields = [("posizione", code.as_str()), ("testo", "Prova.")];
            let richiesta = app.send_richiesta(&client, &fields, &[]).await.0;
            let (_, search) = app.call(&client, "/api/cassetto/ricerca", json!({"testo": code, "pagina": 0})).await;
            let listed = serde_json::from_str::<serde_json::Value>(&search).expect("json")["total"].as_i64();
            (listed, [load, pdf, csv, dma, richiesta])
        }
    };
    ask_and_approve("malattia_attestati").await;
    let datore: Option<i64> = sqlx::query_scalar("SELECT datore_user_id FROM enti WHERE id = $1")
        .bind(ente_id)
        .fetch_one(app.db.pool())
        .await
        .expect("datore");
    assert_eq!(datore, Some(user_id(&app, &franca_cf).await), "the approved SC65 names the datore");
    assert_eq!(reach(&franca).await, (Some(0), [404; 5]), "Malattia only: the datore reaches the Cassetto");
    assert_eq!(reach(&giuseppe).await, (Some(0), [404; 5]), "Malattia only: the delega gives more than its delegante");
    // The Gestione contributiva of the Ente's sector opens it (no file, no oggetto: refused after the check).
    let gestione = if sector == "pubblico" { "gc_pubblici" } else { "gc_privati" };
    ask_and_approve(gestione).await;
    assert_eq!(reach(&franca).await, (Some(1), [200, 200, 200, 303, 400]));
    assert_eq!(reach(&giuseppe).await, (Some(1), [200, 200, 200, 303, 400]));
}

both_backends!(a_malattia_scope_opens_no_cassetto, malattia_scope_opens_no_cassetto);
