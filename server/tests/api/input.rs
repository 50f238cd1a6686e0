//! Input handling under attack, over HTTP against the real router (and, for memory, the real `cassetto serve`
//! binary): CSV formula injection, huge page numbers, the private upload spool, the typesetting pool and the
//! ListaPosPA reader's limits. See docs/security.md, section "Input".

use crate::common::{Backend, TestApp, location};
use app::model::Role;
use serde_json::{Value, json};

/// A ListaPosPA file of Comune di Roccaverde (CF 81000000018, PRGAZIENDA 00000), March 2026, one clean
/// worker whose surname is `cognome` (already XML-escaped).
fn listapospa_with_surname(cognome: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>\
         <CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>\
         <D0_DenunciaIndividuale><CFLavoratore>RSSMRA70A01H501S</CFLavoratore><Cognome>{cognome}</Cognome><Nome>Mario</Nome>\
         <E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio><GiornoFine>2026-03-31</GiornoFine>\
             <InquadramentoLavPA><TipoImpiego>1</TipoImpiego><TipoServizio>4</TipoServizio><Contratto>RALN</Contratto>\
             <Qualifica>000123</Qualifica></InquadramentoLavPA><Gestioni>\
         <GestPensionistica><CodGestione>2</CodGestione><Imponibile>2000,00</Imponibile><Contributo>476,00</Contributo>\
         </GestPensionistica></Gestioni></E0_PeriodoNelMese></D0_DenunciaIndividuale></PosPA></ListaPosPA></Azienda>\
         </DenunceMensili>"
    )
}

/// Uploads `xml` as the ListaPosPA file of `code` (confirming the replacement of the month's declaration in
/// force when asked); the redirect target.
async fn upload_dma(app: &TestApp, client: &reqwest::Client, code: &str, xml: Vec<u8>) -> String {
    app.upload_dma(client, code, "marzo.xml", xml).await
}

/// A page or a download, fetched as our own pages fetch them (downloads need `Sec-Fetch-Site`).
async fn get_text(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// Every cell of a `;`-separated CSV body (quotes removed), line by line.
fn csv_cells(body: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let (mut cell, mut quoted, mut chars) = (String::new(), false, body.chars().peekable());
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            ';' | '\n' if !quoted => cells.push(std::mem::take(&mut cell)),
            '\r' if !quoted => {}
            c => cell.push(c),
        }
    }
    cells
}

/// The first characters OWASP names as formula triggers.
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

// Item 13. A worker's surname arriving in a ListaPosPA upload as a spreadsheet formula comes back neutralised
// (a leading quote) in the section's CSV and in the problems' CSV; amounts, our own numbers, stay numbers.
both_backends!(csv_downloads_neutralise_formulas, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    // At most 40 characters: the record rules' limit for a surname.
    let formula = "=HYPERLINK(\"http://x.example\";\"Clic\")";
    let to = upload_dma(&app, &mario, &code, listapospa_with_surname(formula).into_bytes()).await;
    assert!(to.contains("importazione="), "{to}");
    let denuncia: i64 = sqlx::query_scalar(
        "SELECT d.id FROM dma_denunce d JOIN positions p ON p.id = d.position_id WHERE p.code = $1 \
         ORDER BY d.id DESC LIMIT 1",
    )
    .bind(&code)
    .fetch_one(app.db.pool())
    .await
    .expect("denuncia");
    let stored: String = sqlx::query_scalar("SELECT worker_name FROM dma_lavoratori WHERE denuncia_id = $1")
        .bind(denuncia)
        .fetch_one(app.db.pool())
        .await
        .expect("worker");
    assert!(stored.starts_with("=HYPERLINK"), "the attack is stored as typed: {stored}");

    let (status, csv) = get_text(&app, &mario, &format!("/esporta/{code}/dma?padre={denuncia}")).await;
    assert_eq!(status, 200, "{csv}");
    let cells = csv_cells(&csv);
    assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK(")), "{csv}");
    assert!(!cells.iter().any(|c| is_formula(c)), "no cell may start a formula: {csv}");
    assert!(cells.iter().any(|c| c == "2.000,00"), "amounts stay numbers: {csv}");

    // The same surname with a bad codice fiscale: the problem list names it; its CSV neutralises it too,
    // and the codice fiscale cell of a file is text like any other.
    let bad = listapospa_with_surname(formula).replace("RSSMRA70A01H501S", "@SUM(1+1)*cmd|");
    let to = upload_dma(&app, &mario, &code, bad.into_bytes()).await;
    let id: i64 = to.rsplit('=').next().and_then(|v| v.parse().ok()).expect("importazione id");
    let (status, csv) = get_text(&app, &mario, &format!("/esporta-errori/{code}/{id}")).await;
    assert_eq!(status, 200, "{csv}");
    let cells = csv_cells(&csv);
    assert!(cells.iter().any(|c| c.starts_with("'@SUM(")), "{csv}");
    assert!(!cells.iter().any(|c| is_formula(c)), "no cell may start a formula: {csv}");
});

