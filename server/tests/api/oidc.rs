//! «Entra con SPID» / «Entra con CIE» against a real OpenID Provider: `end2end/oidc/op.mjs` (the npm package
//! oidc-provider, configured as a SPID provider: PKCE, signed request objects, private_key_jwt, encrypted
//! userinfo, `acr`), started on loopback for each test. The tests play the browser over HTTP: the provider's
//! login form is posted as a person would, and every attack is performed against the real server.

use std::sync::Arc;

use crate::common::{Backend, TestApp, cf_of, cf_of_name, location};
use app::model::Role;
use reqwest::Url;
use serde_json::{Value, json};
use server::config::Config;
use tokio::io::AsyncBufReadExt;

/// Runs a SPID test body on SQLite and, when configured, PostgreSQL.
macro_rules! both_backends_spid {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(s) = spawn(Backend::Sqlite).await {
                    ($body)(s).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(postgres_tests), ignore = "PostgreSQL: set CASSETTO_TEST_POSTGRES to run it")]
            async fn postgres() {
                if let Some(s) = spawn(Backend::Postgres).await {
                    ($body)(s).await;
                }
            }
        }
    };
}

/// One test OpenID Provider process, ended with the test.
struct Op {
    _child: tokio::process::Child,
    issuer: String,
}

async fn start_op(tipo: &str, nome: &str, rp: &str) -> Op {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/op.mjs");
    let modules = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/node_modules/oidc-provider");
    assert!(
        std::path::Path::new(modules).exists(),
        "the test provider needs `npm ci` in end2end/ (make setup does it)"
    );
    let mut child = tokio::process::Command::new("node")
        .args([script, "--porta", "0", "--tipo", tipo, "--nome", nome, "--rp", rp, "--controllo"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node end2end/oidc/op.mjs");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let port = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("read") {
            if let Some(port) = line.strip_prefix("PORT ") {
                return port.trim().to_string();
            }
        }
        panic!("the test provider stopped before saying its port");
    })
    .await
    .expect("the test provider did not start in 30 s");
    Op { _child: child, issuer: format!("http://127.0.0.1:{port}") }
}

/// The Cassetto with two doors open besides the password: SPID (provider `demo1`) and CIE.
struct Spid {
    app: TestApp,
    spid: Op,
    cie: Op,
    _keys: std::path::PathBuf,
}

async fn spawn(backend: Backend) -> Option<Spid> {
    if backend == Backend::Postgres && crate::common::postgres_url().is_none() {
        eprintln!("SKIPPED: PostgreSQL test (set CASSETTO_TEST_POSTGRES=postgres://user@host:port/db to run it)");
        return None;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let spid = start_op("spid", "IdP Demo 1", &base).await;
    let cie = start_op("cie", "CIE id", &base).await;
    let keys = std::env::temp_dir().join(format!("cassetto-oidc-test-{}-{}.json", std::process::id(), rand_suffix()));
    let key_file = keys.display().to_string();
    let config = Config::from_pairs(&[
        ("CASSETTO_ACCESSO", "password,spid,cie"),
        ("CASSETTO_SPID_FORNITORI", "demo1"),
        ("CASSETTO_SPID_DEMO1_ISSUER", &spid.issuer),
        ("CASSETTO_SPID_DEMO1_NOME", "IdP Demo 1"),
        ("CASSETTO_CIE_ISSUER", &cie.issuer),
        ("CASSETTO_OIDC_KEY_FILE", &key_file),
    ]);
    let porte = server::oidc::config::Porte::from_config(&config).expect("doors");
    let rp = server::oidc::config::relying_party(&config, &porte, &base, false, true).expect("relying party");
    let settings = app::ssr::ctx::Settings { accesso: porte.accesso, ..app::ssr::ctx::Settings::development() };
    let app = TestApp::spawn_on(backend, listener, settings, rp.map(Arc::new)).await?;
    Some(Spid { app, spid, cie, _keys: keys })
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

impl Drop for Spid {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self._keys);
    }
}

/// The test provider's people (`end2end/oidc/persone.json`): codice fiscale → the radio's value.
fn persone() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oidc/persone.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("persone.json")).expect("JSON")
}

