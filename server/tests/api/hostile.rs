//! The hostile-input corpus (`tests/hostile/corpus.toml`): every case is sent over HTTP to the real router, on
//! SQLite and PostgreSQL, as the user it names. Whatever the input, the server must answer with a clear Italian
//! refusal or a bounded answer — never a 5xx —, store nothing half, and go on answering.
//!
//! A refusal is either a 4xx whose body is Italian, or — for the forms that work without JavaScript — a 303
//! back to the form with the Italian message in `errore=`.

use std::collections::BTreeMap;

use crate::common::{Backend, TestApp, cf_of, location};
use app::model::Role;

use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    kind: String,
    /// `anonimo`, a role (`datore`, `intermediario`, `operatore`, `idm`, `admin`).
    #[serde(rename = "as")]
    sender: String,
    /// "METHOD /path", with the placeholders of `Fixtures::fill`.
    to: String,
    #[serde(default)]
    form: BTreeMap<String, Field>,
    json: Option<String>,
    multipart: Option<Multipart>,
    raw: Option<Raw>,
    /// `refused`: a refusal and no table grows (but those in `may_store`); `bounded`: no 5xx, an Italian 4xx if
    /// any; `escaped`: accepted or refused, and `show` (as the same user) never contains `must_not_appear` raw.
    expect: String,
    #[serde(default)]
    may_store: Vec<String>,
    show: Option<String>,
    must_not_appear: Option<String>,
    #[serde(default)]
    sql_zero: Vec<String>,
    #[serde(default)]
    zip_names_safe: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Field {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct Multipart {
    #[serde(default)]
    fields: BTreeMap<String, String>,
    #[serde(default)]
    files: Vec<FilePart>,
}

#[derive(Deserialize)]
struct FilePart {
    field: String,
    name: String,
    text: Option<String>,
    generator: Option<String>,
    content_type: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    content_type: String,
    body: Option<String>,
    generator: Option<String>,
}

/// Ids and codes the cases refer to, read from the demo data.
struct Fixtures {
    values: BTreeMap<&'static str, String>,
}

impl Fixtures {
    async fn load(app: &TestApp) -> Fixtures {
        let datore = cf_of(Role::Datore);
        let intermediario = cf_of(Role::Intermediario);
        let one = |sql: &'static str, bind: String| {
            let db = app.db.clone();
            async move {
                let v: i64 = sqlx::query_scalar(sql).bind(bind).fetch_one(db.pool()).await.expect(sql);
                v.to_string()
            }
        };
        let position: String = sqlx::query_scalar(
            "SELECT p.code FROM positions p JOIN enti e ON e.id = p.ente_id JOIN users u ON u.id = e.datore_user_id \
             WHERE u.codice_fiscale = $1 ORDER BY p.id LIMIT 1",
        )
        .bind(&datore)
        .fetch_one(app.db.pool())
        .await
        .expect("position of the datore");
        let mut values = BTreeMap::new();
        values.insert("posizione", position);
        values.insert(
            "delega",
            one(
                "SELECT d.id FROM deleghe d JOIN users u ON u.id = d.grantee_user_id WHERE u.codice_fiscale = $1 \
                 ORDER BY d.id LIMIT 1",
                intermediario,
            )
            .await,
        );
        values.insert("oggetto", {
            let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM comunicazione_oggetti WHERE attivo = 1")
                .fetch_one(app.db.pool())
                .await
                .expect("an active oggetto");
            id.to_string()
        });
        // Giulia Fornari, an employee of the demo data (no account of her own).
        values.insert("dipendente", "FRNGLI80A41H501I".to_string());
        // A richiesta of the datore, opened as the page's script opens one.
        let client = app.login(&datore).await;
        let fields = [
            ("posizione", values["posizione"].as_str()),
            ("oggetto", values["oggetto"].as_str()),
            ("testo", "Richiesta per il corpus ostile."),
            ("email", "mario.rossi@example.it"),
            ("consenso", "on"),
        ];
        let (status, answer) = app.send_richiesta(&client, &fields, &[]).await;
        assert_eq!(status, 200, "richiesta of the fixtures: {answer}");
        values.insert("richiesta", answer["id"].as_i64().expect("richiesta id").to_string());
        Fixtures { values }
    }

    /// Replaces `{name}` by the fixture and `{rep:N:TEXT}` by TEXT N times (long inputs stay short here).
    fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (k, v) in &self.values {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        while let Some(start) = out.find("{rep:") {
            let end = start + out[start..].find('}').expect("closing brace of {rep:N:TEXT}");
            let (n, text) = out[start + 5..end].split_once(':').expect("{rep:N:TEXT}");
            let repeated = text.repeat(n.parse().expect("N of {rep:N:TEXT}"));
            out.replace_range(start..=end, &repeated);
        }
        out
    }

    /// A list item `{each:N:TEXT}` stands for N items.
    fn fill_list(&self, items: &[String]) -> Vec<String> {
        items
            .iter()
            .flat_map(|item| match item.strip_prefix("{each:").and_then(|r| r.strip_suffix('}')) {
                Some(rest) => {
                    let (n, text) = rest.split_once(':').expect("{each:N:TEXT}");
                    vec![self.fill(text); n.parse().expect("N of {each:N:TEXT}")]
                }
                None => vec![self.fill(item)],
            })
            .collect()
    }
}