/// "Pagina X di Y" of a rendered list.
fn pager(html: &str) -> (u64, u64) {
    let at = html.find("Pagina ").unwrap_or_else(|| panic!("no pager in the page: {html}"));
    let rest = &html[at + "Pagina ".len()..];
    let mut numbers = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
    let current = numbers.next().and_then(|n| n.parse().ok()).expect("current page");
    let total = numbers.next().and_then(|n| n.parse().ok()).expect("total pages");
    (current, total)
}

const HUGE: &str = "4294967295";

// Item 17. Page numbers up to u32::MAX (and beyond, and garbage) on every paged list — the consultation
// sections, the Ricerca (Cassetto and Fascicolo Elettronico), the richieste history and the Sede's queue —
// answer with the last page, over the pages (HTML) and the server functions (JSON).
both_backends!(huge_page_numbers_show_the_last_page, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let operator = app.login_as(Role::Operatore).await;
    let code = app.position_of("Comune di Roccaverde").await;

    // Server functions: the page answered is the last one there is, with its rows.
    let (status, body) = app.call(&mario, "/api/cassetto/ricerca", json!({"testo": "", "pagina": u32::MAX})).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    let (total, page) = (v["total"].as_i64().expect("total"), v["page"].as_i64().expect("page"));
    assert!(total > 0);
    assert_eq!(page, (total - 1) / 20, "{v}");
    assert!(!v["rows"].as_array().expect("rows").is_empty(), "the last page has its rows");

    let (status, body) =
        app.call(&operator, "/api/backoffice/fascicolo/ricerca", json!({"testo": "", "pagina": u32::MAX})).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["page"].as_i64(), v["total"].as_i64().map(|t| (t - 1).max(0) / 20), "{v}");

    let query = json!({"filters": {}, "sort": null, "desc": false, "page": u32::MAX});
    let (status, body) = app
        .call(
            &mario,
            "/api/cassetto/sezione",
            json!({"posizione": code, "section": "Versamenti", "parent": null, "query": query}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    let total = v["table"]["total_rows"].as_i64().expect("total");
    assert!(total > 0, "{v}");
    assert_eq!(v["table"]["page"].as_i64(), Some((total - 1) / 20), "{v}");
    assert!(!v["table"]["rows"].as_array().expect("rows").is_empty());

    for (client, endpoint) in [(&mario, "/api/comunicazioni"), (&operator, "/api/backoffice/quesiti")] {
        let (status, body) = app.call(client, endpoint, json!({"query": query})).await;
        assert_eq!(status, 200, "{endpoint}: {body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["pagina"].as_i64().map(|p| p + 1), v["pagine"].as_i64(), "{endpoint}: {v}");
    }

    // The pages, as a browser asks for them: the last page, never an error.
    for huge in [HUGE, "99999999999999999999999", "-1", "abc"] {
        let pages = [
            (&mario, "/cassetto".to_string()),
            (&mario, format!("/cassetto/{code}/versamenti")),
            (&mario, "/comunicazioni".to_string()),
            (&operator, "/backoffice/quesiti".to_string()),
            (&operator, "/backoffice/fascicolo".to_string()),
        ];
        for (client, path) in pages {
            let (status, html) = get_text(&app, client, &format!("{path}?pagina={huge}")).await;
            assert_eq!(status, 200, "{path}?pagina={huge}");
            let (current, total) = pager(&html);
            let expected = if huge.starts_with('9') || huge == HUGE { total } else { 1 };
            assert_eq!(current, expected, "{path}?pagina={huge}: Pagina {current} di {total}");
        }
    }
});

// Item 16. The ListaPosPA upload is spooled in a private directory (0700) as a private file (0600); the
// spool holds nothing once the import is done.
both_backends!(the_upload_spool_is_private, |app: TestApp| async move {
    use std::os::unix::fs::PermissionsExt;
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let dir = app::ssr::spool::dir().expect("spool dir");
    // Loosen it as a careless administrator would: the next upload makes it private again.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let to = upload_dma(&app, &mario, &code, listapospa_with_surname("Rossi").into_bytes()).await;
    assert!(to.contains("importazione="), "{to}");
    let mode = std::fs::metadata(dir).expect("spool dir").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
    let left = std::fs::read_dir(dir)
        .expect("read")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("cassetto-dma-"))
        .filter(|e| std::fs::metadata(e.path()).is_ok_and(|m| m.permissions().mode() & 0o077 != 0))
        .count();
    assert_eq!(left, 0, "no spool file readable by others");
});

