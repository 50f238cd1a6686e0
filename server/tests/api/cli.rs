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

/// `import-profiles` with the datore ↔ Ente links and the deleghe in force: every line checked and reported
/// in Italian, nothing written while one line is wrong, and a second run that changes nothing. (That the
/// imported delega reaches its position over HTTP: `deleghe.rs`, `imported_enablements_work_from_day_one`.)
#[tokio::test]
async fn import_profiles_brings_links_and_deleghe_whole_and_idempotent() {
    let dir = std::env::temp_dir().join(format!("cassetto_cli_import_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}", dir.join("cli.db").display());
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cassetto"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .env("CASSETTO_NEW_PASSWORD", "una-password-lunga")
            .output()
            .expect("run cassetto")
    };
    let seeded = run(&["seed", "--demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let added =
        run(&["user", "add", "--codice-fiscale", "GLLCRL70A41H501P", "--name", "Carla Gialli", "--role", "datore"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let db = Db::connect(&url).await.expect("connect");
    let ente = |name: &'static str| {
        let db = db.clone();
        async move {
            sqlx::query_as::<_, (String, String)>(
                "SELECT e.codice_fiscale, MIN(p.code) FROM enti e JOIN positions p ON p.ente_id = e.id \
                 WHERE e.denominazione = $1 GROUP BY e.codice_fiscale",
            )
            .bind(name)
            .fetch_one(db.pool())
            .await
            .expect("ente")
        }
    };
    let (galilei_cf, galilei) = ente("Istituto Tecnico Galilei").await;
    let (_, serralunga) = ente("Comune di Serralunga").await;
    let enti = dir.join("enti.csv");
    std::fs::write(
        &enti,
        format!("codice_fiscale_ente,codice_fiscale_datore,ambito\n{galilei_cf},GLLCRL70A41H501P,gc_pubblici\n"),
    )
    .expect("csv");
    let deleghe_lines = format!(
        "tipo,posizione,codice_fiscale_delegato,dal,al,servizi\n\
         intermediario,{serralunga},VRDGPP65C10L219T,2022-03-01,,gc_pubblici\n\
         dipendente,{galilei},BNCLRA85M41F205C,2021-09-01,,\n"
    );
    let bad = dir.join("deleghe-errate.csv");
    std::fs::write(
        &bad,
        format!(
            "{deleghe_lines}\
             intermediario,{serralunga},VRDGPP65C10L219T,2022-03-01,2021-01-01,gc_pubblici\n\
             procura,{serralunga},VRDGPP65C10L219T,2022-03-01,,gc_pubblici\n"
        ),
    )
    .expect("csv");
    let good = dir.join("deleghe.csv");
    std::fs::write(&good, &deleghe_lines).expect("csv");
    let count = || {
        let db = db.clone();
        async move {
            let deleghe: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deleghe WHERE origin = 'importazione'")
                .fetch_one(db.pool())
                .await
                .expect("n");
            let linked: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM enti e JOIN users u ON u.id = e.datore_user_id \
                 WHERE u.codice_fiscale = 'GLLCRL70A41H501P'",
            )
            .fetch_one(db.pool())
            .await
            .expect("n");
            (deleghe, linked)
        }
    };

    let (enti_arg, bad_arg, good_arg) =
        (enti.to_str().expect("path"), bad.to_str().expect("path"), good.to_str().expect("path"));
    let refused = run(&["import-profiles", "--enti", enti_arg, "--deleghe", bad_arg]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("deleghe-errate.csv riga 4: ERRORE: la data di fine precede quella di inizio"), "{stderr}");
    assert!(stderr.contains("deleghe-errate.csv riga 5: ERRORE: tipo \"procura\" non ammesso"), "{stderr}");
    assert!(stderr.contains("deleghe-errate.csv riga 2:") && stderr.contains("corretta, non importata"), "{stderr}");
    assert!(stderr.contains("importazione rifiutata: nessuna modifica"), "{stderr}");
    assert_eq!(count().await, (0, 0), "a bad line imports nothing");

    let imported = run(&["import-profiles", "--enti", enti_arg, "--deleghe", good_arg]);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert_eq!(stdout.lines().filter(|l| l.ends_with(": importata")).count(), 3, "{stdout}");
    assert!(stdout.contains(&format!("deleghe.csv riga 2: delega intermediario di VRDGPP65C10L219T sulla posizione {serralunga}, dal 01/03/2022 fino a revoca: importata")), "{stdout}");
    assert_eq!(count().await, (2, 1));

    let again = run(&["import-profiles", "--enti", enti_arg, "--deleghe", good_arg]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(stdout.lines().filter(|l| l.ends_with(": già presente")).count(), 3, "{stdout}");
    assert_eq!(count().await, (2, 1), "a second run changes nothing");

    let nothing = run(&["import-profiles"]);
    assert!(!nothing.status.success());
    let _ = std::fs::remove_dir_all(dir);
}
