//! Login and accounts (docs/security.md, "Login and accounts"): each test performs an attack over HTTP against
//! the real router — on both backends where the data layer is involved — and fails if the defence is removed.

use std::net::IpAddr;

use crate::common::{Backend, TestApp, cf_of, location};
use app::model::Role;
use app::ssr::demo::{DEMO_PASSWORD, demo_totp_secret};
use app::ssr::identity::{self, MAX_TOTP_FAILURES, SESSION_TOTP_TRIES, totp};
use app::ssr::throttle;
use serde_json::json;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A client whose connections come from `ip` (any 127.x.y.z is loopback on Linux): another client address.
fn client_from(ip: &str) -> reqwest::Client {
    let ip: IpAddr = ip.parse().expect("ip");
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(ip)
        .build()
        .expect("client")
}

async fn password(app: &TestApp, client: &reqwest::Client, cf: &str, password: &str) -> String {
    location(&app.post_form(client, "/api/accesso/password", &[("codice_fiscale", cf), ("password", password)]).await)
}

async fn code(app: &TestApp, client: &reqwest::Client, code: &str) -> String {
    location(&app.post_form(client, "/api/accesso/codice", &[("codice", code)]).await)
}

/// A code that no step of the current window accepts.
fn wrong_code(cf: &str) -> String {
    let secret = demo_totp_secret(cf);
    let step = totp::step_at(now());
    let valid: Vec<String> = (step - 2..=step + 2).map(|s| totp::code_for_step(&secret, s)).collect();
    (0..1_000_000).map(|n| format!("{n:06}")).find(|c| !valid.contains(c)).expect("a wrong code")
}

