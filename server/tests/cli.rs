//! The `cassetto` binary's subcommands, run as a user would.

use std::process::Command;

use app::ssr::db::Db;
use app::ssr::identity;

#[tokio::test]
async fn user_add_creates_an_account_that_can_log_in_and_seed_refuses_a_full_database() {
    let dir = std::env::temp_dir().join(format!("cassetto_cli_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}", dir.join("cli.db").display());
    let run = |args: &[&str], password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cassetto"));
        cmd.args(args).env("DATABASE_URL", &url).env("RUST_LOG", "error");
        if let Some(p) = password {
            cmd.env("CASSETTO_NEW_PASSWORD", p);
        }
        cmd.output().expect("run cassetto")
    };

    let added = run(
        &["user", "add", "--codice-fiscale", "RSSMRA85T10A562S", "--name", "Mario Rossi", "--role", "datore"],
        Some("una-password-lunga"),
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let stdout = String::from_utf8_lossy(&added.stdout);
    assert!(stdout.contains("otpauth://totp/Cassetto:RSSMRA85T10A562S?secret="), "{stdout}");

    let db = Db::connect(&url).await.expect("connect");
    let id = identity::check_password(&db, "RSSMRA85T10A562S", "una-password-lunga".into()).await.expect("check");
    assert!(id.is_some(), "the new account logs in with its password");

    // Bad input is refused with a clear message and nothing is written.
    let short = run(
        &["user", "add", "--codice-fiscale", "BNCLRA85M41F205C", "--name", "Laura", "--role", "delegato"],
        Some("corta"),
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("almeno 12 caratteri"));
    let bad_cf = run(
        &["user", "add", "--codice-fiscale", "RSSMRA85T10A562X", "--name", "X", "--role", "datore"],
        Some("una-password-lunga"),
    );
    assert!(!bad_cf.status.success());
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db.pool()).await.expect("count");
    assert_eq!(users, 1);

    // Demo data goes only into an empty database.
    let seed = run(&["seed", "--demo"], None);
    assert!(!seed.status.success());

    // Enablements from before the cut-over: all or nothing, then held without a request.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "codice_fiscale,modello,ambito\nRSSMRA85T10A562S,SC65,gc_pubblici\nRSSMRA85T10A562S,SC99,x\n")
        .expect("csv");
    let refused = run(&["import-profiles", bad.to_str().expect("path")], None);
    assert!(!refused.status.success());
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM profile_scopes").fetch_one(db.pool()).await.expect("n");
    assert_eq!(held, 0, "a bad line imports nothing");
    let good = dir.join("good.csv");
    std::fs::write(&good, "RSSMRA85T10A562S,SC65,gc_pubblici\nRSSMRA85T10A562S,SC65,gc_privati\n").expect("csv");
    let imported = run(&["import-profiles", good.to_str().expect("path")], None);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let sources: Vec<String> = sqlx::query_scalar("SELECT source FROM profile_scopes ORDER BY scope")
        .fetch_all(db.pool())
        .await
        .expect("rows");
    assert_eq!(sources, ["importazione", "importazione"]);

    // The daily limits are data an operator changes at the command line; an unknown kind is refused.
    let set = run(&["limiti", "richiesta", "3"], None);
    assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    let listed = run(&["limiti"], None);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.lines().any(|l| l.starts_with("richiesta") && l.contains(" 3 ")), "{listed}");
    let unknown = run(&["limiti", "telefonate", "3"], None);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("telefonate"));
    let massimo: i64 = sqlx::query_scalar("SELECT massimo FROM limiti_giornalieri WHERE azione = 'richiesta'")
        .fetch_one(db.pool())
        .await
        .expect("limit");
    assert_eq!(massimo, 3);

    // The audit chain verifies; a tampered entry is named.
    let verified = run(&["audit", "verify"], None);
    assert!(verified.status.success());
    assert!(String::from_utf8_lossy(&verified.stdout).contains("integro"));
    sqlx::query("DROP TRIGGER audit_log_no_update").execute(db.pool()).await.expect("drop trigger");
    sqlx::query("UPDATE audit_log SET detail = 'alterato' WHERE seq = 1").execute(db.pool()).await.expect("tamper");
    let broken = run(&["audit", "verify"], None);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("voce 1"), "{}", String::from_utf8_lossy(&broken.stdout));
    let _ = std::fs::remove_dir_all(dir);
}