async fn newest_richiesta(app: &TestApp) -> String {
    let id: Option<i64> =
        sqlx::query_scalar("SELECT MAX(id) FROM richieste").fetch_one(app.db.pool()).await.expect("richieste");
    id.unwrap_or(0).to_string()
}

fn role_of(name: &str) -> Option<Role> {
    Some(match name {
        "datore" => Role::Datore,
        "intermediario" => Role::Intermediario,
        "operatore" => Role::Operatore,
        "idm" => Role::Idm,
        "admin" => Role::Admin,
        "anonimo" => return None,
        other => panic!("unknown sender {other}"),
    })
}

/// Generated bodies: too large or too binary to keep in the corpus file.
fn generate(name: &str) -> Vec<u8> {
    let xml_head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    match name {
        "xml_billion_laughs" => format!(
            "{xml_head}<!DOCTYPE lolz [<!ENTITY lol \"lol\">{}]><DenunceMensili>&lol9;</DenunceMensili>",
            (1..10)
                .map(|i| format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", if i == 1 { String::new() } else { (i - 1).to_string() }).repeat(10)))
                .collect::<String>()
        )
        .into_bytes(),
        "xml_external_entity" => format!(
            "{xml_head}<!DOCTYPE d [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><DenunceMensili><Azienda>&xxe;</Azienda></DenunceMensili>"
        )
        .into_bytes(),
        "xml_deep_nesting" => format!("{xml_head}{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000)).into_bytes(),
        "xml_many_empty_elements" => {
            format!("{xml_head}<DenunceMensili>{}</DenunceMensili>", "<x/>".repeat(2_000_000)).into_bytes()
        }
        "xml_huge_text" => {
            format!("{xml_head}<DenunceMensili><Azienda>{}</Azienda></DenunceMensili>", "A".repeat(8 << 20)).into_bytes()
        }
        "xml_huge_attribute" => {
            format!("{xml_head}<DenunceMensili a=\"{}\"></DenunceMensili>", "B".repeat(8 << 20)).into_bytes()
        }
        "xml_unclosed" => format!("{xml_head}<DenunceMensili><Azienda><Denuncia>").into_bytes(),
        "xml_not_utf8" => {
            let mut v = format!("{xml_head}<DenunceMensili>").into_bytes();
            v.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1]);
            v.extend_from_slice(b"</DenunceMensili>");
            v
        }
        "xml_many_attributes" => {
            let attrs: String = (0..200_000).map(|i| format!(" a{i}=\"v\"")).collect();
            format!("{xml_head}<DenunceMensili{attrs}></DenunceMensili>").into_bytes()
        }
        "png" => {
            let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
            v.extend_from_slice(&[0u8; 64]);
            v
        }
        "exe" => {
            let mut v = b"MZ\x90\x00".to_vec();
            v.extend_from_slice(&[0u8; 256]);
            v
        }
        "elf" => {
            let mut v = b"\x7fELF\x02\x01\x01".to_vec();
            v.extend_from_slice(&[0u8; 256]);
            v
        }
        "pdf" => b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec(),
        "pdf_6mib" => {
            let mut v = b"%PDF-1.4\n".to_vec();
            v.resize(6 << 20, b' ');
            v
        }
        "pdf_4mib" => {
            let mut v = b"%PDF-1.4\n".to_vec();
            v.resize(4 << 20, b' ');
            v
        }
        "zip_bomb" => zip_bomb(),
        "html_as_txt" => b"<script>alert(document.cookie)</script>".to_vec(),
        "text_with_nul" => b"riga uno\0riga due".to_vec(),
        "empty" => Vec::new(),
        // One record of the Circolare 38/2000 type's length (migration 0026): a tracciato that is stored.
        "tracciato_120" => format!("{:<120}\n", "00001 RECORD DI PROVA").into_bytes(),
        "multipart_no_end" => {
            b"--XYZ\r\nContent-Disposition: form-data; name=\"posizione\"\r\n\r\n12345".to_vec()
        }
        "multipart_many_parts" => {
            let mut v = Vec::new();
            for i in 0..20_000 {
                v.extend_from_slice(format!("--XYZ\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nx\r\n").as_bytes());
            }
            v.extend_from_slice(b"--XYZ--\r\n");
            v
        }
        "multipart_huge_header" => {
            let mut v = b"--XYZ\r\nContent-Disposition: form-data; name=\"".to_vec();
            v.extend(std::iter::repeat_n(b'n', 1 << 20));
            v.extend_from_slice(b"\"\r\n\r\nx\r\n--XYZ--\r\n");
            v
        }
        "json_deep" => format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        "json_huge_string" => format!("{{\"testo\":\"{}\",\"pagina\":0}}", "x".repeat(1 << 20)).into_bytes(),
        "form_huge" => format!("codice_fiscale={}&password=x", "A".repeat(1 << 20)).into_bytes(),
        "dma_manuale_5000" => {
            let lavoratori: Vec<serde_json::Value> = (0..5000)
                .map(|i| serde_json::json!({"id": i, "codice_fiscale": "X", "cognome": "", "nome": "", "periodi": []}))
                .collect();
            serde_json::json!({"posizione": "{posizione}", "bozza": {"mese": "2026-10", "cf_azienda": "80012345678",
                "prg_azienda": "1", "lavoratori": lavoratori}})
            .to_string()
            .into_bytes()
        }
        other => panic!("unknown generator {other}"),
    }
}

