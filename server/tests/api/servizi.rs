//! Issue 15, item 15: a private-sector position is offered only what applies to it. The sections and the
//! services of the Gestione dipendenti pubblici (piani di ammortamento, DMA, note di debito, note di debito
//! ECA; contestazione, calcolo sanzioni, invio tracciati, DMA) are not in its menu, their pages say why in
//! Italian, and their server functions and routes refuse with the same message, storing nothing.

use crate::common::{Backend, TestApp, location};
use app::model::Role;
use serde_json::json;

const PRIVATE: &str = "Officine Meccaniche Bianchi S.r.l.";
const PUBLIC: &str = "Comune di Roccaverde";
const REFUSAL: &str =
    "è un servizio della Gestione dipendenti pubblici: non è disponibile per le posizioni del settore privato";

async fn html_status(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let res = client.get(app.url(path)).header("Accept", "text/html").send().await.expect("get");
    (res.status().as_u16(), res.text().await.expect("html"))
}

async fn html(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let (status, page) = html_status(app, client, path).await;
    assert_eq!(status, 200, "{path}");
    page
}

/// The links of the position's left menu, by their href's last segment.
fn menu_links(page: &str) -> Vec<String> {
    let start = page.find("data-testid=\"menu-posizione\"").expect("menu");
    let menu = &page[start..start + page[start..].find("</nav>").expect("end of menu")];
    menu.split("href=\"")
        .skip(1)
        .filter_map(|h| h.split('"').next())
        .map(|h| h.rsplit('/').next().unwrap_or(h).split('?').next().unwrap_or(h).to_string())
        .collect()
}

async fn private_positions_offer_only_what_applies(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let private = app.position_of(PRIVATE).await;
    let public = app.position_of(PUBLIC).await;

    // The menu.
    let own_public = menu_links(&html(&app, &mario, &format!("/cassetto/{public}")).await);
    for slug in
        ["versamenti", "piani-ammortamento", "dma", "note-debito-eca", "invio-tracciati", "calcolo-sanzioni-eca"]
    {
        assert!(own_public.contains(&slug.to_string()), "public menu lacks {slug}: {own_public:?}");
    }
    let page = html(&app, &mario, &format!("/cassetto/{private}")).await;
    assert!(page.contains("data-gestione=\"privata\""), "the menu knows the position's Gestione");
    let own_private = menu_links(&page);
    for slug in ["versamenti", "note-rettifica", "fascicolo"] {
        assert!(own_private.contains(&slug.to_string()), "private menu lacks {slug}: {own_private:?}");
    }
    assert!(own_private.iter().any(|h| h == "nuova"), "Com. Bidirezionale: {own_private:?}");
    for slug in [
        "piani-ammortamento",
        "dma",
        "note-debito",
        "note-debito-eca",
        "contestazione-note-debito",
        "calcolo-sanzioni-eca",
        "invio-tracciati",
        "compilazione-dma",
        "importa-dma",
    ] {
        assert!(!own_private.contains(&slug.to_string()), "private menu offers {slug}: {own_private:?}");
    }

    // The pages, typed in by hand: the Italian refusal instead of the service.
    let page = html(&app, &mario, &format!("/cassetto/{private}/invio-tracciati")).await;
    assert!(page.contains("«Invio tracciati» ") && page.contains(REFUSAL), "tracciati page");
    assert!(!page.contains("form-tracciato"), "no form on the refusal");
    let page = html(&app, &mario, &format!("/cassetto/{private}/calcolo-sanzioni-eca")).await;
    assert!(page.contains(REFUSAL) && !page.contains("form-sanzioni"), "sanzioni page");
    // A section page answers with its server function's refusal (and status).
    let (status, page) = html_status(&app, &mario, &format!("/cassetto/{private}/dma")).await;
    assert_eq!(status, 400);
    assert!(page.contains("«DMA – denunce trasmesse e errori» ") && page.contains(REFUSAL), "dma page");
    let page = html(&app, &mario, &format!("/cassetto/{public}/invio-tracciati")).await;
    assert!(page.contains("form-tracciato") && !page.contains(REFUSAL), "a public position keeps the service");

    // The server functions.
    for (endpoint, body) in [
        ("/api/cassetto/tracciati", json!({"posizione": private})),
        ("/api/cassetto/contestazioni", json!({"posizione": private})),
        ("/api/cassetto/sanzioni-eca", json!({"posizione": private, "query": {}})),
        ("/api/cassetto/dma-importazione", json!({"posizione": private, "id": 1})),
        (
            "/api/cassetto/sezione",
            json!({"posizione": private, "section": "PianiAmmortamento", "parent": null, "query": {}}),
        ),
        (
            "/api/cassetto/sezione",
            json!({"posizione": private, "section": "NoteDebitoEca", "parent": null, "query": {}}),
        ),
    ] {
        let (status, answer) = app.call(&mario, endpoint, body).await;
        assert_eq!(status, 400, "{endpoint}: {answer}");
        assert!(answer.contains(REFUSAL), "{endpoint}: {answer}");
    }
    for section in ["Versamenti", "NoteRettifica"] {
        let body = json!({"posizione": private, "section": section, "parent": null, "query": {}});
        let (status, answer) = app.call(&mario, "/api/cassetto/sezione", body).await;
        assert_eq!(status, 200, "{section}: {answer}");
    }
    let csv = mario
        .get(app.url(&format!("/esporta/{private}/note-debito")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(csv.status().as_u16(), 400);
    assert!(csv.text().await.unwrap_or_default().contains(REFUSAL));

    // The form routes: back to the page with the refusal, nothing stored.
    let count = |table: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(app.db.pool())
                .await
                .expect("count")
        }
    };
    let before = (count("tracciati").await, count("contestazioni").await, count("dma_importazioni").await);
    let record = format!("{:<120}\n", "00001 RECORD DI PROVA");
    for (path, form) in [
        (
            format!("/api/tracciati/{private}"),
            reqwest::multipart::Form::new()
                .text("tipo", "circ38_2000")
                .part("file", reqwest::multipart::Part::bytes(record.clone().into_bytes()).file_name("t.txt")),
        ),
        (
            format!("/api/contestazioni/{private}"),
            reqwest::multipart::Form::new().text("nota", "1").text("motivi", "Importo già versato"),
        ),
        (
            format!("/api/dma/{private}"),
            reqwest::multipart::Form::new()
                .part("file", reqwest::multipart::Part::bytes(b"<DenunceMensili/>".to_vec()).file_name("d.xml")),
        ),
    ] {
        let res = mario.post(app.url(&path)).header("Origin", &app.base).multipart(form).send().await.expect("post");
        assert_eq!(res.status().as_u16(), 303, "{path}");
        let to = location(&res);
        let query = to.split_once('?').map_or("", |q| q.1);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).expect("query");
        let errore = pairs.iter().find(|(k, _)| k == "errore").map(|(_, v)| v.as_str()).unwrap_or_default();
        assert!(errore.contains(REFUSAL), "{path}: {to}");
    }
    let after = (count("tracciati").await, count("contestazioni").await, count("dma_importazioni").await);
    assert_eq!(before, after, "a refused service stored something");

    // The same file on the public position is received.
    let form = reqwest::multipart::Form::new()
        .text("tipo", "circ38_2000")
        .part("file", reqwest::multipart::Part::bytes(record.into_bytes()).file_name("t.txt"));
    let res = mario
        .post(app.url(&format!("/api/tracciati/{public}")))
        .header("Origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert!(location(&res).contains("protocollo="), "{}", location(&res));
}

both_backends!(a_private_position_is_offered_only_what_applies_to_it, private_positions_offer_only_what_applies);