/// A `cassetto serve` process on `database_url` with extra environment, stopped when dropped.
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

async fn server_process(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cassetto"));
    cmd.arg("serve")
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("CASSETTO_INSECURE_COOKIES", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("start cassetto");
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

// Item 16. At start the server makes its spool directory private and removes what a crashed process left
// there; a file another live process holds stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_sweeps_the_spool_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let dir = std::env::temp_dir().join(format!("cassetto-spool-sweep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let stale = dir.join("cassetto-dma-0123456789abcdef01234567.xml");
    std::fs::write(&stale, "<DenunceMensili>left by a crash").expect("stale");
    let live = dir.join("cassetto-dma-live.xml");
    let held = std::fs::File::create(&live).expect("live");
    held.try_lock().expect("lock");
    let server = server_process(&app.url, &[("CASSETTO_SPOOL_DIR", dir.to_str().expect("path"))]).await;
    assert!(!stale.exists(), "the stale spool file is removed at start");
    assert!(live.exists(), "a file a live upload holds stays");
    assert_eq!(std::fs::metadata(&dir).expect("dir").permissions().mode() & 0o777, 0o700);
    drop(server);
    drop(held);
    let _ = std::fs::remove_dir_all(&dir);
}

// Item 15. A burst of prints (dossiers, and a delega form when the demo has one) all succeed, and at most
// the typesetting pool's threads typeset at once: the rest queue.
both_backends!(a_burst_of_prints_queues_for_the_typesetting_pool, |app: TestApp| async move {
    const PRINTS: usize = 8;
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let delega: Option<(i64, String)> = sqlx::query_as(
        "SELECT d.id, u.codice_fiscale FROM delega_evidence e JOIN deleghe d ON d.id = e.delega_id \
         JOIN users u ON u.id = d.grantee_user_id ORDER BY d.id LIMIT 1",
    )
    .fetch_optional(app.db.pool())
    .await
    .expect("delega");
    let mut prints = vec![(mario.clone(), format!("/cassetto/{code}/fascicolo.pdf")); PRINTS];
    if let Some((id, cf)) = delega {
        let grantee = app.login(&cf).await;
        prints.extend(std::iter::repeat_n((grantee, format!("/deleghe/{id}/modulo.pdf")), PRINTS / 2));
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(prints.len()));
    let tasks: Vec<_> = prints
        .into_iter()
        .map(|(client, path)| {
            let (url, base, barrier) = (app.url(&path), app.base.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let res = client
                    .get(url)
                    .header("Sec-Fetch-Site", "same-origin")
                    .header("Referer", format!("{base}/"))
                    .send()
                    .await
                    .expect("get");
                let status = res.status().as_u16();
                (status, res.bytes().await.expect("body"))
            })
        })
        .collect();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert!(body.starts_with(b"%PDF-"));
    }
    // Process-wide (the other backend's test may be printing too): the peak is what matters.
    let (_, peak) = app::ssr::pdf::rendering_gauge();
    assert!(
        peak >= 1 && peak <= app::ssr::pdf::typeset_threads(),
        "peak {peak} of {}",
        app::ssr::pdf::typeset_threads()
    );
});