fn persona_id(cf: &str) -> String {
    persone()
        .into_iter()
        .find(|p| p["codice_fiscale"] == cf)
        .and_then(|p| p["id"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("{cf} is not among the test provider's people"))
}

/// The person of the test provider who has no account in the Cassetto (the legal representative of an Ente
/// without a datore).
fn newcomer() -> String {
    persone()
        .into_iter()
        .filter_map(|p| p["codice_fiscale"].as_str().map(str::to_string))
        .find(|cf| !app::ssr::demo::is_demo_account(cf))
        .expect("a newcomer among the test provider's people")
}

fn resolve(base: &str, location: &str) -> String {
    Url::parse(base).and_then(|b| b.join(location)).expect("location").to_string()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// What the browser saw on its way through a provider login.
struct Giro {
    /// The authorization request the Cassetto sent the browser to.
    authorize: String,
    /// The provider's redirect back to the Cassetto (not yet followed).
    callback: String,
}

/// Plays the browser from `start` (a Cassetto path) through the provider's login form (person `cf`, SPID level
/// `livello`, button `azione`) to the redirect back to the Cassetto, which is not followed.
async fn giro(s: &Spid, client: &reqwest::Client, start: &str, cf: &str, livello: &str, azione: &str) -> Giro {
    let res = client.get(s.app.url(start)).send().await.expect("start");
    assert_eq!(res.status().as_u16(), 302, "start {start}");
    let authorize = location(&res);
    // Through the provider's redirects to its login form.
    let mut url = authorize.clone();
    let form_url = loop {
        let res = client.get(&url).send().await.expect("provider");
        match res.status().as_u16() {
            200 => break url,
            301..=303 | 307 | 308 => url = resolve(&url, &location(&res)),
            other => panic!("provider answered {other} at {url}: {}", res.text().await.unwrap_or_default()),
        }
    };
    let id = persona_id(cf);
    let res = client
        .post(&form_url)
        .form(&[("persona", id.as_str()), ("livello", livello), ("azione", azione)])
        .send()
        .await
        .expect("login form");
    let mut url = form_url.clone();
    let mut res = res;
    for _ in 0..20 {
        let status = res.status().as_u16();
        assert!(matches!(status, 301..=303 | 307 | 308), "provider answered {status} at {url}");
        url = resolve(&url, &location(&res));
        if url.starts_with(&s.app.base) {
            return Giro { authorize, callback: url };
        }
        res = client.get(&url).send().await.expect("provider");
    }
    panic!("the provider did not send the browser back");
}

/// A whole login: the Cassetto's answer to the callback (its redirect target).
async fn entra(s: &Spid, client: &reqwest::Client, start: &str, cf: &str, livello: &str) -> String {
    let giro = giro(s, client, start, cf, livello, "entra").await;
    let res = client.get(&giro.callback).send().await.expect("callback");
    assert_eq!(res.status().as_u16(), 302, "callback");
    location(&res)
}

async fn whoami(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, body) = app.call(client, "/api/utente", json!({})).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

async fn controllo(op: &Op, modalita: &str) {
    let res = reqwest::Client::new()
        .post(format!("{}/__prova/modalita?m={modalita}", op.issuer))
        .send()
        .await
        .expect("control");
    assert!(res.status().is_success(), "control {modalita}: {}", res.status());
}

async fn last_refusal(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'accesso.negato' ORDER BY seq DESC LIMIT 1")
        .fetch_one(app.db.pool())
        .await
        .expect("an audited refusal")
}

/// The request object: signed with our published key, every claim the profile asks for, the same as the query.
async fn run_request_object(s: Spid) {
    let client = s.app.client();
    let res = client.get(s.app.url("/accesso/spid/demo1?next=/deleghe")).send().await.expect("start");
    assert_eq!(res.status().as_u16(), 302);
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(cookie.starts_with("cassetto_oidc=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let authorize = location(&res);
    assert!(authorize.starts_with(&format!("{}/", s.spid.issuer)), "{authorize}");
    let request = query_param(&authorize, "request").expect("request object");
    let res = client.get(s.app.url("/oidc/jwks.json")).send().await.expect("jwks");
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("public, max-age=300"));
    let jwks = res.text().await.expect("text");
    for private in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""] {
        assert!(!jwks.contains(private), "the public JWKS holds {private}");
    }
    let set = josekit::jwk::JwkSet::from_bytes(jwks.as_bytes()).expect("JWKS");
    let header = josekit::jwt::decode_header(&request).expect("header");
    let kid = header.claim("kid").and_then(Value::as_str).expect("kid");
    let key = set.get(kid).into_iter().next().expect("the signing key is published");
    let verifier = josekit::jws::RS256.verifier_from_jwk(key).expect("verifier");
    let (payload, _) = josekit::jwt::decode_with_verifier(&request, &verifier).expect("signed with our key");
    let claim = |k: &str| payload.claim(k).cloned().unwrap_or(Value::Null);
    assert_eq!(claim("iss"), json!(s.app.base));
    assert_eq!(claim("client_id"), json!(s.app.base));
    assert_eq!(claim("aud"), json!(s.spid.issuer));
    assert_eq!(claim("response_type"), json!("code"));
    assert_eq!(claim("scope"), json!("openid"));
    assert_eq!(claim("redirect_uri"), json!(format!("{}/accesso/oidc/callback", s.app.base)));
    assert_eq!(claim("code_challenge_method"), json!("S256"));
    assert_eq!(claim("acr_values"), json!("https://www.spid.gov.it/SpidL2 https://www.spid.gov.it/SpidL3"));
    assert_eq!(claim("prompt"), json!("consent login"));
    assert!(claim("claims")["userinfo"]["https://attributes.eid.gov.it/fiscal_number"]["essential"] == json!(true));
    for k in ["state", "nonce"] {
        let v = claim(k).as_str().map(str::to_string).unwrap_or_default();
        assert!(v.len() >= 32 && v.bytes().all(|b| b.is_ascii_alphanumeric()), "{k}: {v}");
    }
    for k in ["client_id", "response_type", "scope", "code_challenge", "code_challenge_method"] {
        assert_eq!(query_param(&authorize, k).map(Value::from).unwrap_or(Value::Null), claim(k), "query {k}");
    }
    // `next` travels with the attempt, not with the provider.
    assert!(!authorize.contains("deleghe"));
}

both_backends_spid!(request_object, run_request_object);

/// An existing datore enters with SPID level 2: home, an active session with no second factor, audited; the
/// audit keeps neither the code nor the state.
async fn run_existing_datore(s: Spid) {
    let client = s.app.client();
    let mario = cf_of_name("Mario Rossi");
    let giro = giro(&s, &client, "/accesso/spid/demo1", &mario, "2", "entra").await;
    let code = query_param(&giro.callback, "code").expect("code");
    let state = query_param(&giro.callback, "state").expect("state");
    assert_eq!(query_param(&giro.callback, "iss").as_deref(), Some(s.spid.issuer.as_str()));
    let res = client.get(&giro.callback).send().await.expect("callback");
    assert_eq!(location(&res), "/cassetto");
    let me = whoami(&s.app, &client).await;
    assert_eq!(me["codice_fiscale"], json!(mario));
    assert_eq!(me["role"], json!("datore"));
    let (status, _) = s.app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await;
    assert_eq!(status, 200);
    let provider: Option<String> = sqlx::query_scalar(
        "SELECT s.provider FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.codice_fiscale = $1",
    )
    .bind(&mario)
    .fetch_one(s.app.db.pool())
    .await
    .expect("session");
    assert_eq!(provider.as_deref(), Some("spid:demo1"));
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'accesso' AND subject = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(format!("utente:{mario}"))
    .fetch_one(s.app.db.pool())
    .await
    .expect("audited login");
    assert_eq!(detail, "spid:demo1 SpidL2");
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT subject, detail FROM audit_log").fetch_all(s.app.db.pool()).await.expect("audit");
    for (subject, detail) in rows {
        for secret in [&code, &state] {
            assert!(!subject.contains(secret.as_str()) && !detail.contains(secret.as_str()), "audit holds a secret");
        }
    }
    // The same callback again (a replayed code): the attempt is gone.
    let res = client.get(&giro.callback).send().await.expect("replay");
    assert_eq!(location(&res), "/accesso?errore=spid_scaduto");
    // Logout goes on to the provider's, built from configuration.
    let res = s.app.post_form(&client, "/api/uscita", &[]).await;
    assert_eq!(location(&res), "/accesso/uscita?fornitore=demo1");
    let res = client.get(s.app.url("/accesso/oidc/uscita/demo1")).send().await.expect("logout");
    let to = location(&res);
    assert!(to.starts_with(&s.spid.issuer), "{to}");
    assert_eq!(query_param(&to, "post_logout_redirect_uri"), Some(format!("{}/accesso?uscita=1", s.app.base)));
    assert_eq!(query_param(&to, "client_id"), Some(s.app.base.clone()));
    let (status, body) = s.app.call(&client, "/api/utente", json!({})).await;
    assert!(status == 200 && body.trim() == "null", "signed out: {status} {body}");
}

both_backends_spid!(existing_datore, run_existing_datore);

/// CIE: Laura Bianchi, a delegated employee, enters at level 3.
async fn run_cie(s: Spid) {
    let client = s.app.client();
    let laura = cf_of_name("Laura Bianchi");
    let giro = giro(&s, &client, "/accesso/cie", &laura, "3", "entra").await;
    assert!(giro.authorize.starts_with(&format!("{}/", s.cie.issuer)), "{}", giro.authorize);
    let res = client.get(&giro.callback).send().await.expect("callback");
    assert_eq!(location(&res), "/cassetto");
    assert_eq!(whoami(&s.app, &client).await["codice_fiscale"], json!(laura));
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'accesso' ORDER BY seq DESC LIMIT 1")
            .fetch_one(s.app.db.pool())
            .await
            .expect("audit");
    assert_eq!(detail, "cie SpidL3");
}

both_backends_spid!(cie, run_cie);

/// A newcomer: an account with no role, the welcome page, an SC65 request, the Sede's approval, the Ente.
async fn run_newcomer(s: Spid) {
    let cf = newcomer();
    let (ente_cf, sector): (String, String) = sqlx::query_as(
        "SELECT e.codice_fiscale, e.sector FROM enti e JOIN sedi s ON s.id = e.sede_id \
             WHERE e.legal_rep_cf = $1 AND e.datore_user_id IS NULL AND s.name = 'Roma Eur'",
    )
    .bind(&cf)
    .fetch_one(s.app.db.pool())
    .await
    .expect("the newcomer's Ente at Roma Eur (the demo operator's Sede), without a datore");
    let client = s.app.client();
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &cf, "2").await, "/benvenuto");
    assert_eq!(whoami(&s.app, &client).await["role"], json!("nessuno"));
    // Nothing reaches a position before approval.
    let (status, _) = s.app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await;
    assert_eq!(status, 403);
    let res = client.get(s.app.url("/benvenuto")).send().await.expect("page");
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.expect("html").contains("SC65"));
    // No password: the password door answers as for an unknown account.
    let other = s.app.client();
    let res = s.app.post_form(&other, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", "")]).await;
    assert_eq!(location(&res), "/accesso?errore=credenziali");
    // SC65 for the Ente it represents.
    let scope = if sector == "pubblico" { "gc_pubblici" } else { "gc_privati" };
    let res = s
        .app
        .post_form(
            &client,
            "/api/profilo/richiesta",
            &[("modello", "SC65"), ("codice_fiscale_ente", &ente_cf), ("ambiti[0]", scope)],
        )
        .await;
    assert!(location(&res).starts_with("/profilo?esito=inviata"), "{}", location(&res));
    let request: i64 = sqlx::query_scalar(
        "SELECT r.id FROM profile_requests r JOIN users u ON u.id = r.user_id WHERE u.codice_fiscale = $1",
    )
    .bind(&cf)
    .fetch_one(s.app.db.pool())
    .await
    .expect("request");
    let operator = s.app.login_as(Role::Operatore).await;
    let id = request.to_string();
    let res = s
        .app
        .post_form(&operator, "/api/backoffice/richieste-profilo/decisione", &[("id", &id), ("esito", "approva")])
        .await;
    assert!(location(&res).contains("esito=approva"), "{}", location(&res));
    // Next login: the datore of the Ente.
    let client = s.app.client();
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &cf, "2").await, "/cassetto");
    assert_eq!(whoami(&s.app, &client).await["role"], json!("datore"));
    let (status, body) = s.app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await;
    assert_eq!(status, 200);
    assert!(body.contains(&ente_cf), "{body}");
}

