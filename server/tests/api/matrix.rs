//! The authorization matrix: every server function and route that touches a position, for every role
//! (and a visitor), on an own, a foreign and a revoked position, with the expected status of each cell.
//! A second test fails when a server function exists that the matrix does not list.

use std::collections::BTreeSet;

use crate::common::{Backend, TestApp};
use app::model::Role;
use serde_json::json;

/// Who asks: a visitor or a demo role.
type Who = Option<Role>;

/// Expected statuses on (own, foreign, revoked) positions, per caller. Written out by hand on purpose.
const POSITION_MATRIX: &[(Who, [u16; 3])] = &[
    (None, [401, 401, 401]),
    (Some(Role::Datore), [200, 404, 404]),
    (Some(Role::Delegato), [200, 404, 404]),
    (Some(Role::Intermediario), [200, 404, 404]),
    (Some(Role::Subdelegato), [200, 404, 404]),
    // The operator of Roma Eur, enabled for the Fascicolo Elettronico: reads positions of that Sede (own:
    // Roccaverde), not of others; management probes are refused (see `manages`).
    (Some(Role::Operatore), [200, 404, 404]),
    (Some(Role::Idm), [403, 403, 403]),
    (Some(Role::Admin), [403, 403, 403]),
    // A user without a profile (a first SPID/CIE login): nothing until the Sede approves a request.
    (Some(Role::Nessuno), [403, 403, 403]),
];

const SEARCH_MATRIX: &[(Who, u16)] = &[
    (None, 401),
    (Some(Role::Datore), 200),
    (Some(Role::Delegato), 200),
    (Some(Role::Intermediario), 200),
    (Some(Role::Subdelegato), 200),
    (Some(Role::Operatore), 403),
    (Some(Role::Idm), 403),
    (Some(Role::Admin), 403),
    (Some(Role::Nessuno), 403),
];

/// (own, foreign, revoked) Ente per caller: "revoked" is reached only through a revoked delega.
fn targets(who: Who) -> [&'static str; 3] {
    let foreign = "Camera di Commercio di Lagomaggiore";
    match who {
        Some(Role::Delegato) => ["Comune di Roccaverde", foreign, "Comune di Valfiorita"],
        Some(Role::Intermediario) => ["Comune di Pietrascura", foreign, "Comune di Borgo San Vito"],
        Some(Role::Subdelegato) => ["Azienda Sanitaria Locale Roma 9", foreign, "Comune di Borgo San Vito"],
        _ => ["Comune di Roccaverde", foreign, "Comune di Borgo San Vito"],
    }
}

/// The requests that act on a position, by the endpoint or route they exercise.
#[derive(Clone, Copy, Debug)]
enum Probe {
    LoadPosition,
    SectionPage,
    DetailSectionPage,
    PositionPage,
    SectionHtmlPage,
    CsvDownload,
    SanzioniEca,
    Tracciati,
    SendTracciato,
    Contestazioni,
    SendContestazione,
    DmaImportazione,
    DmaSostituzione,
    UploadDma,
    SendDmaManuale,
    FascicoloPdf,
}

const PROBES: [Probe; 16] = [
    Probe::LoadPosition,
    Probe::SectionPage,
    Probe::DetailSectionPage,
    Probe::PositionPage,
    Probe::SectionHtmlPage,
    Probe::CsvDownload,
    Probe::SanzioniEca,
    Probe::Tracciati,
    Probe::SendTracciato,
    Probe::Contestazioni,
    Probe::SendContestazione,
    Probe::DmaImportazione,
    Probe::DmaSostituzione,
    Probe::UploadDma,
    Probe::SendDmaManuale,
    Probe::FascicoloPdf,
];