/// A position's DMA section as the consultation shows it: (declarations, workers of `parent` or -1 if refused).
async fn dma_seen(app: &TestApp, client: &reqwest::Client, code: &str, parent: Option<i64>) -> i64 {
    let query = json!({"filters": {}, "sort": null, "desc": false, "page": 0});
    let (section, parent_json) = match parent {
        Some(id) => ("DmaLavoratori", json!(id)),
        None => ("Dma", Value::Null),
    };
    let (status, body) = app
        .call(
            client,
            "/api/cassetto/sezione",
            json!({"posizione": code, "section": section, "parent": parent_json, "query": query}),
        )
        .await;
    if status == 404 {
        return -1;
    }
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    v["table"]["total_rows"].as_i64().expect("total")
}

// Item 12, the write lock. A large valid declaration is stored in batches: between two of them another
// connection writes (a login succeeds), the consultation does not see the half-stored declaration (neither its
// list nor its workers nor its CSV), and once complete it is all there. An abandoned import is cleaned.
both_backends!(a_large_import_lets_others_write_and_stays_invisible_until_complete, |app: TestApp| async move {
    use std::sync::Arc;
    const WORKERS: usize = 2 * app::ssr::dma::importazione::LOTTO + 100;
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let before = dma_seen(&app, &mario, &code, None).await;

    let nome = format!("lotti-{}.xml", app.host.replace([':', '.'], "-"));
    let (paused, mut paused_rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let resume = Arc::new(tokio::sync::Notify::new());
    let hook_resume = resume.clone();
    app::ssr::dma::importazione::dopo_ogni_lotto(
        &nome,
        Arc::new(move |n| {
            let (paused, resume) = (paused.clone(), hook_resume.clone());
            Box::pin(async move {
                if n == 1 {
                    let _ = paused.send(n);
                    resume.notified().await;
                }
            })
        }),
    );
    let mut xml = Vec::new();
    app::ssr::dma::listapospa::genera(&mut xml, "81000000018", WORKERS, false).expect("genera");
    // March 2026 has the demo's declaration: the upload confirms replacing it.
    let in_vigore = app.dma_in_vigore(&code, "2026-03").await.expect("the demo's March");
    let upload = {
        let (client, url, base, nome) =
            (mario.clone(), app.url(&format!("/api/dma/{code}")), app.base.clone(), nome.clone());
        tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("sostituisce", in_vigore.to_string())
                .part("file", reqwest::multipart::Part::bytes(xml).file_name(nome));
            let res = client
                .post(url)
                .header("Origin", base)
                .header("Accept", "application/json")
                .multipart(form)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), res.json::<Value>().await.unwrap_or_default())
        })
    };
    // The import stops after its first batch until told to go on (a bound only against a hang, not a timing).
    let n = tokio::time::timeout(std::time::Duration::from_secs(300), paused_rx.recv())
        .await
        .expect("the import never paused between two batches")
        .expect("hook");
    assert_eq!(n, 1);
    let partial: (i64, i64) = sqlx::query_as(
        "SELECT d.id, (SELECT COUNT(*) FROM dma_lavoratori l WHERE l.denuncia_id = d.id) FROM dma_denunce d \
         WHERE d.completa = 0 ORDER BY d.id DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("the declaration being stored");
    // Three gestioni a worker: pensions, TFS or TFR, credito.
    assert_eq!(partial.1, 3 * app::ssr::dma::importazione::LOTTO as i64, "one batch stored (three gestioni a worker)");
    // Another connection writes meanwhile: a whole login (sessions, counters).
    let _laura = app.login_as(Role::Intermediario).await;
    // Nothing of it shows yet.
    assert_eq!(dma_seen(&app, &mario, &code, None).await, before);
    assert_eq!(dma_seen(&app, &mario, &code, Some(partial.0)).await, -1);
    let (status, _) = get_text(&app, &mario, &format!("/esporta/{code}/dma?padre={}", partial.0)).await;
    assert_eq!(status, 404);
    resume.notify_one();

    let (status, body) = upload.await.expect("upload");
    assert_eq!(status, 200, "{body}");
    assert!(body["importazione"].as_i64().is_some(), "{body}");
    assert_eq!(dma_seen(&app, &mario, &code, None).await, before + 1);
    assert_eq!(dma_seen(&app, &mario, &code, Some(partial.0)).await, 3 * WORKERS as i64);
    let protocol: String = sqlx::query_scalar("SELECT protocol FROM dma_denunce WHERE id = $1")
        .bind(partial.0)
        .fetch_one(app.db.pool())
        .await
        .expect("protocol");
    assert!(protocol.starts_with("INPS."), "{protocol}");

    // An import a crashed process left half stored is removed (at start), its workers with it.
    let now = app::ssr::db::now_unix();
    let abandoned: i64 = sqlx::query_scalar(
        "INSERT INTO dma_denunce (position_id, period, submitted_on, protocol, workers, imponibile_cents, \
         contributi_cents, errors, status, completa, avviata_at) SELECT position_id, '2026-04', submitted_on, '', 1, 0, 0, 0, \
         'accettata', 0, $1 FROM dma_denunce WHERE id = $2 RETURNING id",
    )
    .bind(now - 7200)
    .bind(partial.0)
    .fetch_one(app.db.pool())
    .await
    .expect("abandoned");
    sqlx::query(
        "INSERT INTO dma_lavoratori (denuncia_id, worker_cf, worker_name, gestione, imponibile_cents, contributi_cents) \
         VALUES ($1, 'RSSMRA70A01H501S', 'Rossi Mario', 'x', 0, 0)",
    )
    .bind(abandoned)
    .execute(app.db.pool())
    .await
    .expect("worker");
    let removed = app::ssr::dma::importazione::clean_incomplete(&app.db, now - 3600).await.expect("sweep");
    assert!(removed >= 1);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dma_denunce WHERE id = $1")
        .bind(abandoned)
        .fetch_one(app.db.pool())
        .await
        .expect("n");
    assert_eq!(left, 0);
    assert_eq!(dma_seen(&app, &mario, &code, Some(partial.0)).await, 3 * WORKERS as i64, "complete ones stay");
});