both_backends_spid!(newcomer_to_datore, run_newcomer);

/// Refusals: level 1, an INPS operator, «Annulla» at the provider.
async fn run_refusals(s: Spid) {
    let client = s.app.client();
    let mario = cf_of_name("Mario Rossi");
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &mario, "1").await, "/accesso?errore=spid_livello");
    assert!(last_refusal(&s.app).await.contains("SpidL1"));
    let paolo = cf_of(Role::Operatore);
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &paolo, "2").await, "/accesso?errore=spid_personale");
    let giro = giro(&s, &client, "/accesso/spid/demo1", &mario, "2", "annulla").await;
    assert_eq!(query_param(&giro.callback, "error").as_deref(), Some("access_denied"));
    let res = client.get(&giro.callback).send().await.expect("callback");
    assert_eq!(location(&res), "/accesso?errore=spid_annullato");
    let (_, body) = s.app.call(&client, "/api/utente", json!({})).await;
    assert_eq!(body.trim(), "null", "no session after any refusal");
    // A disabled account does not enter through a provider either.
    let laura = cf_of_name("Laura Bianchi");
    sqlx::query("UPDATE users SET enabled = 0 WHERE codice_fiscale = $1")
        .bind(&laura)
        .execute(s.app.db.pool())
        .await
        .expect("disable");
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &laura, "2").await, "/accesso?errore=spid_disabilitato");
    let (_, body) = s.app.call(&client, "/api/utente", json!({})).await;
    assert_eq!(body.trim(), "null");
}