/// A zip whose one entry inflates 1,000-fold: a zip is not an accepted attachment type, whatever it holds.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("bomba.txt", options).expect("zip entry");
        let block = vec![b'0'; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&block).expect("zip data");
        }
        zip.finish().expect("zip");
    }
    buf.into_inner()
}

/// Whether a refusal reads as Italian to a user: an Italian word or accent, and none of the frameworks' English.
fn is_clear_italian(text: &str) -> bool {
    let padded = format!(" {} ", text.to_lowercase().replace(|c: char| !c.is_alphanumeric(), " "));
    let english = [
        " invalid ",
        " error ",
        " failed ",
        " expected ",
        " missing ",
        " unexpected ",
        " limit ",
        " exceeded ",
        " cannot ",
        " decode ",
        " sequence ",
        " deserializing ",
        " the ",
    ];
    if english.iter().any(|w| padded.contains(w)) {
        return false;
    }
    let italian = [
        " non ",
        " il ",
        " la ",
        " lo ",
        " le ",
        " di ",
        " del ",
        " della ",
        " dei ",
        " per ",
        " un ",
        " una ",
        " al ",
        " con ",
        " da ",
        " tra ",
        " almeno ",
        " troppi ",
        " massimo ",
        " sconosciut",
        " selezion",
        " occorre ",
        " scelga ",
        " indichi ",
        " riprovi ",
        " controlli ",
        " codice ",
        " campo ",
        " modulo ",
        " dati ",
    ];
    italian.iter().any(|w| padded.contains(w)) || text.chars().any(|c| "àèéìòù".contains(c))
}