/// A hostile upload streamed from a few pieces: `head`, then `repeat` `times` times, then `tail`.
struct Hostile {
    name: &'static str,
    head: String,
    repeat: &'static str,
    times: usize,
    tail: String,
}

impl Hostile {
    fn heading(inside_d0: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><DenunceMensili><Azienda><AnnoMeseDenuncia>2026-03</AnnoMeseDenuncia>\
             <CFAzienda>81000000018</CFAzienda><ListaPosPA><PRGAZIENDA>00000</PRGAZIENDA><PosPA>\
             <D0_DenunciaIndividuale><CFLavoratore>RSSMRA70A01H501S</CFLavoratore>{inside_d0}"
        )
    }
}

/// Posts `file` as a multipart upload to `base` over a plain socket, streaming it (the test never holds it
/// whole); the status and body of the answer.
fn post_streaming(base: &str, path: &str, cookie: &str, file: &Hostile) -> (u16, String) {
    use std::io::{Read, Write};
    let boundary = "----cassetto-hostile-boundary";
    let part_head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}.xml\"\r\n\
         Content-Type: text/xml\r\n\r\n",
        file.name
    );
    let part_tail = format!("\r\n--{boundary}--\r\n");
    let length = part_head.len() + file.head.len() + file.repeat.len() * file.times + file.tail.len() + part_tail.len();
    let host = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).expect("write");
    stream.write_all(part_head.as_bytes()).expect("write");
    stream.write_all(file.head.as_bytes()).expect("write");
    let chunk = file.repeat.repeat((64 * 1024 / file.repeat.len()).max(1));
    let per_chunk = chunk.len() / file.repeat.len();
    let mut left = file.times;
    while left > 0 {
        let n = left.min(per_chunk);
        if stream.write_all(&chunk.as_bytes()[..n * file.repeat.len()]).is_err() {
            break; // the server may answer and close before reading it all
        }
        left -= n;
    }
    let _ = stream.write_all(file.tail.as_bytes());
    let _ = stream.write_all(part_tail.as_bytes());
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The peak resident memory of a process, in KiB (`VmHWM`).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");

    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