async fn probe(app: &TestApp, client: &reqwest::Client, probe: Probe, code: &str) -> u16 {
    match probe {
        Probe::LoadPosition => app.call(client, "/api/cassetto/posizione", json!({"posizione": code})).await.0,
        Probe::SectionPage => {
            app.call(
                client,
                "/api/cassetto/sezione",
                json!({"posizione": code, "section": "NoteDebito", "parent": null, "query": {}}),
            )
            .await
            .0
        }
        Probe::DetailSectionPage => {
            // The first DMA of that very position: the parent is consistent, only access decides.
            let parent: Option<i64> = sqlx::query_scalar("SELECT d.id FROM dma_denunce d JOIN positions p ON p.id = d.position_id WHERE p.code = $1 ORDER BY d.id LIMIT 1")
                .bind(code)
                .fetch_optional(app.db.pool())
                .await
                .expect("dma");
            app.call(
                client,
                "/api/cassetto/sezione",
                json!({"posizione": code, "section": "DmaLavoratori", "parent": parent, "query": {}}),
            )
            .await
            .0
        }
        Probe::PositionPage | Probe::SectionHtmlPage => {
            let path = if matches!(probe, Probe::PositionPage) {
                format!("/cassetto/{code}")
            } else {
                format!("/cassetto/{code}/versamenti")
            };
            client.get(app.url(&path)).header("Accept", "text/html").send().await.expect("get").status().as_u16()
        }
        Probe::Tracciati => app.call(client, "/api/cassetto/tracciati", json!({"posizione": code})).await.0,
        Probe::SendTracciato => {
            // An unknown type: refused after the access check, nothing stored.
            let form = reqwest::multipart::Form::new()
                .text("tipo", "nessuno")
                .part("file", reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("t.txt"));
            client
                .post(app.url(&format!("/api/tracciati/{code}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
        Probe::Contestazioni => app.call(client, "/api/cassetto/contestazioni", json!({"posizione": code})).await.0,
        Probe::SendContestazione => {
            // No nota chosen: refused after the access check, nothing stored.
            let form = reqwest::multipart::Form::new().text("motivi", "Importo già versato");
            client
                .post(app.url(&format!("/api/contestazioni/{code}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
        Probe::DmaImportazione => {
            // An import of that very position: only access decides.
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO dma_importazioni (position_id, user_id, nome_file, periodo, lavoratori, numero_errori, stato, at) \
                 SELECT p.id, (SELECT MIN(id) FROM users), 'x.xml', '2026-03', 0, 1, 'scartata', 0 FROM positions p \
                 WHERE p.code = $1 RETURNING id",
            )
            .bind(code)
            .fetch_one(app.db.pool())
            .await
            .expect("importazione");
            app.call(client, "/api/cassetto/dma-importazione", json!({"posizione": code, "id": id})).await.0
        }
        Probe::DmaSostituzione => {
            // A declaration of that very position (every public one has the demo's): only access decides.
            let id: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(d.id) FROM dma_denunce d JOIN positions p ON p.id = d.position_id WHERE p.code = $1",
            )
            .bind(code)
            .fetch_one(app.db.pool())
            .await
            .expect("denuncia");
            let body = json!({"posizione": code, "id": id.unwrap_or(0)});
            app.call(client, "/api/cassetto/dma-sostituzione", body).await.0
        }
        Probe::UploadDma => {
            // No file: refused after the access check.
            let form = reqwest::multipart::Form::new().text("nota", "");
            client
                .post(app.url(&format!("/api/dma/{code}")))
                .header("Origin", &app.base)
                .multipart(form)
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
        Probe::SendDmaManuale => {
            // No month: refused after the access check, nothing stored.
            let bozza = json!({"mese": "", "cf_azienda": "", "prg_azienda": "", "lavoratori": []});
            app.call(client, "/api/cassetto/dma-manuale", json!({"posizione": code, "bozza": bozza})).await.0
        }
        Probe::SanzioniEca => {
            app.call(client, "/api/cassetto/sanzioni-eca", json!({"posizione": code, "query": {}})).await.0
        }
        Probe::CsvDownload => client
            .get(app.url(&format!("/esporta/{code}/note-rettifica")))
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        Probe::FascicoloPdf => client
            .get(app.url(&format!("/cassetto/{code}/fascicolo.pdf")))
            .header("Sec-Fetch-Site", "same-origin")
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
    }
}

fn is_page(p: Probe) -> bool {
    matches!(p, Probe::PositionPage | Probe::SectionHtmlPage)
}

/// Probes that act on the position (or belong to a management service) rather than read it: the
/// operator's Fascicolo Elettronico is read-only, so they are refused to operators even at their Sede.
fn manages(p: Probe) -> bool {
    matches!(
        p,
        Probe::SanzioniEca
            | Probe::Tracciati
            | Probe::SendTracciato
            | Probe::Contestazioni
            | Probe::SendContestazione
            | Probe::DmaImportazione
            | Probe::DmaSostituzione
            | Probe::UploadDma
            | Probe::SendDmaManuale
    )
}

/// Probes of the Gestione dipendenti pubblici's own sections and services (the section probe asks for the
/// note di debito): refused on a private-sector position that is reached.
fn public_only(p: Probe) -> bool {
    matches!(
        p,
        Probe::SectionPage
            | Probe::SanzioniEca
            | Probe::Tracciati
            | Probe::Contestazioni
            | Probe::DmaImportazione
            | Probe::DmaSostituzione
    )
}

async fn run_matrix(app: TestApp) {
    let mut failures = Vec::new();
    for (who, expected) in POSITION_MATRIX {
        let client = match who {
            Some(role) => app.login_as(*role).await,
            None => app.client(),
        };
        let names = targets(*who);
        for (i, name) in names.iter().enumerate() {
            let code = app.position_of(name).await;
            for p in PROBES {
                // Pages answer as their server functions do, except that a visitor is sent to the login; the
                // tracciato form post redirects (to the login, or back with the refusal) instead of 200/401.
                let want = match (p, expected[i]) {
                    _ if *who == Some(Role::Operatore) && manages(p) => 403,
                    (Probe::SendTracciato | Probe::SendContestazione | Probe::UploadDma, 200 | 401) => 303,
                    (Probe::SendDmaManuale, 200) => 400,
                    _ if is_page(p) && who.is_none() => 302,
                    // An operator's Cassetto page of any position leads to the Fascicolo Elettronico's, which
                    // answers for itself (issue 16 item 12).
                    _ if is_page(p) && *who == Some(Role::Operatore) => 302,
                    (_, status) => status,
                };
                let got = probe(&app, &client, p, &code).await;
                if got != want {
                    failures.push(format!("{who:?} {p:?} on {name}: expected {want}, got {got}"));
                }
            }
        }
        let want = SEARCH_MATRIX.iter().find(|(w, _)| w == who).map(|(_, s)| *s).expect("search row");
        let got = app.call(&client, "/api/cassetto/ricerca", json!({"testo": "", "pagina": 0})).await.0;
        if got != want {
            failures.push(format!("{who:?} ricerca: expected {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "authorization matrix failures:\n{}", failures.join("\n"));
}

both_backends!(authorization_matrix, run_matrix);

/// The scope dimension (issue 14, item 7): what the SC65 scope the Ente's datore holds *for that Ente* opens,
/// for the datore and for an intermediary delegated on the position (a delega gives no more than its
/// delegante holds). Rows: the one scope held; columns: a public Ente (Franca's Comune di Acquaviva Alta) and a
/// private one (Mario's Officine Meccaniche Bianchi), each probed by its datore and by Giuseppe. Every action of
/// this Cassetto needs the Gestione contributiva of the Ente's sector; the Malattia scopes open none of them.
const SCOPE_MATRIX: &[(&str, [u16; 2])] = &[
    ("gc_pubblici", [200, 404]),
    ("gc_privati", [404, 200]),
    ("malattia_attestati", [404, 404]),
    ("malattia_visita", [404, 404]),
];

async fn run_scope_matrix(app: TestApp) {
    let enti = [("Comune di Acquaviva Alta", "Franca Marino"), ("Officine Meccaniche Bianchi S.r.l.", "Mario Rossi")];
    let giuseppe_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Intermediario))
        .fetch_one(app.db.pool())
        .await
        .expect("giuseppe");
    let mut codes = Vec::new();
    for (ente, _) in enti {
        let code = app.position_of(ente).await;
        // Giuseppe holds an active delega on the position (as after the PEC and OTP).
        sqlx::query(
            "INSERT INTO deleghe (kind, position_id, grantee_user_id, status, valid_from, created_at) \
             SELECT 'intermediario', id, $1, 'attiva', '2026-01-01', 0 FROM positions WHERE code = $2",
        )
        .bind(giuseppe_id)
        .bind(&code)
        .execute(app.db.pool())
        .await
        .expect("delega");
        // The delega covers the Gestione contributiva of the Ente, as a request states its services.
        app::ssr::deleghe::backfill_servizi(&mut app.db.pool().acquire().await.expect("conn")).await.expect("servizi");
        codes.push(code);
    }
    let datori = [
        app.login(&crate::common::cf_of_name(enti[0].1)).await,
        app.login(&crate::common::cf_of_name(enti[1].1)).await,
    ];
    let giuseppe = app.login_as(Role::Intermediario).await;
    let mut failures = Vec::new();
    for (scope, expected) in SCOPE_MATRIX {
        // The datore of each Ente holds exactly this one scope for it.
        for (ente, _) in enti {
            let ente_id: i64 = sqlx::query_scalar("SELECT id FROM enti WHERE denominazione = $1")
                .bind(ente)
                .fetch_one(app.db.pool())
                .await
                .expect("ente");
            sqlx::query("DELETE FROM ente_scopes WHERE ente_id = $1")
                .bind(ente_id)
                .execute(app.db.pool())
                .await
                .expect("clear");
            sqlx::query(
                "INSERT INTO ente_scopes (ente_id, user_id, scope, source, granted_at) \
                 SELECT id, datore_user_id, $2, 'richiesta', 0 FROM enti WHERE id = $1",
            )
            .bind(ente_id)
            .bind(*scope)
            .execute(app.db.pool())
            .await
            .expect("scope");
        }
        for (i, code) in codes.iter().enumerate() {
            for (who, client) in [("datore", &datori[i]), ("intermediario", &giuseppe)] {
                for p in PROBES {
                    // A private Ente files no DMA: the detail probe has no parent to open there.
                    if i == 1 && matches!(p, Probe::DetailSectionPage) {
                        continue;
                    }
                    let want = match (p, expected[i]) {
                        (Probe::SendTracciato | Probe::SendContestazione | Probe::UploadDma, 200) => 303,
                        (Probe::SendDmaManuale, 200) => 400,
                        // Reached, but a service of the Gestione dipendenti pubblici on a private position: the
                        // Italian refusal (issue 15, item 15).
                        (_, 200) if i == 1 && public_only(p) => 400,
                        (_, status) => status,
                    };
                    let got = probe(&app, client, p, code).await;
                    if got != want {
                        failures.push(format!("{scope} {who} {p:?} on {}: expected {want}, got {got}", enti[i].0));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "scope matrix failures:\n{}", failures.join("\n"));
}

both_backends!(scope_authorization_matrix, run_scope_matrix);

/// The deleghe each caller stands to: (own, foreign, ended). "Own" is one it is a party to, "ended" a
/// revoked one it was a party to (for the sub-delegated employee: a sub-delega whose delega was revoked).
async fn delega_targets(app: &TestApp, who: Who) -> [i64; 3] {
    let by = |kind: &'static str, ente: &'static str, status: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT d.id FROM deleghe d JOIN positions p ON p.id = d.position_id JOIN enti e ON e.id = p.ente_id \
             WHERE d.kind = $1 AND e.denominazione = $2 AND d.status = $3 ORDER BY d.id LIMIT 1",
        )
        .bind(kind)
        .bind(ente)
        .bind(status)
        .fetch_one(app.db.pool())
        .await
        .expect("delega")
    };
    let foreign = by("intermediario", "Comune di Pietrascura", "attiva").await;
    match who {
        Some(Role::Intermediario) => [
            by("intermediario", "Comune di Pietrascura", "attiva").await,
            by("dipendente", "Comune di Roccaverde", "attiva").await,
            by("intermediario", "Comune di Borgo San Vito", "revocata").await,
        ],
        Some(Role::Subdelegato) => [
            by("subdelega", "Azienda Sanitaria Locale Roma 9", "attiva").await,
            foreign,
            by("subdelega", "Comune di Borgo San Vito", "attiva").await,
        ],
        _ => [
            by("dipendente", "Comune di Roccaverde", "attiva").await,
            foreign,
            by("dipendente", "Comune di Valfiorita", "revocata").await,
        ],
    }
}

/// Requests on one delega. None of them changes anything when allowed: activation without the
/// declaration, a new OTP for a delega that is not pending, revocation of an ended delega, a sub-delega
/// to nobody — each is refused with 400 after the access check, so the status tells the check apart.
#[derive(Clone, Copy, Debug)]
enum DelegaProbe {
    Detail,
    Activate,
    NewOtp,
    Subdelega,
    RevokeEnded,
    /// A renewal with a wrong password: refused with 400 after the access check.
    Renew,
}

/// Expected status per caller and probe on (own, foreign, ended); 0 = not probed there.
const DELEGA_MATRIX: &[(Who, DelegaProbe, [u16; 3])] = &[
    (None, DelegaProbe::Detail, [401, 401, 401]),
    (None, DelegaProbe::Activate, [401, 401, 401]),
    (None, DelegaProbe::RevokeEnded, [0, 401, 401]),
    (None, DelegaProbe::Renew, [401, 401, 401]),
    (Some(Role::Datore), DelegaProbe::Detail, [200, 404, 200]),
    (Some(Role::Datore), DelegaProbe::Activate, [403, 404, 403]),
    (Some(Role::Datore), DelegaProbe::NewOtp, [403, 404, 403]),
    (Some(Role::Datore), DelegaProbe::Renew, [403, 404, 403]),
    (Some(Role::Datore), DelegaProbe::Subdelega, [403, 404, 403]),
    (Some(Role::Datore), DelegaProbe::RevokeEnded, [0, 404, 400]),
    (Some(Role::Delegato), DelegaProbe::Detail, [200, 404, 200]),
    (Some(Role::Delegato), DelegaProbe::Activate, [403, 404, 403]),
    (Some(Role::Delegato), DelegaProbe::NewOtp, [403, 404, 403]),
    (Some(Role::Delegato), DelegaProbe::Renew, [403, 404, 403]),
    (Some(Role::Delegato), DelegaProbe::Subdelega, [403, 404, 403]),
    (Some(Role::Delegato), DelegaProbe::RevokeEnded, [0, 404, 403]),
    (Some(Role::Intermediario), DelegaProbe::Detail, [200, 404, 200]),
    (Some(Role::Intermediario), DelegaProbe::Activate, [400, 404, 400]),
    (Some(Role::Intermediario), DelegaProbe::NewOtp, [400, 404, 400]),
    (Some(Role::Intermediario), DelegaProbe::Renew, [400, 404, 400]),
    (Some(Role::Intermediario), DelegaProbe::Subdelega, [400, 404, 400]),
    (Some(Role::Intermediario), DelegaProbe::RevokeEnded, [0, 404, 400]),
    (Some(Role::Subdelegato), DelegaProbe::Detail, [200, 404, 200]),
    (Some(Role::Subdelegato), DelegaProbe::Activate, [403, 404, 403]),
    (Some(Role::Subdelegato), DelegaProbe::NewOtp, [403, 404, 403]),
    (Some(Role::Subdelegato), DelegaProbe::Renew, [403, 404, 403]),
    (Some(Role::Subdelegato), DelegaProbe::Subdelega, [403, 404, 403]),
    (Some(Role::Subdelegato), DelegaProbe::RevokeEnded, [0, 404, 403]),
    (Some(Role::Operatore), DelegaProbe::Detail, [403, 403, 403]),
    (Some(Role::Operatore), DelegaProbe::Activate, [403, 403, 403]),
    (Some(Role::Operatore), DelegaProbe::Renew, [403, 403, 403]),
    (Some(Role::Operatore), DelegaProbe::RevokeEnded, [0, 403, 403]),
    (Some(Role::Idm), DelegaProbe::Detail, [403, 403, 403]),
    (Some(Role::Idm), DelegaProbe::RevokeEnded, [0, 403, 403]),
    (Some(Role::Admin), DelegaProbe::Detail, [403, 403, 403]),
    (Some(Role::Admin), DelegaProbe::RevokeEnded, [0, 403, 403]),
];

async fn form_status(app: &TestApp, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> u16 {
    client.post(app.url(path)).header("Origin", &app.base).form(form).send().await.expect("post").status().as_u16()
}

async fn delega_probe(app: &TestApp, client: &reqwest::Client, probe: DelegaProbe, id: i64) -> u16 {
    let id_s = id.to_string();
    match probe {
        DelegaProbe::Detail => app.call(client, "/api/deleghe/dettaglio", json!({"id": id})).await.0,
        DelegaProbe::Activate => form_status(app, client, "/api/deleghe/attiva", &[("id", &id_s), ("otp", "")]).await,
        DelegaProbe::NewOtp => form_status(app, client, "/api/deleghe/nuovo-otp", &[("id", &id_s)]).await,
        DelegaProbe::Subdelega => {
            form_status(app, client, "/api/deleghe/subdelega", &[("id", &id_s), ("codice_fiscale", "")]).await
        }
        DelegaProbe::RevokeEnded => form_status(app, client, "/api/deleghe/revoca", &[("id", &id_s)]).await,
        DelegaProbe::Renew => {
            let form = [
                ("id", id_s.as_str()),
                ("codice_fiscale_rappresentante", ""),
                ("nome_rappresentante", ""),
                ("cognome_rappresentante", ""),
                ("password", "x"),
            ];
            form_status(app, client, "/api/deleghe/rinnovo", &form).await
        }
    }
}

async fn run_delega_matrix(app: TestApp) {
    let mut failures = Vec::new();
    let mut clients = std::collections::HashMap::new();
    for (who, probe, expected) in DELEGA_MATRIX {
        if !clients.contains_key(who) {
            let client = match who {
                Some(role) => app.login_as(*role).await,
                None => app.client(),
            };
            clients.insert(*who, client);
        }
        let client = &clients[who];
        let targets = delega_targets(&app, *who).await;
        for (i, id) in targets.iter().enumerate() {
            if expected[i] == 0 {
                continue;
            }
            let got = delega_probe(&app, client, *probe, *id).await;
            if got != expected[i] {
                failures.push(format!(
                    "{who:?} {probe:?} on delega {id} (column {i}): expected {}, got {got}",
                    expected[i]
                ));
            }
        }
    }
    // Nothing the probes sent changed a delega.
    let changed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM delega_events").fetch_one(app.db.pool()).await.expect("n");
    assert_eq!(changed, 0, "a probe changed a delega");
    assert!(failures.is_empty(), "delega authorization matrix failures:\n{}", failures.join("\n"));
}

both_backends!(delega_authorization_matrix, run_delega_matrix);

/// Role-level endpoints (profile, back-office, IDM, admin), each called with input that an allowed
/// caller gets refused with 400 — or, for reads, answered with 200 — after the access check.
#[derive(Clone, Copy, Debug)]
enum RoleProbe {
    Profile,
    ProfileRequest,
    Deleghe,
    LegacyEntry,
    GrantEmployee,
    RequestIntermediary,
    ReviewQueue,
    Decide,
    DecideForeignSede,
    Operators,
    ToggleOperator,
    ToggleNonOperator,
    ImportAlbo,
    Comunicazioni,
    SendRichiesta,
    ReadRichiesta,
    Quesiti,
    ActOnQuesito,
    ActOnForeignQuesito,
    Agenda,
    BookAppointment,
    CancelAppointment,
    PublishSlot,
    RecordAppointment,
    RecordForeignAppointment,
    Tassonomia,
    SaveOggetto,
    Tassi,
    SaveTasso,
    RemoveTasso,
    ContestazioniSede,
    AnswerContestazione,
    AnswerForeignContestazione,
    ToggleFascicolo,
    SedeSearch,
    FeedbackDashboard,
    FeedbackUso,
    FeedbackValuta,
}

const ROLE_COLUMNS: [Role; 7] =
    [Role::Datore, Role::Delegato, Role::Intermediario, Role::Subdelegato, Role::Operatore, Role::Idm, Role::Admin];

/// Expected statuses: one row per probe, one column per caller — anonymous, then `ROLE_COLUMNS`.
/// The richieste rows: Mario's richiesta is at the operator's Sede; a foreign quesito, booking or contestazione is
/// at another Sede. Probes that an allowed caller sends with bad input answer 400 once past the check (booking
/// without a slot, a slot without a start, an unknown outcome, an oggetto with a threshold of 0 days, a rate that
/// is not a number); removing a rate that does not exist answers 404 once allowed. Enabling an operator for the
/// Fascicolo Elettronico finds them already enabled (no change); asking for the use of an unknown service and
/// rating with an unknown level answer 400 once logged in.
#[rustfmt::skip]
const ROLE_MATRIX: &[(RoleProbe, [u16; 8])] = &[
    //                                          anon  datore   deleg  interm  subdel  operat     IDM   admin
    (RoleProbe::Profile,                     [   401,    200,    200,    200,    200,    200,    200,    200]),
    (RoleProbe::ProfileRequest,              [   401,    400,    400,    400,    400,    403,    403,    403]),
    (RoleProbe::Deleghe,                     [   401,    200,    200,    200,    200,    403,    403,    403]),
    (RoleProbe::LegacyEntry,                 [   401,    200,    200,    200,    200,    403,    403,    403]),
    (RoleProbe::GrantEmployee,               [   401,    400,    403,    403,    403,    403,    403,    403]),
    (RoleProbe::RequestIntermediary,         [   401,    403,    403,    400,    403,    403,    403,    403]),
    (RoleProbe::ReviewQueue,                 [   401,    403,    403,    403,    403,    200,    403,    403]),
    (RoleProbe::Decide,                      [   401,    403,    403,    403,    403,    400,    403,    403]),
    (RoleProbe::DecideForeignSede,           [   401,    403,    403,    403,    403,    404,    403,    403]),
    (RoleProbe::Operators,                   [   401,    403,    403,    403,    403,    403,    200,    403]),
    (RoleProbe::ToggleOperator,              [   401,    403,    403,    403,    403,    403,    200,    403]),
    (RoleProbe::ToggleNonOperator,           [   401,    403,    403,    403,    403,    403,    404,    403]),
    (RoleProbe::ImportAlbo,                  [   401,    403,    403,    403,    403,    403,    403,    400]),
    (RoleProbe::Comunicazioni,               [   401,    200,    200,    200,    200,    403,    403,    403]),
    (RoleProbe::SendRichiesta,               [   401,    400,    400,    404,    404,    403,    403,    403]),
    (RoleProbe::ReadRichiesta,               [   401,    200,    404,    404,    404,    200,    403,    403]),
    (RoleProbe::Quesiti,                     [   401,    403,    403,    403,    403,    200,    403,    403]),
    (RoleProbe::ActOnQuesito,                [   401,    403,    403,    403,    403,    400,    403,    403]),
    (RoleProbe::ActOnForeignQuesito,         [   401,    403,    403,    403,    403,    404,    403,    403]),
    (RoleProbe::Agenda,                      [   401,    200,    200,    200,    200,    200,    403,    403]),
    (RoleProbe::BookAppointment,             [   401,    400,    404,    404,    404,    403,    403,    403]),
    (RoleProbe::CancelAppointment,           [   401,    200,    404,    404,    404,    403,    403,    403]),
    (RoleProbe::PublishSlot,                 [   401,    403,    403,    403,    403,    400,    403,    403]),
    (RoleProbe::RecordAppointment,           [   401,    403,    403,    403,    403,    400,    403,    403]),
    (RoleProbe::RecordForeignAppointment,    [   401,    403,    403,    403,    403,    404,    403,    403]),
    (RoleProbe::Tassonomia,                  [   401,    403,    403,    403,    403,    403,    403,    200]),
    (RoleProbe::SaveOggetto,                 [   401,    403,    403,    403,    403,    403,    403,    400]),
    (RoleProbe::Tassi,                       [   401,    403,    403,    403,    403,    403,    403,    200]),
    (RoleProbe::SaveTasso,                   [   401,    403,    403,    403,    403,    403,    403,    400]),
    (RoleProbe::RemoveTasso,                 [   401,    403,    403,    403,    403,    403,    403,    404]),
    (RoleProbe::ContestazioniSede,           [   401,    403,    403,    403,    403,    200,    403,    403]),
    (RoleProbe::AnswerContestazione,         [   401,    403,    403,    403,    403,    400,    403,    403]),
    (RoleProbe::AnswerForeignContestazione,  [   401,    403,    403,    403,    403,    404,    403,    403]),
    (RoleProbe::ToggleFascicolo,             [   401,    403,    403,    403,    403,    403,    200,    403]),
    (RoleProbe::SedeSearch,                  [   401,    403,    403,    403,    403,    200,    403,    403]),
    (RoleProbe::FeedbackDashboard,           [   401,    403,    403,    403,    403,    200,    403,    200]),
    (RoleProbe::FeedbackUso,                 [   401,    400,    400,    400,    400,    400,    400,    400]),
    (RoleProbe::FeedbackValuta,              [   401,    400,    400,    400,    400,    400,    400,    400]),
];

async fn role_probe(app: &TestApp, client: &reqwest::Client, probe: RoleProbe, ctx: &RoleCtx) -> u16 {
    match probe {
        RoleProbe::Profile => app.call(client, "/api/profilo", json!({})).await.0,
        RoleProbe::ProfileRequest => {
            form_status(app, client, "/api/profilo/richiesta", &[("modello", "X"), ("codice_fiscale_ente", "")]).await
        }
        RoleProbe::Deleghe => app.call(client, "/api/deleghe", json!({})).await.0,
        RoleProbe::LegacyEntry => app.call(client, "/api/dipendenti-pubblici", json!({})).await.0,
        RoleProbe::GrantEmployee => {
            let form = [("codice_fiscale", "NONVALIDO"), ("posizioni[0]", ctx.datore_position.as_str())];
            form_status(app, client, "/api/deleghe/dipendente", &form).await
        }
        RoleProbe::RequestIntermediary => {
            let form = [
                ("posizione", ""),
                ("codice_fiscale_ente", ""),
                ("codice_fiscale_rappresentante", ""),
                ("nome_rappresentante", ""),
                ("cognome_rappresentante", ""),
                ("password", "x"),
            ];
            form_status(app, client, "/api/deleghe/intermediario", &form).await
        }
        RoleProbe::ReviewQueue => app.call(client, "/api/backoffice/richieste-profilo", json!({})).await.0,
        RoleProbe::Decide | RoleProbe::DecideForeignSede => {
            let id = if matches!(probe, RoleProbe::Decide) { ctx.own_sede_request } else { ctx.foreign_sede_request };
            let form = [("id", id.to_string()), ("esito", "forse".to_string())];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_status(app, client, "/api/backoffice/richieste-profilo/decisione", &form).await
        }
        RoleProbe::Operators => app.call(client, "/api/backoffice/operatori", json!({})).await.0,
        RoleProbe::ToggleOperator | RoleProbe::ToggleNonOperator => {
            let cf = if matches!(probe, RoleProbe::ToggleOperator) { &ctx.operator_cf } else { &ctx.datore_cf };
            // Enabling an enabled operator changes nothing.
            let form = [("codice_fiscale", cf.as_str()), ("abilitato", "1")];
            form_status(app, client, "/api/backoffice/operatori/abilitazione", &form).await
        }
        RoleProbe::ImportAlbo => form_status(app, client, "/api/admin/albo", &[("csv", "")]).await,
        RoleProbe::Comunicazioni => app.call(client, "/api/comunicazioni", json!({"query": {}})).await.0,
        RoleProbe::SendRichiesta => {
            // Reaching the position is checked first; then the empty text is refused (400).
            let form = [("posizione", ctx.datore_position.as_str()), ("oggetto", "1"), ("testo", "")];
            app.send_richiesta(client, &form, &[]).await.0
        }
        RoleProbe::Agenda => app.call(client, "/api/agenda", json!({})).await.0,
        RoleProbe::Tassonomia => app.call(client, "/api/admin/tassonomia", json!({})).await.0,
        RoleProbe::Tassi => app.call(client, "/api/admin/tassi", json!({})).await.0,
        RoleProbe::ContestazioniSede => app.call(client, "/api/backoffice/contestazioni", json!({})).await.0,
        RoleProbe::AnswerContestazione | RoleProbe::AnswerForeignContestazione => {
            let id = if matches!(probe, RoleProbe::AnswerContestazione) {
                ctx.own_contestazione
            } else {
                ctx.foreign_contestazione
            };
            let form = [("id", id.to_string()), ("esito", "forse".to_string()), ("risposta", "x".to_string())];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_status(app, client, "/api/backoffice/contestazioni/risposta", &form).await
        }
        RoleProbe::SaveTasso => {
            form_status(
                app,
                client,
                "/api/admin/tassi/salva",
                &[("tipo", "tur"), ("dal", "2026-01-01"), ("tasso", "x")],
            )
            .await
        }
        RoleProbe::RemoveTasso => {
            form_status(app, client, "/api/admin/tassi/rimuovi", &[("tipo", "tur"), ("dal", "1900-01-01")]).await
        }
        RoleProbe::SaveOggetto => {
            let form = [("classe", "DURC"), ("oggetto", "DURC"), ("soglia", "0")];
            form_status(app, client, "/api/admin/tassonomia/salva", &form).await
        }
        RoleProbe::BookAppointment => {
            let id = ctx.own_quesito.to_string();
            let form = [("richiesta", id.as_str()), ("telefono", "3331234567"), ("note", "Prova")];
            form_status(app, client, "/api/agenda/prenota", &form).await
        }
        RoleProbe::CancelAppointment => {
            form_status(app, client, "/api/agenda/annulla", &[("id", &ctx.own_booking.to_string())]).await
        }
        RoleProbe::PublishSlot => {
            form_status(app, client, "/api/agenda/slot", &[("inizio", ""), ("durata", "30")]).await
        }
        RoleProbe::RecordAppointment | RoleProbe::RecordForeignAppointment => {
            let id = if matches!(probe, RoleProbe::RecordAppointment) { ctx.own_booking } else { ctx.foreign_booking };
            form_status(app, client, "/api/agenda/esito", &[("id", &id.to_string()), ("esito", "forse")]).await
        }
        RoleProbe::ToggleFascicolo => {
            let form = [("codice_fiscale", ctx.operator_cf.as_str()), ("abilitato", "1")];
            form_status(app, client, "/api/backoffice/operatori/fascicolo-elettronico", &form).await
        }
        RoleProbe::SedeSearch => {
            app.call(client, "/api/backoffice/fascicolo/ricerca", json!({"testo": "", "pagina": 0})).await.0
        }
        RoleProbe::FeedbackDashboard => app.call(client, "/api/admin/feedback", json!({})).await.0,
        RoleProbe::FeedbackUso => {
            app.call(client, "/api/feedback/uso", json!({"servizio": "nessuno", "riferimento": null})).await.0
        }
        RoleProbe::FeedbackValuta => {
            let valutazione = json!({"livello": 0, "motivo": null, "testo": null});
            app.call(client, "/api/feedback/valuta", json!({"uso": 1, "valutazione": valutazione})).await.0
        }
        RoleProbe::ReadRichiesta => {
            app.call(client, "/api/comunicazioni/dettaglio", json!({ "id": ctx.own_quesito })).await.0
        }
        RoleProbe::Quesiti => app.call(client, "/api/backoffice/quesiti", json!({"query": {}})).await.0,
        RoleProbe::ActOnQuesito | RoleProbe::ActOnForeignQuesito => {
            let id = if matches!(probe, RoleProbe::ActOnQuesito) { ctx.own_quesito } else { ctx.foreign_quesito };
            let id = id.to_string();
            form_status(app, client, "/api/backoffice/quesiti/azione", &[("id", id.as_str()), ("azione", "forse")])
                .await
        }
    }
}

/// Two richieste of Mario: one at a position of the operator's Sede, one at a position of another Sede.
async fn quesiti_for_mario(app: &TestApp) -> (i64, i64) {
    use app::ssr::comunicazioni::{NuovaRichiesta, open};
    let pool = app.db.pool();
    let mario: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Datore))
        .fetch_one(pool)
        .await
        .expect("mario");
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Operatore))
        .fetch_one(pool)
        .await
        .expect("sede");
    let mut ids = Vec::new();
    for same_sede in [true, false] {
        let sql = if same_sede {
            "SELECT MIN(id) FROM positions WHERE sede_id = $1"
        } else {
            "SELECT MIN(id) FROM positions WHERE sede_id <> $1"
        };
        let position: i64 = sqlx::query_scalar(sql).bind(sede).fetch_one(pool).await.expect("position");
        let nuova = NuovaRichiesta {
            position_id: position,
            oggetto_id: 1,
            testo: "Richiesta di prova",
            email: Some("mario.rossi@example.it"),
            telefono: None,
            consenso_notifiche: true,
            allegati: Vec::new(),
        };
        ids.push(open(&app.db, mario, nuova, app::ssr::db::now_unix()).await.expect("apri").0);
    }
    (ids[0].0, ids[1].0)
}

struct RoleCtx {
    datore_position: String,
    own_sede_request: i64,
    foreign_sede_request: i64,
    operator_cf: String,
    datore_cf: String,
    /// Richieste of Mario (datore) routed to the operator's Sede and to another Sede.
    own_quesito: i64,
    foreign_quesito: i64,
    /// Mario's bookings for those two richieste, at the operator's Sede and at the other one.
    own_booking: i64,
    foreign_booking: i64,
    /// Contestazioni waiting at the operator's Sede and at another one.
    own_contestazione: i64,
    foreign_contestazione: i64,
}

/// A contestazione of a nota of a position at (or not at) the operator's Sede, written directly.
async fn contestazione_at(app: &TestApp, same_sede: bool) -> i64 {
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM users WHERE codice_fiscale = $1")
        .bind(crate::common::cf_of(Role::Operatore))
        .fetch_one(app.db.pool())
        .await
        .expect("sede");
    let op = if same_sede { "=" } else { "<>" };
    sqlx::query_scalar(&format!(
        "INSERT INTO contestazioni (protocollo, nota_id, user_id, sede_id, motivi, stato, presentata_at) \
         SELECT 'TEST.' || n.id, n.id, e.datore_user_id, p.sede_id, 'Prova', 'presentata', 0 FROM note_debito n \
         JOIN positions p ON p.id = n.position_id JOIN enti e ON e.id = p.ente_id \
         WHERE p.sede_id {op} $1 AND e.datore_user_id IS NOT NULL ORDER BY n.id LIMIT 1 RETURNING id"
    ))
    .bind(sede)
    .fetch_one(app.db.pool())
    .await
    .expect("contestazione")
}

/// A booking of Mario for `richiesta` at a new slot of the richiesta's Sede, written directly: the matrix
/// is about who reaches it, not about when booking is allowed.
async fn booking_for(app: &TestApp, richiesta: i64) -> i64 {
    let now = app::ssr::db::now_unix();
    let slot: i64 = sqlx::query_scalar(
        "INSERT INTO slot (sede_id, inizio_at, durata_minuti, pubblicato_da) \
         SELECT sede_id, $1 + id, 30, user_id FROM richieste WHERE id = $2 RETURNING id",
    )
    .bind(now + 86_400)
    .bind(richiesta)
    .fetch_one(app.db.pool())
    .await
    .expect("slot");
    sqlx::query_scalar(
        "INSERT INTO prenotazioni (slot_id, richiesta_id, user_id, telefono, note, stato, creata_at, aggiornata_at) \
         SELECT $1, id, user_id, '3331234567', 'Prova', 'prenotata', $2, $2 FROM richieste WHERE id = $3 RETURNING id",
    )
    .bind(slot)
    .bind(now)
    .bind(richiesta)
    .fetch_one(app.db.pool())
    .await
    .expect("booking")
}

async fn run_role_matrix(app: TestApp) {
    // A request routed to another Sede than the operator's.
    let own_sede_request: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM profile_requests").fetch_one(app.db.pool()).await.expect("request");
    let foreign_sede_request: i64 = sqlx::query_scalar(
        "INSERT INTO profile_requests (user_id, form, ente_id, sede_id, status, submitted_at) \
         SELECT user_id, form, ente_id, (SELECT id FROM sedi WHERE code = '4900'), 'in_attesa', submitted_at \
         FROM profile_requests WHERE id = $1 RETURNING id",
    )
    .bind(own_sede_request)
    .fetch_one(app.db.pool())
    .await
    .expect("foreign request");
    let (own_quesito, foreign_quesito) = quesiti_for_mario(&app).await;
    let ctx = RoleCtx {
        own_quesito,
        foreign_quesito,
        own_booking: booking_for(&app, own_quesito).await,
        foreign_booking: booking_for(&app, foreign_quesito).await,
        own_contestazione: contestazione_at(&app, true).await,
        foreign_contestazione: contestazione_at(&app, false).await,
        datore_position: app.position_of("Comune di Roccaverde").await,
        own_sede_request,
        foreign_sede_request,
        operator_cf: crate::common::cf_of(Role::Operatore),
        datore_cf: crate::common::cf_of(Role::Datore),
    };
    let mut failures = Vec::new();
    let callers = std::iter::once(None).chain(ROLE_COLUMNS.into_iter().map(Some));
    for (column, who) in callers.enumerate() {
        let client = match who {
            Some(role) => app.login_as(role).await,
            None => app.client(),
        };
        for (probe, expected) in ROLE_MATRIX {
            let got = role_probe(&app, &client, *probe, &ctx).await;
            if got != expected[column] {
                failures.push(format!("{who:?} {probe:?}: expected {}, got {got}", expected[column]));
            }
        }
    }
    assert!(failures.is_empty(), "role authorization matrix failures:\n{}", failures.join("\n"));
}

both_backends!(role_authorization_matrix, run_role_matrix);

/// Each registered server function must be listed in `app::api::ENDPOINTS`, and the position
/// endpoints among them must be probed above.
#[test]
fn every_server_function_is_in_the_matrix() {
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let listed: BTreeSet<String> = app::api::ENDPOINTS.iter().map(|(path, _)| path.to_string()).collect();
    let unlisted: Vec<&String> = registered.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&registered).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "server functions and app::api::ENDPOINTS differ: registered but not listed {unlisted:?} (add each to the \
         list and a row of the matrix), listed but not registered {stale:?}"
    );
    // Every endpoint that checks access is probed by one of the matrices above (the login steps
    // establish the session and are tested in accesso.rs and router.rs).
    let probed: BTreeSet<&str> = [
        "/api/cassetto/posizione",
        "/api/cassetto/sezione",
        "/api/cassetto/ricerca",
        "/api/deleghe/dettaglio",
        "/api/deleghe/attiva",
        "/api/deleghe/nuovo-otp",
        "/api/deleghe/subdelega",
        "/api/deleghe/revoca",
        "/api/deleghe/rinnovo",
        "/api/profilo",
        "/api/profilo/richiesta",
        "/api/deleghe",
        "/api/dipendenti-pubblici",
        "/api/deleghe/dipendente",
        "/api/deleghe/intermediario",
        "/api/backoffice/richieste-profilo",
        "/api/backoffice/richieste-profilo/decisione",
        "/api/backoffice/operatori",
        "/api/backoffice/operatori/abilitazione",
        "/api/admin/albo",
        "/api/comunicazioni",
        "/api/comunicazioni/dettaglio",
        "/api/backoffice/quesiti",
        "/api/backoffice/quesiti/azione",
        "/api/agenda",
        "/api/agenda/prenota",
        "/api/agenda/annulla",
        "/api/agenda/slot",
        "/api/agenda/esito",
        "/api/admin/tassonomia",
        "/api/admin/tassonomia/salva",
        "/api/admin/tassi",
        "/api/admin/tassi/salva",
        "/api/admin/tassi/rimuovi",
        "/api/cassetto/sanzioni-eca",
        "/api/cassetto/tracciati",
        "/api/cassetto/contestazioni",
        "/api/cassetto/dma-importazione",
        "/api/cassetto/dma-sostituzione",
        "/api/cassetto/dma-manuale",
        "/api/backoffice/contestazioni",
        "/api/backoffice/contestazioni/risposta",
        "/api/backoffice/operatori/fascicolo-elettronico",
        // Probed per role in login.rs (password_change_and_unlock_per_role).
        "/api/profilo/password",
        // Probed per role below (intermediary_profile_from_the_albo).
        "/api/profilo/intermediario",
        "/api/backoffice/operatori/sblocco",
        "/api/backoffice/fascicolo/ricerca",
        "/api/admin/feedback",
        "/api/feedback/uso",
        "/api/feedback/valuta",
        "/api/feedback/ignora",
    ]
    .into();
    for (path, action) in app::api::ENDPOINTS {
        if !action.starts_with("public") && !action.contains("second-factor") {
            assert!(probed.contains(path), "{path} checks {action} but no matrix probes it");
        }
    }
}

/// «Attiva il profilo di intermediario»: only a user without a profile, and only one in the Albo, becomes an
/// intermediary; every other role is refused before anything is looked at.
async fn run_intermediary_profile(app: TestApp) {
    let endpoint = "/api/profilo/intermediario";
    assert_eq!(app.call(&app.client(), endpoint, json!({})).await.0, 401);
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Nessuno) {
        let client = app.login_as(role).await;
        assert_eq!(app.call(&client, endpoint, json!({})).await.0, 403, "{role:?}");
    }
    let giulia = crate::common::cf_of(Role::Nessuno);
    let client = app.login_as(Role::Nessuno).await;
    let (status, body) = app.call(&client, endpoint, json!({})).await;
    assert_eq!(status, 400, "not in the Albo: {body}");
    assert!(body.contains("Albo"), "{body}");
    sqlx::query(
        "INSERT INTO albo (codice_fiscale, category, registration, province, full_name, imported_at) \
         VALUES ($1, 'consulente_lavoro', '999', 'RM', 'Giulia Romano', 0)",
    )
    .bind(&giulia)
    .execute(app.db.pool())
    .await
    .expect("albo");
    let (status, body) = app.call(&client, endpoint, json!({})).await;
    assert!(status < 400, "{status} {body}");
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE codice_fiscale = $1")
        .bind(&giulia)
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    assert_eq!(role, "intermediario");
    assert_eq!(app.call(&client, endpoint, json!({})).await.0, 403, "once only, from no profile");
}

both_backends!(intermediary_profile_from_the_albo, run_intermediary_profile);

/// The Fascicolo Elettronico: an operator reads the positions of their own Sede only, each reading is in
/// the audit log, and once the IDM revokes the enablement nothing is readable any more.
async fn run_fascicolo_elettronico(app: TestApp) {
    let roma = app.position_of("Comune di Roccaverde").await; // Sede Roma Eur
    let milano = app.position_of("Comune di Valfiorita").await; // Sede Milano Nord
    let paolo = app.login_as(Role::Operatore).await; // Roma Eur
    let elena = app.login(&crate::common::cf_of_name("Elena Fontana")).await; // Milano Nord
    let load = |client: &reqwest::Client, code: &str| {
        let (client, code) = (client.clone(), code.to_string());
        let app = &app;
        async move { app.call(&client, "/api/cassetto/posizione", json!({"posizione": code})).await.0 }
    };
    let readings = |code: String| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'fascicolo_elettronico.consultato' AND subject = $1",
            )
            .bind(format!("posizione:{code}"))
            .fetch_one(app.db.pool())
            .await
            .expect("audit")
        }
    };

    assert_eq!(load(&paolo, &roma).await, 200);
    assert_eq!(load(&paolo, &roma).await, 200);
    assert_eq!(readings(roma.clone()).await, 2, "every reading is audited");
    assert_eq!(load(&paolo, &milano).await, 404, "another Sede's position is not found");
    assert_eq!(load(&elena, &roma).await, 404);
    assert_eq!(load(&elena, &milano).await, 200);
    assert_eq!(readings(milano.clone()).await, 1, "a refused reading is not a reading");
    let actor: i64 = sqlx::query_scalar(
        "SELECT u.id FROM audit_log a JOIN users u ON u.id = a.actor_user_id \
         WHERE a.subject = $1 AND a.action = 'fascicolo_elettronico.consultato' AND u.codice_fiscale = $2",
    )
    .bind(format!("posizione:{milano}"))
    .bind(crate::common::cf_of_name("Elena Fontana"))
    .fetch_one(app.db.pool())
    .await
    .expect("the reader is recorded");
    assert!(actor > 0);

    // The search lists exactly the Sede's positions.
    let found: app::model::SearchResult =
        app.load(&paolo, "/api/backoffice/fascicolo/ricerca", json!({"testo": "", "pagina": 0})).await;
    let at_roma: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM positions p JOIN sedi s ON s.id = p.sede_id WHERE s.name = 'Roma Eur'",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("count");
    assert_eq!(found.total, at_roma);
    assert!(found.rows.iter().all(|r| r.sede == "Roma Eur"), "{:?}", found.rows);
    assert!(found.rows.iter().any(|r| r.code == roma));

    // The IDM of Roma Eur revokes Paolo's enablement: effective at his next request.
    let idm = app.login_as(Role::Idm).await;
    let form = [("codice_fiscale", crate::common::cf_of(Role::Operatore)), ("abilitato", "0".to_string())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(form_status(&app, &idm, "/api/backoffice/operatori/fascicolo-elettronico", &form).await, 200);
    assert_eq!(load(&paolo, &roma).await, 403, "not enabled: refused");
    let search = app.call(&paolo, "/api/backoffice/fascicolo/ricerca", json!({"testo": "", "pagina": 0})).await.0;
    assert_eq!(search, 403);
    assert_eq!(readings(roma.clone()).await, 2);
    // The IDM of Roma Eur cannot touch an operator of Milano.
    let form = [("codice_fiscale", crate::common::cf_of_name("Elena Fontana")), ("abilitato", "0".to_string())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(form_status(&app, &idm, "/api/backoffice/operatori/fascicolo-elettronico", &form).await, 404);
    assert_eq!(load(&elena, &milano).await, 200);
    let revoked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'utente.fascicolo_elettronico.revocato' AND subject = $1",
    )
    .bind(format!("utente:{}", crate::common::cf_of(Role::Operatore)))
    .fetch_one(app.db.pool())
    .await
    .expect("audit");
    assert_eq!(revoked, 1);
}

both_backends!(fascicolo_elettronico_is_bound_to_sede_and_enablement, run_fascicolo_elettronico);

/// Who reads which richiesta (issue 15, item 11): its author while reaching its position, and the datore of its
/// Ente — holding the scope for that Ente now — whoever sent it (his delegated employee, his intermediary). A
/// delegated employee, an intermediary or a sub-delegated employee reads no other author's richiesta, on a
/// position they reach or not; a revoked delega reaches nothing, not even one's own richieste; the scope
/// withdrawn from the datore closes his Ente's richieste to him. The history «Sulla mia posizione» lists the
/// same ones the detail opens.
async fn run_richiesta_matrix(app: TestApp) {
    use app::ssr::comunicazioni::{NuovaRichiesta, open};
    let pool = app.db.pool();
    let id_of = |name: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE full_name = $1")
            .bind(name)
            .fetch_one(pool)
            .await
            .expect("user")
    };
    let leonardo = app.position_of("Istituto Comprensivo Leonardo").await; // Mario's, at no delega yet
    // Giuseppe holds a delega of Mario's Istituto Comprensivo Leonardo too (as after the PEC and OTP).
    let delega: i64 = sqlx::query_scalar(
        "INSERT INTO deleghe (kind, position_id, grantee_user_id, status, valid_from, created_at) \
         SELECT 'intermediario', id, $1, 'attiva', '2026-01-01', 0 FROM positions WHERE code = $2 RETURNING id",
    )
    .bind(id_of("Giuseppe Verdi").await)
    .bind(&leonardo)
    .fetch_one(pool)
    .await
    .expect("delega");
    app::ssr::deleghe::backfill_servizi(&mut pool.acquire().await.expect("conn")).await.expect("servizi");

    // (author, Ente of the position): Laura is delegated on Roccaverde and was on Valfiorita (revoked since: the
    // richiesta was sent while it held); Anna is sub-delegated by Giuseppe on the ASL Roma 9.
    let sent = [
        ("Laura Bianchi", "Comune di Roccaverde"),
        ("Laura Bianchi", "Comune di Valfiorita"),
        ("Giuseppe Verdi", "Istituto Comprensivo Leonardo"),
        ("Giuseppe Verdi", "Comune di Pietrascura"),
        ("Anna Neri", "Azienda Sanitaria Locale Roma 9"),
        ("Mario Rossi", "Comune di Roccaverde"),
        ("Franca Marino", "Comune di Acquaviva Alta"),
    ];
    let mut ids = Vec::new();
    for (author, ente) in sent {
        let code = app.position_of(ente).await;
        let position: i64 = sqlx::query_scalar("SELECT id FROM positions WHERE code = $1")
            .bind(&code)
            .fetch_one(pool)
            .await
            .expect("p");
        let nuova = NuovaRichiesta {
            position_id: position,
            oggetto_id: 1,
            testo: "Richiesta di prova",
            email: Some("ufficio@example.it"),
            telefono: None,
            consenso_notifiche: false,
            allegati: Vec::new(),
        };
        ids.push(open(&app.db, id_of(author).await, nuova, app::ssr::db::now_unix()).await.expect("apri").0);
    }
    // Expected status of the detail of each richiesta above, per reader.
    let matrix: [(&str, Role, [u16; 7]); 5] = [
        ("Mario Rossi", Role::Datore, [200, 200, 200, 404, 404, 200, 404]),
        ("Laura Bianchi", Role::Delegato, [200, 404, 404, 404, 404, 404, 404]),
        ("Giuseppe Verdi", Role::Intermediario, [404, 404, 200, 200, 404, 404, 404]),
        ("Anna Neri", Role::Subdelegato, [404, 404, 404, 404, 200, 404, 404]),
        ("Franca Marino", Role::Datore, [404, 404, 404, 404, 404, 404, 200]),
    ];
    let mut clients = std::collections::HashMap::new();
    for (name, _, _) in &matrix {
        clients.insert(*name, app.login(&crate::common::cf_of_name(name)).await);
    }
    let read = |who: &'static str, id: app::model::RichiestaId| {
        let (app, client) = (&app, clients[who].clone());
        async move { app.call(&client, "/api/comunicazioni/dettaglio", json!({ "id": id })).await }
    };
    // The ids of the richieste above that a history lists.
    let listed = |who: &'static str, vista: &'static str| {
        let (app, client, ids) = (&app, clients[who].clone(), ids.clone());
        async move {
            let query = json!({ "filters": { "vista": vista } });
            let (status, body) = app.call(&client, "/api/comunicazioni", json!({ "query": query })).await;
            assert_eq!(status, 200, "{who} {vista}: {body}");
            let page: serde_json::Value = serde_json::from_str(&body).expect("json");
            let rows = page["richieste"].as_array().expect("rows");
            let found: Vec<usize> = (0..ids.len()).filter(|i| rows.iter().any(|r| r["id"] == ids[*i].0)).collect();
            (found, page["vista_posizione"].as_bool())
        }
    };
    let mut failures = Vec::new();
    for &(who, _, expected) in &matrix {
        for (i, id) in ids.iter().enumerate() {
            let (got, _) = read(who, *id).await;
            if got != expected[i] {
                failures.push(format!(
                    "{who} reads the richiesta of {} on {}: expected {}, got {got}",
                    sent[i].0, sent[i].1, expected[i]
                ));
            }
        }
        // «Sulla mia posizione» lists what the reader opens as the datore; «Inviate da me» their own.
        let on_position: Vec<usize> = (0..ids.len()).filter(|i| expected[*i] == 200 && sent[*i].0 != who).collect();
        let (mut found, _) = listed(who, "posizione").await;
        found.retain(|i| sent[*i].0 != who);
        if found != on_position {
            failures.push(format!("{who}: «Sulla mia posizione» lists {found:?}, expected {on_position:?}"));
        }
        let own: Vec<usize> = (0..ids.len()).filter(|i| sent[*i].0 == who).collect();
        let (found, _) = listed(who, "").await;
        if found != own {
            failures.push(format!("{who}: «Inviate da me» lists {found:?}, expected {own:?}"));
        }
    }
    assert!(failures.is_empty(), "richiesta authorization matrix failures:\n{}", failures.join("\n"));

    // The datore's reading of Laura's richiesta names its sender, and offers no booking (the author's).
    let (_, body) = read("Mario Rossi", ids[0]).await;
    let detail: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(detail["richiesta"]["autore"], "Laura Bianchi");
    assert!(detail["appuntamento"].is_null(), "{detail}");
    assert_eq!(listed("Mario Rossi", "").await.1, Some(true), "a datore is offered the choice");
    assert_eq!(listed("Laura Bianchi", "").await.1, Some(false));

    // Giuseppe's delega on the Istituto is revoked: his own richiesta there is closed to him, not to Mario.
    sqlx::query("UPDATE deleghe SET status = 'revocata', valid_until = '2026-01-02' WHERE id = $1")
        .bind(delega)
        .execute(pool)
        .await
        .expect("revoke");
    assert_eq!(read("Giuseppe Verdi", ids[2]).await.0, 404, "revoked delega: no reach");
    assert_eq!(read("Mario Rossi", ids[2]).await.0, 200);
    // The Istituto's scope withdrawn from Mario: its richieste are closed to him, the other Enti's are not.
    sqlx::query(
        "DELETE FROM ente_scopes WHERE ente_id = (SELECT id FROM enti WHERE denominazione = 'Istituto Comprensivo Leonardo')",
    )
    .execute(pool)
    .await
    .expect("scope");
    assert_eq!(read("Mario Rossi", ids[2]).await.0, 404, "no scope for the Ente: no reach");
    assert_eq!(read("Mario Rossi", ids[0]).await.0, 200);
    assert_eq!(listed("Mario Rossi", "posizione").await.0, vec![0, 1, 5]);
}

both_backends!(richiesta_authorization_matrix, run_richiesta_matrix);