/// The message a page shows: its alert, else its title.
fn html_message(html: &str) -> Option<String> {
    let inner = |start: usize| -> Option<String> {
        let open = start + html[start..].find('>')? + 1;
        let close = open + html[open..].find("</")?;
        Some(html[open..close].trim().to_string())
    };
    let at = html.find("role=\"alert\"").or_else(|| html.find("<h1"))?;
    inner(at).filter(|m| !m.is_empty())
}

/// The message of a refusal: the body, the JSON error's text, the HTML page's alert, or the `errore=` of a
/// redirect — Italian text, or a code the page it leads to turns into Italian text.
async fn refusal_message(
    client: &reqwest::Client,
    app: &TestApp,
    status: u16,
    location: &str,
    body: &str,
) -> Option<String> {
    if !location.is_empty() {
        let query = location.split_once('?')?.1;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
        let errore = pairs.into_iter().find(|(k, _)| k == "errore").map(|(_, v)| v)?;
        if errore.contains(' ') {
            return Some(errore);
        }
        let page = client.get(app.url(location)).send().await.ok()?.text().await.ok()?;
        let at = page.find("data-testid=\"errore\"")?;
        let open = at + page[at..].find('>')? + 1;
        let close = open + page[open..].find("</")?;
        return Some(page[open..close].to_string());
    }
    if !(400..500).contains(&status) {
        return None;
    }
    if body.trim_start().starts_with('<') {
        return Some(html_message(body).unwrap_or_else(|| body.chars().take(200).collect()));
    }
    match serde_json::from_str::<app::error::AppError>(body) {
        Ok(err) => Some(err.to_string()),
        Err(_) => match serde_json::from_str::<serde_json::Value>(body) {
            Ok(v) => Some(v["errore"].as_str().unwrap_or(body).to_string()),
            Err(_) => Some(body.to_string()),
        },
    }
}

/// A DMA upload answered with its import's page: the import must be recorded as refused.
async fn import_refused(app: &TestApp, location: &str) -> bool {
    let Some(id) = location.split("importazione=").nth(1).and_then(|v| v.split('&').next()?.parse::<i64>().ok()) else {
        return false;
    };
    let stato: Option<String> = sqlx::query_scalar("SELECT stato FROM dma_importazioni WHERE id = $1")
        .bind(id)
        .fetch_optional(app.db.pool())
        .await
        .expect("import");
    stato.as_deref() == Some("scartata")
}

/// Row counts of the tables that hold what users send (not sessions, audit, throttling or usage counters,
/// which a refused request may rightly touch).
async fn snapshot(app: &TestApp) -> BTreeMap<String, i64> {
    let tables: Vec<String> = if app.url.starts_with("postgres") {
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
            .fetch_all(app.db.pool())
            .await
            .expect("tables")
    } else {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(app.db.pool())
            .await
            .expect("tables")
    };
    let skip =
        ["session", "audit", "throttl", "login", "tentativ", "feedback_usi", "_sqlx", "limit", "uso_", "sqlite_"];
    let mut counts = BTreeMap::new();
    for t in tables.into_iter().filter(|t| !skip.iter().any(|s| t.contains(s))) {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {t}")).fetch_one(app.db.pool()).await.expect("count");
        counts.insert(t, n);
    }
    counts
}