// Item 12, memory. Hostile ListaPosPA files sent to a real `cassetto serve` — a 190 MiB text node, a record
// with a million self-closing periods, a record with a million periods, a million self-closing gestioni in a
// period, a million bad amounts in one record — are refused in Italian (or, for the bad amounts, recorded
// with the first problems and the count), and the server's peak resident memory (VmHWM) grows by less than
// 64 MiB over its peak at start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_listapospa_files_keep_the_server_small() {
    use reqwest::cookie::CookieStore;
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else { return };
    let server = server_process(&app.url, &[]).await;
    let pid = server.child.id();
    // The debug binary maps its own code (about 48 MiB of file-backed pages) and starts near 64 MiB: what is
    // bounded is what the hostile uploads add to the peak.
    let start = peak_rss_kib(pid);
    let code = app.position_of("Comune di Roccaverde").await;
    // A session made through the in-process router: sessions live in the database, so it serves the child too.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cf = crate::common::cf_of(Role::Datore);
    let res = app
        .post_form(
            &client,
            "/api/accesso/password",
            &[("codice_fiscale", &cf), ("password", app::ssr::demo::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(location(&res), "/accesso/codice");
    let totp = app.next_totp(&cf).await;
    let res = app.post_form(&client, "/api/accesso/codice", &[("codice", &totp)]).await;
    assert!(!location(&res).contains("errore"));
    let cookie = jar.cookies(&app.base.parse().expect("url")).expect("session cookie");
    let cookie = cookie.to_str().expect("cookie").to_string();
    let tail = "</D0_DenunciaIndividuale></PosPA></ListaPosPA></Azienda></DenunceMensili>".to_string();
    let files = [
        Hostile {
            name: "testo-enorme",
            head: Hostile::heading("<Cognome>"),
            repeat: "AAAAAAAAAAAAAAAA",
            times: 190 * 1024 * 1024 / 16,
            tail: format!("</Cognome>{tail}"),
        },
        Hostile {
            name: "periodi-vuoti",
            head: Hostile::heading(""),
            repeat: "<E0_PeriodoNelMese/>",
            times: 1_000_000,
            tail: tail.clone(),
        },
        Hostile {
            name: "periodi",
            head: Hostile::heading(""),
            repeat: "<E0_PeriodoNelMese><GiornoInizio>2026-03-01</GiornoInizio></E0_PeriodoNelMese>",
            times: 1_000_000,
            tail: tail.clone(),
        },
        Hostile {
            name: "gestioni-vuote",
            head: Hostile::heading("<E0_PeriodoNelMese><Gestioni>"),
            repeat: "<GestPensionistica/>",
            times: 1_000_000,
            tail: format!("</Gestioni></E0_PeriodoNelMese>{tail}"),
        },
    ];
    for file in files {
        let (base, path, cookie) = (server.base.clone(), format!("/api/dma/{code}"), cookie.clone());
        let name = file.name;
        let (status, body) =
            tokio::task::spawn_blocking(move || post_streaming(&base, &path, &cookie, &file)).await.expect("upload");
        assert_eq!(status, 400, "{name}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{name}: {body}"));
        let errore = v["errore"].as_str().unwrap_or_default();
        assert!(
            errore.contains("supera il limite") || errore.contains("ha più di"),
            "{name}: an Italian reason: {errore}"
        );
    }
    // A million bad amounts in one record: read to the end, recorded as refused with the first problems kept
    // and all of them counted.
    let errors = Hostile {
        name: "importi-errati",
        head: Hostile::heading("<E0_PeriodoNelMese><Gestioni><GestPensionistica><CodGestione>2</CodGestione>"),
        repeat: "<Imponibile>x</Imponibile>",
        times: 1_000_000,
        tail: format!("</GestPensionistica></Gestioni></E0_PeriodoNelMese>{tail}"),
    };
    let (base, path, c) = (server.base.clone(), format!("/api/dma/{code}"), cookie.clone());
    let (status, body) =
        tokio::task::spawn_blocking(move || post_streaming(&base, &path, &c, &errors)).await.expect("upload");
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    let id = v["importazione"].as_i64().expect("importazione");
    let (counted, kept): (i64, i64) = sqlx::query_as(
        "SELECT numero_errori, (SELECT COUNT(*) FROM dma_import_errori WHERE importazione_id = $1) \
         FROM dma_importazioni WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.db.pool())
    .await
    .expect("importazione");
    assert!(counted >= 1_000_000 && kept <= 1_000, "{counted} counted, {kept} kept");

    let peak = peak_rss_kib(pid);
    assert!(peak - start < 64 * 1024, "peak RSS {peak} KiB, {start} KiB at start");
    // Still answering.
    assert!(reqwest::get(format!("{}/healthz", server.base)).await.expect("health").status().is_success());
}

// Parse at the boundary: a server function takes a parsed position code, so a malformed one is refused as
// bad input before any access check or query (400, Italian); a plain route's address with a malformed code
// names no position the caller reaches and answers like a foreign one (404). Mario reaches 8100000001800000.
both_backends!(a_malformed_position_code_is_refused_where_it_arrives, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let (status, body) = app.call(&mario, "/api/cassetto/posizione", json!({"posizione": "8100000001800000"})).await;
    assert_eq!(status, 200, "{body}");
    for malformed in ["81000000018/0000", "ABCDEFGHIJ", "", "0000000000"] {
        let (status, body) = app.call(&mario, "/api/cassetto/posizione", json!({"posizione": malformed})).await;
        assert_eq!(status, 400, "{malformed:?}: {body}");
        assert!(body.contains(app::error::UNREADABLE_ARGUMENTS), "{malformed:?}: {body}");
        let (status, _) = app.call(&mario, "/api/cassetto/tracciati", json!({"posizione": malformed})).await;
        assert_eq!(status, 400, "{malformed:?} on the tracciati");
    }
    // The same code in two spellings names the same position.
    let (status, body) = app.call(&mario, "/api/cassetto/posizione", json!({"posizione": "81000000018/00000"})).await;
    assert_eq!(status, 200, "{body}");
    for path in ["/cassetto/ABCDEFGHIJ/fascicolo.pdf", "/esporta/81000000018-0000/versamenti"] {
        let res = mario.get(app.url(path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("request");
        assert_eq!(res.status(), 404, "{path}");
    }
});