async fn totp_state(app: &TestApp, cf: &str) -> (i64, i64) {
    sqlx::query_as("SELECT totp_failures, totp_locked_until FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_one(app.db.pool())
        .await
        .expect("user")
}

/// (failures, lock_seconds, locked_until) of a throttle key, if the row exists.
async fn throttle_row(app: &TestApp, key: &str) -> Option<(i64, i64, i64)> {
    sqlx::query_as("SELECT failures, lock_seconds, locked_until FROM login_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(app.db.pool())
        .await
        .expect("throttle")
}

// ---------------------------------------------------------------------------------------------------------------
// Item 1: the second factor.

/// "Password, wrong codes, password again…" used to reset the shared counter at each right password. The second
/// factor now has its own counter that only a completed login resets: the account's second factor locks after
/// `MAX_TOTP_FAILURES` wrong codes across sessions, and then even the right code is refused.
async fn run_second_factor_counter_survives_the_password(app: TestApp) {
    let cf = cf_of(Role::Datore);
    let wrong = wrong_code(&cf);
    let client = app.client();
    let mut answers = Vec::new();
    for _round in 0..3 {
        assert_eq!(password(&app, &client, &cf, DEMO_PASSWORD).await, "/accesso/codice");
        for _ in 0..4 {
            answers.push(code(&app, &client, &wrong).await);
        }
    }
    let counted = answers.iter().filter(|l| l.contains("errore=codice")).count() as i64;
    assert_eq!(counted, MAX_TOTP_FAILURES, "exactly the account's cap of wrong codes was tried: {answers:?}");
    assert!(answers.iter().any(|l| l.contains("errore=sospeso")), "{answers:?}");
    let (failures, locked_until) = totp_state(&app, &cf).await;
    assert_eq!(failures, MAX_TOTP_FAILURES);
    assert!(locked_until > now());

    // A right password and then the right code: still refused while the second factor is locked.
    assert_eq!(password(&app, &client, &cf, DEMO_PASSWORD).await, "/accesso/codice");
    let right = app.next_totp(&cf).await;
    assert!(code(&app, &client, &right).await.contains("errore=sospeso"));
    assert_eq!(totp_state(&app, &cf).await.1, locked_until, "a try during the lock does not extend it");

    // Once the lock is over, a completed login resets the counter.
    sqlx::query("UPDATE users SET totp_locked_until = $1 WHERE codice_fiscale = $2")
        .bind(now() - 1)
        .bind(&cf)
        .execute(app.db.pool())
        .await
        .expect("end the lock");
    assert_eq!(password(&app, &client, &cf, DEMO_PASSWORD).await, "/accesso/codice");
    let right = app.next_totp(&cf).await;
    assert_eq!(code(&app, &client, &right).await, "/cassetto");
    assert_eq!(totp_state(&app, &cf).await, (0, 0));
}
both_backends!(second_factor_counter_survives_the_password, run_second_factor_counter_survives_the_password);

/// Fifty wrong codes sent at once in one second-factor session: exactly `SESSION_TOTP_TRIES` are tried (the
/// check-and-count is one conditional UPDATE), the others refused, and the session is then dead: the right code
/// is refused too. Then the same across many sessions: exactly `MAX_TOTP_FAILURES` are counted on the account.
async fn run_parallel_wrong_codes_count_exactly_the_cap(app: TestApp) {
    let cf = cf_of(Role::Datore);
    let wrong = wrong_code(&cf);
    let login = app.client();
    let res =
        app.post_form(&login, "/api/accesso/password", &[("codice_fiscale", &cf), ("password", DEMO_PASSWORD)]).await;
    let cookie = res.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_string();
    // No cookie jar: the refusals expire the cookie, which must not change what the other requests send.
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let send = |code: String| {
        let (bare, cookie, url, origin) =
            (bare.clone(), cookie.clone(), app.url("/api/accesso/codice"), app.base.clone());
        async move {
            let res = bare
                .post(url)
                .header("cookie", cookie)
                .header("Origin", origin)
                .header("Accept", "text/html")
                .form(&[("codice", code.as_str())])
                .send()
                .await
                .expect("post");
            location(&res)
        }
    };
    let tasks: Vec<_> = (0..50).map(|_| tokio::spawn(send(wrong.clone()))).collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    let tried = answers.iter().filter(|l| l.contains("errore=codice")).count() as i64;
    assert_eq!(tried, SESSION_TOTP_TRIES, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|l| l.contains("errore=codice") || l.contains("errore=tentativi") || l.contains("errore=scaduta")),
        "{answers:?}"
    );
    assert_eq!(totp_state(&app, &cf).await.0, SESSION_TOTP_TRIES, "every try was counted on the account");
    let right = app.next_totp(&cf).await;
    assert!(!send(right).await.starts_with("/cassetto"), "the spent session is dead, even for the right code");

    // Many sessions (each after the right password), all their tries at once: the account counts exactly its cap.
    let other = cf_of(Role::Delegato);
    let wrong = wrong_code(&other);
    let mut cookies = Vec::new();
    for _ in 0..6 {
        let c = app.client();
        let res = app
            .post_form(&c, "/api/accesso/password", &[("codice_fiscale", &other), ("password", DEMO_PASSWORD)])
            .await;
        cookies.push(res.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("kv").to_string());
    }
    let tasks: Vec<_> = cookies
        .iter()
        .flat_map(|cookie| (0..SESSION_TOTP_TRIES).map(move |_| cookie.clone()))
        .map(|cookie| {
            let (bare, url, origin, wrong) =
                (bare.clone(), app.url("/api/accesso/codice"), app.base.clone(), wrong.clone());
            tokio::spawn(async move {
                let res = bare
                    .post(url)
                    .header("cookie", cookie)
                    .header("Origin", origin)
                    .header("Accept", "text/html")
                    .form(&[("codice", wrong.as_str())])
                    .send()
                    .await
                    .expect("post");
                location(&res)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    let tried = answers.iter().filter(|l| l.contains("errore=codice")).count() as i64;
    assert_eq!(tried, MAX_TOTP_FAILURES, "{answers:?}");
    assert_eq!(totp_state(&app, &other).await.0, MAX_TOTP_FAILURES);
}
both_backends!(parallel_wrong_codes_count_exactly_the_cap, run_parallel_wrong_codes_count_exactly_the_cap);

// ---------------------------------------------------------------------------------------------------------------
// Item 2: throttling that cannot be turned against the owner.

/// The old lock was extended by every attempt made during it, the right password included, so anyone could keep
/// any account locked. Now: a lock per (account, address) that attempts during it neither extend nor get checked,
/// the owner's address unaffected by another address's failures, exponential growth, and the account-wide lock
/// (many addresses) not applied to an address from which the account completed a login.
async fn run_locks_are_not_extended_and_spare_the_owner(app: TestApp) {
    let cf = cf_of(Role::Operatore);
    let owner = client_from("127.0.0.1");
    // The owner logged in from here before: a known address.
    assert_eq!(password(&app, &owner, &cf, DEMO_PASSWORD).await, "/accesso/codice");
    let right = app.next_totp(&cf).await;
    assert!(!code(&app, &owner, &right).await.contains("errore"));

    let attacker = client_from("127.0.0.2");
    for _ in 0..throttle::PAIR.threshold {
        assert_eq!(password(&app, &attacker, &cf, "password-sbagliata").await, "/accesso?errore=credenziali");
    }
    let pair = format!("coppia:{cf}|127.0.0.2");
    let (_, lock_seconds, locked_until) = throttle_row(&app, &pair).await.expect("pair row");
    assert_eq!(lock_seconds, throttle::BASE_LOCK_SECONDS);
    assert!(locked_until > now());
    // During the lock: refused without checking, the right password too, and the lock does not move.
    for pw in ["password-sbagliata", DEMO_PASSWORD, "ancora-sbagliata"] {
        assert_eq!(password(&app, &attacker, &cf, pw).await, "/accesso?errore=attesa");
    }
    assert_eq!(
        throttle_row(&app, &pair).await.expect("row").2,
        locked_until,
        "attempts during the lock do not extend it"
    );
    // The owner's address is not locked by the attacker's failures.
    let owner_again = client_from("127.0.0.1");
    assert_eq!(password(&app, &owner_again, &cf, DEMO_PASSWORD).await, "/accesso/codice");

    // Exponential: when the lock is over, the next failure locks for twice as long.
    sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = $2")
        .bind(now() - 1)
        .bind(&pair)
        .execute(app.db.pool())
        .await
        .expect("end the lock");
    assert_eq!(password(&app, &attacker, &cf, "password-sbagliata").await, "/accesso?errore=credenziali");
    assert_eq!(throttle_row(&app, &pair).await.expect("row").1, 2 * throttle::BASE_LOCK_SECONDS);

    // Many addresses: the account-wide rule locks the account for unknown addresses…
    for n in 3..6 {
        let c = client_from(&format!("127.0.0.{n}"));
        for _ in 0..throttle::PAIR.threshold {
            password(&app, &c, &cf, "password-sbagliata").await;
        }
    }
    let account = format!("conto:{cf}");
    let (failures, _, account_until) = throttle_row(&app, &account).await.expect("account row");
    assert!(failures >= throttle::ACCOUNT.threshold, "{failures}");
    assert!(account_until > now());
    let newcomer = client_from("127.0.0.50");
    assert_eq!(password(&app, &newcomer, &cf, DEMO_PASSWORD).await, "/accesso?errore=attesa");
    // …and failures from yet another address do not move it.
    let another = client_from("127.0.0.51");
    assert_eq!(password(&app, &another, &cf, "password-sbagliata").await, "/accesso?errore=attesa");
    assert_eq!(throttle_row(&app, &account).await.expect("row").2, account_until);
    // …but not for the owner's known address, where the owner completes a login, which ends the account's lock.
    let owner = client_from("127.0.0.1");
    assert_eq!(password(&app, &owner, &cf, DEMO_PASSWORD).await, "/accesso/codice");
    let right = app.next_totp(&cf).await;
    assert!(!code(&app, &owner, &right).await.contains("errore"));
    assert!(throttle_row(&app, &account).await.is_none(), "a completed login resets the account's counter");
    assert_eq!(password(&app, &newcomer, &cf, DEMO_PASSWORD).await, "/accesso/codice");
}
both_backends!(locks_are_not_extended_and_spare_the_owner, run_locks_are_not_extended_and_spare_the_owner);

/// The IDM unlocks an operator of the Sede (audited): the account's counters from every address are gone.
async fn run_idm_unlocks_an_operator(app: TestApp) {
    let cf = cf_of(Role::Operatore);
    for n in 10..13 {
        let c = client_from(&format!("127.0.0.{n}"));
        for _ in 0..=throttle::PAIR.threshold {
            password(&app, &c, &cf, "password-sbagliata").await;
        }
    }
    let c = client_from("127.0.0.10");
    assert_eq!(password(&app, &c, &cf, DEMO_PASSWORD).await, "/accesso?errore=attesa");
    sqlx::query("UPDATE users SET totp_failures = 5, totp_locked_until = $1 WHERE codice_fiscale = $2")
        .bind(now() + 600)
        .bind(&cf)
        .execute(app.db.pool())
        .await
        .expect("lock the second factor too");

    // Not for a datore, nor for a non-operator.
    let mario = app.login_as(Role::Datore).await;
    let status = |res: reqwest::Response| res.status().as_u16();
    let post = |client: &reqwest::Client, cf: &str| {
        client
            .post(app.url("/api/backoffice/operatori/sblocco"))
            .header("Origin", &app.base)
            .form(&[("codice_fiscale", cf)])
            .send()
    };
    assert_eq!(status(post(&mario, &cf).await.expect("post")), 403);
    let sara = app.login_as(Role::Idm).await;
    assert_eq!(status(post(&sara, &cf_of(Role::Datore)).await.expect("post")), 404);
    let res = post(&sara, &cf).await.expect("post");
    assert!(location(&res).contains("esito=sbloccato"), "{}", res.status());
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle WHERE key = $1 OR key LIKE $2")
        .bind(format!("conto:{cf}"))
        .bind(format!("coppia:{cf}|%"))
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(left, 0);
    assert_eq!(totp_state(&app, &cf).await, (0, 0));
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'utente.accesso_sbloccato' AND subject = $1")
            .bind(format!("utente:{cf}"))
            .fetch_one(app.db.pool())
            .await
            .expect("audit");
    assert_eq!(audited, 1);
    assert_eq!(password(&app, &c, &cf, DEMO_PASSWORD).await, "/accesso/codice");
}
both_backends!(idm_unlocks_an_operator, run_idm_unlocks_an_operator);

// ---------------------------------------------------------------------------------------------------------------
// Item 6: enumeration.

/// An unknown codice fiscale, a wrong password and a disabled account with its right password: the same answer,
/// and the same writes — the same throttle rows for the unknown account as for the known ones, and no write to
/// the known accounts' rows (the old code updated `users` for a known account only).
async fn run_unknown_wrong_and_disabled_are_indistinguishable(app: TestApp) {
    let paolo = cf_of(Role::Operatore);
    let sara = app.login_as(Role::Idm).await;
    let res = sara
        .post(app.url("/api/backoffice/operatori/abilitazione"))
        .header("Origin", &app.base)
        .form(&[("codice_fiscale", paolo.as_str()), ("abilitato", "0")])
        .send()
        .await
        .expect("disable");
    assert!(res.status().is_success() || res.status().is_redirection());

    let users_snapshot = || async {
        sqlx::query_as::<_, (i64, String, i64, i64, i64, i64)>(
            "SELECT id, password_hash, enabled, last_totp_step, totp_failures, totp_locked_until FROM users ORDER BY id",
        )
        .fetch_all(app.db.pool())
        .await
        .expect("users")
    };
    let before = users_snapshot().await;
    let unknown = "RSSMRA85T10A562S";
    let datore = cf_of(Role::Datore);
    let attempts = [
        ("127.0.0.21", unknown, "password-qualsiasi"),
        ("127.0.0.22", datore.as_str(), "password-sbagliata"),
        ("127.0.0.23", paolo.as_str(), DEMO_PASSWORD),
    ];
    let mut answers = Vec::new();
    for (ip, cf, pw) in attempts {
        let res =
            app.post_form(&client_from(ip), "/api/accesso/password", &[("codice_fiscale", cf), ("password", pw)]).await;
        let status = res.status().as_u16();
        let loc = location(&res);
        let cookie = res.headers().get("set-cookie").is_some();
        answers.push((status, loc, cookie, res.text().await.unwrap_or_default()));
    }
    assert_eq!(answers[0].1, "/accesso?errore=credenziali");
    assert_eq!(answers[0], answers[1], "unknown account and wrong password answer alike");
    assert_eq!(answers[1], answers[2], "a disabled account with its right password answers as a wrong password");
    assert_eq!(users_snapshot().await, before, "a failed login writes nothing to the account");
    for (ip, cf, _) in attempts {
        for key in [format!("conto:{cf}"), format!("coppia:{cf}|{ip}"), format!("indirizzo:{ip}")] {
            assert_eq!(throttle_row(&app, &key).await, Some((1, 0, 0)), "{key}: the same row for every path");
        }
    }
    // Also without JavaScript's JSON: the message shown for the three is the one "credenziali" text.
    let page = app.client().get(app.url("/accesso?errore=credenziali")).send().await.expect("page");
    assert!(page.text().await.unwrap_or_default().contains("Codice fiscale o password non corretti"));
}
both_backends!(unknown_wrong_and_disabled_are_indistinguishable, run_unknown_wrong_and_disabled_are_indistinguishable);

// ---------------------------------------------------------------------------------------------------------------
// Item 3: demo mode.

/// Demo mode used to show the current code of any account waiting at the second factor. An account added like
/// `cassetto user add` does (not a seeded demo one) gets no code, on the API and on the page.
async fn run_demo_codes_only_for_seeded_accounts(app: TestApp) {
    let cf = "RSSMRA85T10A562S";
    let secret = totp::new_secret();
    identity::add_user(
        &app.db,
        &identity::NewUser {
            codice_fiscale: cf,
            full_name: "Mario Rossi (reale)",
            role: Role::Datore,
            email: None,
            sede_id: None,
            employer_user_id: None,
            password: "una-password-lunga",
            totp_secret: &secret,
        },
    )
    .await
    .expect("add user");
    let real = app.client();
    assert_eq!(password(&app, &real, cf, "una-password-lunga").await, "/accesso/codice");
    let (status, body) = app.call(&real, "/api/accesso/codice-demo", json!({})).await;
    assert_eq!((status, body.as_str()), (200, "null"), "no code for an account that is not a seeded demo one");
    let page = real.get(app.url("/accesso/codice")).send().await.expect("page").text().await.unwrap_or_default();
    assert!(!page.contains("codice-demo-valore"), "the page shows no code");
    let real_code = totp::code_for_step(&secret, totp::step_at(now()));
    assert!(!page.contains(&real_code));

    let demo = app.client();
    let demo_cf = cf_of(Role::Datore);
    assert_eq!(password(&app, &demo, &demo_cf, DEMO_PASSWORD).await, "/accesso/codice");
    let (status, body) = app.call(&demo, "/api/accesso/codice-demo", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body, format!("\"{}\"", app.next_totp(&demo_cf).await), "a seeded demo account still gets its code");
}
both_backends!(demo_codes_only_for_seeded_accounts, run_demo_codes_only_for_seeded_accounts);

// ---------------------------------------------------------------------------------------------------------------
// Item 4: password change.

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cassetto_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

async fn run_password_change(app: TestApp) {
    let cf = cf_of(Role::Datore);
    let here = app.login(&cf).await;
    let elsewhere = app.login(&cf).await;
    let change = |client: &reqwest::Client, current: &str, new: &str, confirm: &str| {
        client
            .post(app.url("/api/profilo/password"))
            .header("Origin", &app.base)
            .form(&[("password_attuale", current), ("nuova_password", new), ("conferma_password", confirm)])
            .send()
    };
    let new = "una frase lunga come password";
    for (current, new, confirm, message) in [
        ("password-sbagliata", new, new, "La password attuale non è corretta."),
        (DEMO_PASSWORD, "corta", "corta", "almeno 12 caratteri"),
        (DEMO_PASSWORD, new, "un'altra frase lunga", "La conferma non coincide"),
        (DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD, "diversa da quella attuale"),
    ] {
        let res = change(&here, current, new, confirm).await.expect("post");
        assert_eq!(res.status().as_u16(), 400, "{message}");
        assert!(res.text().await.unwrap_or_default().contains(message), "{message}");
    }
    let outbox = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE recipient = 'mario.rossi@demo.cassetto.example' AND subject LIKE '%password modificata%'",
        )
        .fetch_one(app.db.pool())
        .await
        .expect("outbox")
    };
    assert_eq!(outbox().await, 0, "nothing queued by a refused change");
    assert_eq!(app.call(&elsewhere, "/api/profilo", json!({})).await.0, 200, "a refused change ends nothing");

    // Anonymous: 401.
    assert_eq!(change(&app.client(), DEMO_PASSWORD, new, new).await.expect("post").status().as_u16(), 401);

    let res = change(&here, DEMO_PASSWORD, new, new).await.expect("post");
    assert!(location(&res).contains("esito=password-modificata"), "{} {}", res.status(), location(&res));
    assert!(session_cookie(&res).is_some(), "the current session is rotated");
    assert_eq!(app.call(&here, "/api/profilo", json!({})).await.0, 200, "the current session goes on");
    assert_eq!(app.call(&elsewhere, "/api/profilo", json!({})).await.0, 401, "every other session has ended");
    assert_eq!(outbox().await, 1, "an e-mail notice is queued");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'utente.password_modificata'")
        .fetch_one(app.db.pool())
        .await
        .expect("audit");
    assert_eq!(audited, 1);

    let fresh = app.client();
    assert_eq!(password(&app, &fresh, &cf, DEMO_PASSWORD).await, "/accesso?errore=credenziali");
    assert_eq!(password(&app, &fresh, &cf, new).await, "/accesso/codice");
}
both_backends!(password_change, run_password_change);

/// The new server functions answer every role as their action says: the password change is for every logged-in
/// user (a wrong current password: 400), the unlock for the IDM only (others 403).
async fn run_password_change_and_unlock_per_role(app: TestApp) {
    let operator = cf_of(Role::Operatore);
    for role in
        [Role::Datore, Role::Delegato, Role::Intermediario, Role::Subdelegato, Role::Operatore, Role::Idm, Role::Admin]
    {
        let client = app.login_as(role).await;
        let form = [
            ("password_attuale", "sbagliata-sbagliata"),
            ("nuova_password", "una frase lunga"),
            ("conferma_password", "una frase lunga"),
        ];
        let res = client
            .post(app.url("/api/profilo/password"))
            .header("Origin", &app.base)
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 400, "{role:?}");
        let res = client
            .post(app.url("/api/backoffice/operatori/sblocco"))
            .header("Origin", &app.base)
            .form(&[("codice_fiscale", operator.as_str())])
            .send()
            .await
            .expect("post");
        let expected = if role == Role::Idm { 302 } else { 403 };
        let status = res.status().as_u16();
        assert!(status == expected || (role == Role::Idm && (200..400).contains(&status)), "{role:?}: {status}");
    }
    let anonymous = app.client();
    let res = anonymous
        .post(app.url("/api/backoffice/operatori/sblocco"))
        .header("Origin", &app.base)
        .form(&[("codice_fiscale", operator.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 401);
}
both_backends!(password_change_and_unlock_per_role, run_password_change_and_unlock_per_role);

// ---------------------------------------------------------------------------------------------------------------
// Items 3 and 5, through the built binary as an operator would start it.

fn cassetto(dir: &std::path::Path, env: &[(&str, &str)]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cassetto"));
    cmd.current_dir(dir)
        .env("DATABASE_URL", format!("sqlite://{}", dir.join("serve.db").display()))
        .env("RUST_LOG", "info")
        .env_remove("CASSETTO_DEMO")
        .env_remove("CASSETTO_DEMO_PUBLIC")
        .env_remove("CASSETTO_INSECURE_COOKIES")
        .env_remove("CASSETTO_SMTP_URL")
        .env_remove("CASSETTO_SMS_URL")
        .env_remove("CASSETTO_SMS_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cassetto_login_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Demo mode with secure cookies, or on a public address, is refused unless `CASSETTO_DEMO_PUBLIC=1`.
#[test]
fn serve_refuses_demo_mode_with_secure_cookies_or_a_public_address() {
    let dir = temp_dir("refuse");
    let secure = cassetto(&dir, &[("CASSETTO_DEMO", "1"), ("LEPTOS_SITE_ADDR", "127.0.0.1:0")])
        .arg("serve")
        .output()
        .expect("run");
    assert!(!secure.status.success());
    let text = format!("{}{}", String::from_utf8_lossy(&secure.stdout), String::from_utf8_lossy(&secure.stderr));
    assert!(text.contains("CASSETTO_DEMO_PUBLIC"), "{text}");
    let public = cassetto(
        &dir,
        &[("CASSETTO_DEMO", "1"), ("CASSETTO_INSECURE_COOKIES", "1"), ("LEPTOS_SITE_ADDR", "0.0.0.0:0")],
    )
    .arg("serve")
    .output()
    .expect("run");
    assert!(!public.status.success());
    let text = format!("{}{}", String::from_utf8_lossy(&public.stdout), String::from_utf8_lossy(&public.stderr));
    assert!(text.contains("not a loopback address"), "{text}");
    // The same refusal when demo mode comes from ./cassetto.env, found by chance in the working directory.
    std::fs::write(dir.join("cassetto.env"), "CASSETTO_DEMO=1\n").expect("env file");
    let from_file = cassetto(&dir, &[("LEPTOS_SITE_ADDR", "127.0.0.1:0")]).arg("serve").output().expect("run");
    assert!(!from_file.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Started in demo mode from `./cassetto.env`, with an SMTP URL and an SMS gateway that carry credentials: the
/// start is loud about demo mode and where it came from, and no credential reaches the log.
#[test]
fn serve_warns_about_demo_mode_and_logs_no_credentials() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("warn");
    std::fs::write(dir.join("cassetto.env"), "CASSETTO_DEMO=1\nCASSETTO_INSECURE_COOKIES=1\n").expect("env file");
    let mut child = cassetto(
        &dir,
        &[
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0"),
            ("CASSETTO_SMTP_URL", "smtps://utente:SegretoSmtp42@127.0.0.1:1/"),
            ("CASSETTO_SMS_URL", "https://sms.example/invio?api_key=SegretoSms42"),
            ("CASSETTO_SMS_TOKEN", "SegretoToken42"),
        ],
    )
    .arg("serve")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut log = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        log.push_str(&line);
        log.push('\n');
        if line.contains("listening on") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(log.contains("DEMO MODE"), "{log}");
    assert!(log.contains("cassetto.env"), "the file that switched demo mode on is named: {log}");
    assert!(log.contains("utente:***@127.0.0.1"), "the SMTP URL is logged redacted: {log}");
    assert!(log.contains("api_key=***"), "{log}");
    for secret in ["SegretoSmtp42", "SegretoSms42", "SegretoToken42"] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The settings' `{:?}` (what a careless `tracing::debug!(?mail)` would print) holds no credential either.
#[test]
fn mail_settings_debug_holds_no_credentials() {
    let config = server::config::Config::from_pairs(&[
        ("CASSETTO_SMTP_URL", "smtps://utente:SegretoSmtp42@smtp.example/"),
        ("CASSETTO_SMS_URL", "https://TokenInUrl42@sms.example/invio?token=SegretoSms42"),
        ("CASSETTO_SMS_TOKEN", "SegretoToken42"),
        ("DATABASE_URL", "postgres://cassetto:SegretoDb42@db.example/cassetto"),
    ]);
    let mail = server::startup::mail_settings_from(&config).expect("mail settings");
    let printed = format!("{mail:?} {config:?} {}", app::ssr::redact::url(&config.database_url()));
    for secret in ["SegretoSmtp42", "TokenInUrl42", "SegretoSms42", "SegretoToken42", "SegretoDb42"] {
        assert!(!printed.contains(secret), "{secret}: {printed}");
    }
}

/// The doors of `CASSETTO_ACCESSO`: with `personale` the password door admits the INPS staff only — anyone else's
/// right password answers as a wrong one (they enter with SPID or CIE) and only the audit row says why; with no
/// password door nobody enters by password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_door_can_be_for_the_staff_only_or_closed() {
    use app::ssr::ctx::{Accesso, PortaPassword, Settings};
    let door =
        |password| Settings { accesso: Accesso { password, ..Accesso::solo_password() }, ..Settings::development() };
    let app = TestApp::spawn_with(Backend::Sqlite, door(PortaPassword::SoloPersonale)).await.expect("app");
    let datore = cf_of(Role::Datore);
    assert_eq!(password(&app, &app.client(), &datore, DEMO_PASSWORD).await, "/accesso?errore=credenziali");
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'accesso.negato' AND subject = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(format!("utente:{datore}"))
    .fetch_one(app.db.pool())
    .await
    .expect("audited");
    assert!(detail.contains("personale INPS"), "{detail}");
    assert_eq!(password(&app, &app.client(), &cf_of(Role::Operatore), DEMO_PASSWORD).await, "/accesso/codice");
    let app = TestApp::spawn_with(Backend::Sqlite, door(PortaPassword::Chiusa)).await.expect("app");
    let res = password(&app, &app.client(), &cf_of(Role::Operatore), DEMO_PASSWORD).await;
    assert_eq!(res, "/accesso?errore=porta_chiusa");
}
