//! Secrets at rest (docs/security.md), attacked as someone who can read and write the database would:
//! the audit chain rewritten with recomputed plain hashes (caught by `cassetto audit verify` with the key from the
//! key file), TOTP secrets read or copied between users (sealed, bound to the user), and the delega OTP left in
//! the outbox after it died (erased, its PEC given up).

use std::process::Command;

use crate::common::mail_sink::MailSink;
use crate::common::{Backend, TestApp, cf_of, location};
use app::model::Role;
use app::ssr::audit::{self, Entry};
use app::ssr::db::{Db, now_unix};
use app::ssr::demo::{DEMO_PASSWORD, demo_totp_secret};
use app::ssr::identity::totp;
use app::ssr::outbox::{self, MailSettings};
use serde_json::json;

// ---------------------------------------------------------------------------------------------------------
// The audit chain, through the built binary and its key file.

struct Cli {
    dir: std::path::PathBuf,
    url: String,
}

impl Cli {
    fn new(name: &str) -> Cli {
        let dir = std::env::temp_dir().join(format!("cassetto_secrets_{name}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("sqlite://{}", dir.join("cli.db").display());
        Cli { dir, url }
    }

    fn run(&self, args: &[&str], keys: Option<&str>) -> std::process::Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cassetto"));
        cmd.args(args)
            .current_dir(&self.dir)
            .env("DATABASE_URL", &self.url)
            .env("RUST_LOG", "error")
            .env("CASSETTO_NEW_PASSWORD", "una-password-lunga")
            .env_remove("CASSETTO_KEY_FILE")
            .env_remove("CASSETTO_KEYS");
        if let Some(k) = keys {
            cmd.env("CASSETTO_KEYS", k);
        }
        cmd.output().expect("run cassetto")
    }

    fn import(&self, lines: &str) {
        let csv = self.dir.join("profili.csv");
        std::fs::write(&csv, lines).expect("csv");
        let out = self.run(&["import-profiles", csv.to_str().expect("path")], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    fn verify(&self, keys: Option<&str>) -> (Option<i32>, String) {
        let out = self.run(&["audit", "verify"], keys);
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: i64,
    actor_user_id: Option<i64>,
    action: String,
    subject: String,
    detail: String,
}

/// What someone with write access to the database can do without the key: change an entry, then recompute every
/// hash from there on with plain SHA-256 and make `audit_head` agree. `unsign` also drops the key ids and moves the
/// start of the keyed chain past the end, declaring the whole chain "from before the key".
async fn rewrite_chain(db: &Db, tamper_seq: i64, unsign: bool) {
    for trigger in ["audit_log_no_update", "audit_log_no_delete"] {
        sqlx::query(&format!("DROP TRIGGER IF EXISTS {trigger}")).execute(db.pool()).await.expect("drop trigger");
    }
    sqlx::query("UPDATE audit_log SET detail = 'alterato' WHERE seq = $1")
        .bind(tamper_seq)
        .execute(db.pool())
        .await
        .expect("tamper");
    let rows: Vec<AuditRow> =
        sqlx::query_as("SELECT seq, at, actor_user_id, action, subject, detail FROM audit_log ORDER BY seq")
            .fetch_all(db.pool())
            .await
            .expect("rows");
    let mut prev: String = if tamper_seq == 1 || unsign {
        audit::GENESIS.to_string()
    } else {
        sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
            .bind(if unsign { 0 } else { tamper_seq - 1 })
            .fetch_one(db.pool())
            .await
            .expect("prev")
    };
    let from = if unsign { 1 } else { tamper_seq };
    for r in rows.iter().filter(|r| r.seq >= from) {
        let e = Entry { actor_user_id: r.actor_user_id, action: &r.action, subject: &r.subject, detail: &r.detail };
        let hash = audit::entry_hash(r.seq, r.at, &e, &prev);
        let key = if unsign { "NULL" } else { "key_id" };
        sqlx::query(&format!("UPDATE audit_log SET prev_hash = $1, hash = $2, key_id = {key} WHERE seq = $3"))
            .bind(&prev)
            .bind(&hash)
            .bind(r.seq)
            .execute(db.pool())
            .await
            .expect("rewrite");
        prev = hash;
    }
    let last = rows.last().expect("entries").seq;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev).execute(db.pool()).await.expect("head");
    if unsign {
        sqlx::query("UPDATE audit_head SET keyed_from = $1 WHERE id = 1")
            .bind(last + 1)
            .execute(db.pool())
            .await
            .expect("keyed_from");
    }
}

#[tokio::test]
async fn audit_chain_rewritten_with_plain_hashes_is_caught_with_the_key() {
    let cli = Cli::new("audit");
    let added = cli.run(
        &["user", "add", "--codice-fiscale", "RSSMRA85T10A562S", "--name", "Mario Rossi", "--role", "datore"],
        None,
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    // The first start made the key file beside the database, readable by its owner only.
    let key_file = cli.dir.join("cassetto.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&key_file).expect("key file").permissions());
    assert_eq!(mode & 0o777, 0o600);
    let k1_line = std::fs::read_to_string(&key_file)
        .expect("read")
        .lines()
        .find(|l| l.starts_with("k1 "))
        .expect("k1")
        .to_string();
    cli.import("RSSMRA85T10A562S,SC65,gc_pubblici\nRSSMRA85T10A562S,SC65,gc_privati\nRSSMRA85T10A562S,SC65,malattia_attestati\n");

    // With the right key, the untouched chain verifies.
    let (code, out) = cli.verify(None);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("integro: 3 voci"), "{out}");

    // With another key, nothing verifies.
    let (code, out) = cli.verify(Some(&format!("k1 {}", "ab".repeat(32))));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("voce 1"), "{out}");

    // Rotation: a new current key first, the old one kept as retired. New entries carry the new key, old ones
    // still verify; the TOTP secrets are sealed again with the new key at start.
    let k2 = "cd".repeat(32);
    std::fs::write(&key_file, format!("k2 {k2}\n{k1_line}\n")).expect("rotate");
    cli.import("RSSMRA85T10A562S,SC65,malattia_visita\n");
    let (code, out) = cli.verify(None);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("integro: 4 voci (chiave corrente k2)"), "{out}");
    let db = Db::connect(&cli.url).await.expect("connect");
    let ids: Vec<Option<String>> =
        sqlx::query_scalar("SELECT key_id FROM audit_log ORDER BY seq").fetch_all(db.pool()).await.expect("ids");
    assert_eq!(ids, [Some("k1"), Some("k1"), Some("k1"), Some("k2")].map(|s| s.map(String::from)));
    let stored: String = sqlx::query_scalar("SELECT totp_secret FROM users").fetch_one(db.pool()).await.expect("s");
    assert!(stored.starts_with("v1:k2:"), "{stored}");
    // A retired key dropped too early: its entries are named.
    let (code, out) = cli.verify(Some(&format!("k2 {k2}")));
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("voce 1") && out.contains("«k1»"), "{out}");

    // The attack: entry 2 changed and every hash from it recomputed in plain SHA-256.
    rewrite_chain(&db, 2, false).await;
    let (code, out) = cli.verify(None);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ALTERATO: primo anello rotto alla voce 2"), "{out}");

    // The cleverer attack: the whole chain declared "from before the key" and recomputed plain.
    rewrite_chain(&db, 2, true).await;
    let (code, out) = cli.verify(None);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ALTERATO: primo anello rotto alla voce 4") && out.contains("non è firmata"), "{out}");
}

// ---------------------------------------------------------------------------------------------------------
// TOTP secrets at rest.

async fn stored_secret(app: &TestApp, cf: &str) -> (i64, String) {
    sqlx::query_as("SELECT id, totp_secret FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

/// Password, then `code`: whether the client ends up with a full session.
async fn login_with_code(app: &TestApp, cf: &str, code: &str) -> bool {
    let client = app.client();
    let res =
        app.post_form(&client, "/api/accesso/password", &[("codice_fiscale", cf), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(location(&res), "/accesso/codice", "password step for {cf}");
    let _ = app.post_form(&client, "/api/accesso/codice", &[("codice", code)]).await;
    app.call(&client, "/api/deleghe", json!({})).await.0 == 200
}

async fn totp_at_rest(app: TestApp) {
    // No row of the users table holds a secret in plain: neither as base32 nor as bytes of the demo secret.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT codice_fiscale, totp_secret FROM users").fetch_all(app.db.pool()).await.expect("users");
    assert!(rows.len() >= 10);
    for (cf, stored) in &rows {
        let plain = demo_totp_secret(cf);
        assert!(stored.starts_with("v1:k1:"), "{cf}: {stored}");
        assert!(!stored.contains(&totp::encode_secret(&plain)), "{cf}: base32 of the secret in the row");
        assert_ne!(totp::decode_secret(stored), Some(plain.clone()), "{cf}: decodes as the secret");
        let after_prefix = stored.rsplit(':').next().unwrap_or_default();
        assert_ne!(totp::decode_secret(after_prefix), Some(plain), "{cf}");
    }

    // Login still works.
    let mario_cf = cf_of(Role::Datore);
    let laura_cf = cf_of(Role::Delegato);
    let code = app.next_totp(&mario_cf).await;
    assert!(login_with_code(&app, &mario_cf, &code).await, "Mario logs in with his code");

    // Mario copies his stored secret into Laura's row: his code does not open her account.
    let (_, mario_sealed) = stored_secret(&app, &mario_cf).await;
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE codice_fiscale = $2")
        .bind(&mario_sealed)
        .bind(&laura_cf)
        .execute(app.db.pool())
        .await
        .expect("copy");
    let step = totp::step_at(now_unix()) + 1;
    let mario_code = totp::code_for_step(&demo_totp_secret(&mario_cf), step);
    assert!(!login_with_code(&app, &laura_cf, &mario_code).await, "a copied secret does not verify");

    // A secret still in plain (written before this version) is sealed at start, once.
    let laura_id = stored_secret(&app, &laura_cf).await.0;
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(totp::encode_secret(&demo_totp_secret(&laura_cf)))
        .bind(laura_id)
        .execute(app.db.pool())
        .await
        .expect("plain");
    assert_eq!(app::ssr::secrets::seal_stored_totp_secrets(&app.db).await.expect("seal"), 1);
    assert_eq!(app::ssr::secrets::seal_stored_totp_secrets(&app.db).await.expect("again"), 0, "idempotent");
    assert!(stored_secret(&app, &laura_cf).await.1.starts_with("v1:k1:"));
    let code = app.next_totp(&laura_cf).await;
    assert!(login_with_code(&app, &laura_cf, &code).await, "Laura logs in after the conversion");
}

both_backends!(totp_secrets_are_sealed_and_bound_to_their_user, totp_at_rest);

// ---------------------------------------------------------------------------------------------------------
// The delega OTP in the outbox.

async fn request_delega(app: &TestApp, client: &reqwest::Client, ente: &str) -> i64 {
    let code = app.position_of(ente).await;
    let (cf, rep): (String, String) =
        sqlx::query_as("SELECT codice_fiscale, legal_rep_cf FROM enti WHERE denominazione = $1")
            .bind(ente)
            .fetch_one(app.db.pool())
            .await
            .expect("ente");
    let form = [
        ("posizione", code.as_str()),
        ("codice_fiscale_ente", cf.as_str()),
        ("codice_fiscale_rappresentante", rep.as_str()),
        ("nome_rappresentante", "Legale"),
        ("cognome_rappresentante", "Rappresentante"),
        ("servizi[0]", "gc_pubblici"),
        ("password", DEMO_PASSWORD),
    ];
    let res = client
        .post(app.url("/api/deleghe/intermediario"))
        .header("Origin", &app.base)
        .form(&form)
        .send()
        .await
        .expect("request");
    let to = location(&res);
    assert_eq!(res.status().as_u16(), 200, "{to}");
    to.strip_prefix("/deleghe/").and_then(|r| r.split('?').next()).and_then(|id| id.parse().ok()).expect("delega id")
}

#[derive(Debug, sqlx::FromRow)]
struct Pec {
    id: i64,
    status: String,
    secret: Option<String>,
    body: String,
    last_error: Option<String>,
}

async fn pecs(app: &TestApp, delega: i64) -> Vec<Pec> {
    sqlx::query_as("SELECT id, status, secret, body, last_error FROM outbox WHERE delega_id = $1 ORDER BY id")
        .bind(delega)
        .fetch_all(app.db.pool())
        .await
        .expect("outbox")
}

async fn otp_in_outbox(app: TestApp) {
    let giuseppe = app.login_as(Role::Intermediario).await;
    let expiring = request_delega(&app, &giuseppe, "Azienda Ospedaliera San Luca").await;
    let replaced = request_delega(&app, &giuseppe, "Comune di Serralunga").await;
    // Mail is not configured: both PECs wait with their code in the row.
    let waiting = pecs(&app, expiring).await;
    assert_eq!(waiting.len(), 1);
    let dead_code = waiting[0].secret.clone().expect("the code waits for delivery");

    // 72 hours later (the row's times moved back), and a new code asked for the second delega.
    let now = now_unix();
    let past = now - app::domain::profili::otp::VALID_SECONDS - 3600;
    sqlx::query("UPDATE outbox SET created_at = $1, next_attempt_at = $1 WHERE delega_id = $2")
        .bind(past)
        .bind(expiring)
        .execute(app.db.pool())
        .await
        .expect("age");
    sqlx::query("UPDATE delega_evidence SET otp_issued_at = $1, otp_expires_at = $2 WHERE delega_id = $3")
        .bind(past)
        .bind(past + app::domain::profili::otp::VALID_SECONDS)
        .bind(expiring)
        .execute(app.db.pool())
        .await
        .expect("age");
    let res = giuseppe
        .post(app.url("/api/deleghe/nuovo-otp"))
        .header("Origin", &app.base)
        .form(&[("id", replaced.to_string())])
        .send()
        .await
        .expect("reissue");
    assert_eq!(res.status().as_u16(), 200);

    // The worker's sweep (it runs on a timer when mail is not configured, and before every delivery pass).
    assert_eq!(outbox::sweep_dead_secrets(&app.db, now).await.expect("sweep"), 2);
    let expired = pecs(&app, expiring).await;
    assert_eq!(expired[0].secret, None, "the expired code is erased");
    assert!(!expired[0].body.contains(&dead_code));
    assert_eq!(expired[0].status, "fallito", "not sent with a dead code");
    assert_eq!(expired[0].last_error.as_deref(), Some(outbox::DEAD_SECRET));
    let reissued = pecs(&app, replaced).await;
    assert_eq!(reissued.len(), 2);
    assert_eq!((reissued[0].secret.as_deref(), reissued[0].status.as_str()), (None, "fallito"), "replaced code");
    let live = reissued[1].secret.clone().expect("the live code still waits");

    // Mail arrives: only the live code goes out, and then it is gone from the row too.
    let sink = MailSink::start();
    let mail = MailSettings {
        smtp_url: sink.url(),
        from_email: "noreply@cassetto.test".into(),
        from_pec: "cassetto@pec.cassetto.test".into(),
        pec_provider: "pec.cassetto.test".into(),
        public_url: "https://cassetto.test".to_string(),
        sms: None,
    };
    outbox::deliver_due(&app.db, &mail, now_unix() + 1).await.expect("deliver");
    let sent = sink.messages();
    assert_eq!(sent.len(), 1, "only the live PEC is sent: {:?}", pecs(&app, replaced).await);
    assert!(sent[0].contains(&live) && !sent[0].contains(&dead_code));
    let delivered = pecs(&app, replaced).await;
    assert_eq!((delivered[1].status.as_str(), delivered[1].secret.as_deref()), ("inviato", None));
    assert_eq!(delivered[1].id, reissued[1].id);
}

both_backends!(delega_otp_is_erased_from_the_outbox_at_expiry_and_replacement, otp_in_outbox);
