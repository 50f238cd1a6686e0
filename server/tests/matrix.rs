//! The authorization matrix: every server function and route that touches a position, for every role
//! (and a visitor), on an own, a foreign and a revoked position, with the expected status of each cell.
//! A second test fails when a server function exists that the matrix does not list.

mod common;

use std::collections::BTreeSet;

use app::model::Role;
use common::{Backend, TestApp};
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
    (Some(Role::Operatore), [403, 403, 403]),
    (Some(Role::Idm), [403, 403, 403]),
    (Some(Role::Admin), [403, 403, 403]),
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
}

const PROBES: [Probe; 6] = [
    Probe::LoadPosition,
    Probe::SectionPage,
    Probe::DetailSectionPage,
    Probe::PositionPage,
    Probe::SectionHtmlPage,
    Probe::CsvDownload,
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
        Probe::CsvDownload => {
            client.get(app.url(&format!("/esporta/{code}/note-rettifica"))).send().await.expect("get").status().as_u16()
        }
    }
}

fn is_page(p: Probe) -> bool {
    matches!(p, Probe::PositionPage | Probe::SectionHtmlPage)
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
                // Pages answer as their server functions do, except that a visitor is sent to the login.
                let want = if is_page(p) && who.is_none() { 302 } else { expected[i] };
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

/// Each registered server function must be listed in `app::api::ENDPOINTS`, and the position
/// endpoints among them must be probed above.
#[test]
fn every_server_function_is_in_the_matrix() {
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    let listed: BTreeSet<String> = app::api::ENDPOINTS.iter().map(|(path, _)| path.to_string()).collect();
    assert_eq!(
        registered, listed,
        "server functions and app::api::ENDPOINTS differ: add the new function to the list and the matrix"
    );
    let probed: BTreeSet<&str> = ["/api/cassetto/posizione", "/api/cassetto/sezione", "/api/cassetto/ricerca"].into();
    for (path, action) in app::api::ENDPOINTS {
        if action.contains("Position") {
            assert!(probed.contains(path), "{path} checks {action} but the matrix does not probe it");
        }
    }
}