both_backends_spid!(refusals, run_refusals);

/// Attacks: a tampered state, another browser's callback, a wrong nonce, a token signed by an unknown key.
async fn run_attacks(s: Spid) {
    let mario = cf_of_name("Mario Rossi");
    // Tampered state.
    let client = s.app.client();
    let giro1 = giro(&s, &client, "/accesso/spid/demo1", &mario, "2", "entra").await;
    let state = query_param(&giro1.callback, "state").expect("state");
    let mut tampered = state.clone();
    tampered.replace_range(0..1, if state.starts_with('0') { "1" } else { "0" });
    let res = client.get(giro1.callback.replace(&state, &tampered)).send().await.expect("callback");
    assert_eq!(location(&res), "/accesso?errore=spid_scaduto");
    // Another browser (the attacker's own cookie jar) with the victim's callback.
    let attacker = s.app.client();
    let res = attacker.get(&giro1.callback).send().await.expect("callback");
    assert_eq!(location(&res), "/accesso?errore=spid_scaduto");
    let (_, body) = s.app.call(&attacker, "/api/utente", json!({})).await;
    assert_eq!(body.trim(), "null");
    // A state of garbage or of absurd length, and no binding cookie at all.
    // Control characters are refused at the boundary with the Italian 400 every route gives them.
    let res =
        client.get(format!("{}/accesso/oidc/callback?code=x&state=%00%0a", s.app.base)).send().await.expect("callback");
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.expect("text").contains("carattere"), "an Italian refusal");
    let url = format!("{}/accesso/oidc/callback?code=x&state={}", s.app.base, "a".repeat(5000));
    assert_eq!(location(&client.get(&url).send().await.expect("callback")), "/accesso?errore=spid_scaduto");
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/accesso/oidc/callback?code=x&state={state}", s.app.base))
        .send()
        .await
        .expect("callback");
    assert_eq!(location(&res), "/accesso?errore=spid_scaduto");
    // A wrong nonce in the ID token.
    let client = s.app.client();
    controllo(&s.spid, "nonce-errato").await;
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &mario, "2").await, "/accesso?errore=spid_fallito");
    assert!(last_refusal(&s.app).await.contains("nonce"), "{}", last_refusal(&s.app).await);
    // An ID token signed by a key the provider never published.
    controllo(&s.spid, "chiave-ignota").await;
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &mario, "2").await, "/accesso?errore=spid_fallito");
    assert!(last_refusal(&s.app).await.contains("firma"), "{}", last_refusal(&s.app).await);
    let (_, body) = s.app.call(&client, "/api/utente", json!({})).await;
    assert_eq!(body.trim(), "null");
    // And the normal way still works after them.
    assert_eq!(entra(&s, &client, "/accesso/spid/demo1", &mario, "2").await, "/cassetto");
}

both_backends_spid!(attacks, run_attacks);