fn encode_form(form: &BTreeMap<String, Field>, fx: &Fixtures) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (k, v) in form {
        match v {
            Field::One(s) => pairs.push((k.clone(), fx.fill(s))),
            Field::Many(items) => {
                for (i, s) in fx.fill_list(items).into_iter().enumerate() {
                    pairs.push((format!("{k}[{i}]"), s));
                }
            }
        }
    }
    pairs
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    case: &Case,
    fx: &Fixtures,
) -> reqwest::Result<reqwest::Response> {
    let (method, path) = case.to.split_once(' ').expect("METHOD /path");
    let url = app.url(&fx.fill(path));
    let mut req = match method {
        "GET" => client.get(url),
        "POST" => client.post(url),
        other => panic!("method {other}"),
    }
    // As a browser sends from our own pages (downloads need it; a cross-site request is refused anyway).
    .header("Origin", &app.base)
    .header("Sec-Fetch-Site", "same-origin");
    if let Some(json) = &case.json {
        req = req.header("Content-Type", "application/json").header("Accept", "application/json").body(fx.fill(json));
    } else if let Some(mp) = &case.multipart {
        let mut form = reqwest::multipart::Form::new();
        // The position comes first, as the page sends it: the server authorizes it before reading on.
        let (first, rest): (Vec<_>, Vec<_>) = mp.fields.iter().partition(|(k, _)| k.as_str() == "posizione");
        for (k, v) in first.into_iter().chain(rest) {
            form = form.text(k.clone(), fx.fill(v));
        }
        for f in &mp.files {
            let data = match (&f.text, &f.generator) {
                (Some(t), _) => t.clone().into_bytes(),
                (None, Some(g)) => generate(g),
                (None, None) => Vec::new(),
            };
            let mut part = reqwest::multipart::Part::bytes(data).file_name(f.name.clone());
            if let Some(ct) = &f.content_type {
                part = part.mime_str(ct).expect("mime");
            }
            form = form.part(f.field.clone(), part);
        }
        req = req.header("Accept", "text/html").multipart(form);
    } else if let Some(raw) = &case.raw {
        let body = match (&raw.body, &raw.generator) {
            (Some(b), _) => fx.fill(b).into_bytes(),
            (None, Some(g)) => generate(g),
            (None, None) => Vec::new(),
        };
        req = req.header("Content-Type", raw.content_type.clone()).header("Accept", "application/json").body(body);
    } else if !case.form.is_empty() {
        req = req.header("Accept", "application/json").form(&encode_form(&case.form, fx));
    }
    req.send().await
}

fn corpus() -> Corpus {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile/corpus.toml"))
        .expect("corpus file");
    toml::from_str(&text).expect("corpus parses")
}

#[test]
fn the_corpus_holds_at_least_a_hundred_cases_of_every_kind() {
    let corpus = corpus();
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &corpus.case {
        *by_kind.entry(c.kind.as_str()).or_default() += 1;
        assert!(
            matches!(c.expect.as_str(), "refused" | "refused_import" | "bounded" | "escaped"),
            "{}: expect {}",
            c.name,
            c.expect
        );
    }
    println!("hostile corpus: {} cases; by kind: {by_kind:?}", corpus.case.len());
    assert!(corpus.case.len() >= 100, "{} cases", corpus.case.len());
    for kind in
        ["oversize", "control", "bidi", "script", "lookalike", "xml", "multipart", "zip", "path", "number", "page"]
    {
        assert!(by_kind.contains_key(kind), "no case of kind {kind}");
    }
}

async fn run_corpus(app: TestApp) {
    let corpus = corpus();
    let fx = Fixtures::load(&app).await;
    let mut clients: BTreeMap<String, reqwest::Client> = BTreeMap::new();
    for case in &corpus.case {
        if !clients.contains_key(&case.sender) {
            let client = match role_of(&case.sender) {
                Some(role) => app.login_as(role).await,
                None => app.client(),
            };
            clients.insert(case.sender.clone(), client);
        }
    }
    let mut failures = Vec::new();
    for case in &corpus.case {
        let client = &clients[&case.sender];
        let before = snapshot(&app).await;
        eprintln!("hostile case: {}", case.name);
        let res = match tokio::time::timeout(std::time::Duration::from_secs(60), send(&app, client, case, &fx)).await {
            Ok(Ok(res)) => res,
            Ok(Err(e)) => {
                failures.push(format!("{}: no answer: {e}", case.name));
                continue;
            }
            Err(_) => {
                failures.push(format!("{}: no answer within 60 seconds", case.name));
                continue;
            }
        };
        let status = res.status().as_u16();
        let loc = location(&res);
        let body = res.text().await.unwrap_or_default();
        let short: String = body.chars().take(200).collect();
        if status >= 500 {
            failures.push(format!("{}: {status} {short}", case.name));
        }
        let message = refusal_message(client, &app, status, &loc, &body).await;
        let refused = message.is_some();
        if let Some(m) = &message
            && !is_clear_italian(m)
        {
            failures.push(format!("{}: {status} refusal not in clear Italian: {m:.200}", case.name));
        }
        if case.expect != "escaped" {
            let after = snapshot(&app).await;
            for (table, n) in &after {
                if before.get(table) != Some(n) && !case.may_store.contains(table) {
                    failures.push(format!("{}: table {table} changed {:?} → {n}", case.name, before.get(table)));
                }
            }
        }
        match case.expect.as_str() {
            "refused" if !refused => failures.push(format!("{}: not refused ({status} {loc} {short})", case.name)),
            "refused_import" if !refused && !import_refused(&app, &loc).await => {
                failures.push(format!("{}: neither refused nor recorded as scartata ({status} {loc})", case.name))
            }
            "escaped" => {
                let (Some(show), Some(raw)) = (&case.show, &case.must_not_appear) else {
                    panic!("{}: escaped needs show and must_not_appear", case.name)
                };
                // Refused, it would prove nothing about how the input is shown.
                if refused {
                    failures.push(format!("{}: refused, but it must be accepted and shown escaped", case.name));
                }
                let show = fx.fill(show).replace("{ultima_richiesta}", &newest_richiesta(&app).await);
                let page = client.get(app.url(&show)).send().await.expect("show");
                let html = page.text().await.unwrap_or_default();
                if html.contains(raw.as_str()) {
                    failures.push(format!("{}: {show} shows the raw input", case.name));
                }
            }
            _ => {}
        }
        for sql in &case.sql_zero {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.expect("sql_zero query");
            if n != 0 {
                failures.push(format!("{}: {sql} counts {n}", case.name));
            }
        }
        if case.zip_names_safe && !refused {
            let id = newest_richiesta(&app).await;
            let url = app.url(&format!("/comunicazioni/{id}/allegati.zip"));
            let res = client.get(url).header("Sec-Fetch-Site", "same-origin").send().await.expect("zip");
            let bytes = res.bytes().await.expect("zip body");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
            for i in 0..zip.len() {
                let name = zip.by_index(i).expect("entry").name().to_string();
                let unsafe_name = name.contains(['/', '\\'])
                    || name.starts_with('.')
                    || app::domain::testo::carattere_non_ammesso(&name).is_some()
                    || name.chars().count() > 120;
                if unsafe_name {
                    failures.push(format!("{}: the zip holds the name {name:?}", case.name));
                }
            }
        }
        let health = app.client().get(app.url("/healthz")).send().await;
        assert!(health.is_ok_and(|h| h.status().is_success()), "{}: the server stopped answering", case.name);
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), corpus.case.len(), failures.join("\n"));
}

both_backends!(corpus_of_hostile_inputs, run_corpus);
