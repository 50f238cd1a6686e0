//! The ListaPosPA rule corpus (`tests/listapospa/corpus.toml`, issue 15 items 8 and 9): every file goes through
//! the real reader and must give exactly the rule codes listed (or the refusal, or the heading's refusal); a few
//! go through the HTTP import on both backends, to show what the user gets and what is stored.

mod common;

use std::path::PathBuf;

use app::domain::listapospa::verifica_intestazioni;
use app::model::Role;
use app::ssr::listapospa::{Limiti, leggi_lavoratori};
use common::{Backend, TestApp, location};
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    file: Vec<Caso>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Caso {
    name: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    codes: Vec<String>,
    refused: Option<String>,
    heading: Option<String>,
    #[serde(default)]
    variazione: bool,
    cognome: Option<String>,
}

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/listapospa"))
}

fn corpus() -> Vec<Caso> {
    let text = std::fs::read_to_string(dir().join("corpus.toml")).expect("corpus");
    toml::from_str::<Corpus>(&text).expect("corpus parses").file
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// Roccaverde's position, which every file of the corpus declares for.
const CF_ENTE: &str = "81000000018";
const POSIZIONE: &str = "8100000001800000";

#[test]
fn every_file_of_the_corpus_gets_exactly_its_rules() {
    let casi = corpus();
    // Every file of the directory is in the corpus, and the other way round.
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    files.sort();
    let mut listed: Vec<String> = casi.iter().map(|c| c.name.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "the corpus lists every file once");
    let mut failures = Vec::new();
    for caso in &casi {
        let mut cognome = None;
        let lettura = leggi_lavoratori(bytes(&caso.name).as_slice(), Limiti::default(), &mut |l| {
            cognome.get_or_insert_with(|| l.cognome.clone());
        });
        let what = format!("{} ({})", caso.name, caso.rule);
        match (lettura, &caso.refused) {
            (Err(e), Some(why)) => {
                if !e.0.contains(why.as_str()) {
                    failures.push(format!("{what}: refused as «{}», expected «{why}»", e.0));
                }
            }
            (Err(e), None) => failures.push(format!("{what}: refused as «{}»", e.0)),
            (Ok(_), Some(why)) => failures.push(format!("{what}: read, expected the refusal «{why}»")),
            (Ok(l), None) => {
                let codes: Vec<&str> = l.errori.iter().map(|e| e.codice.as_str()).collect();
                if codes != caso.codes {
                    failures.push(format!("{what}: codes {codes:?}, expected {:?}: {:?}", caso.codes, l.errori));
                }
                let heading = verifica_intestazioni(&l.intestazioni, CF_ENTE, "00000", POSIZIONE);
                match (&heading, &caso.heading) {
                    (Ok(()), None) => {}
                    (Err(e), Some(why)) if e.contains(why.as_str()) => {}
                    _ => failures.push(format!("{what}: heading {heading:?}, expected {:?}", caso.heading)),
                }
                let variazione = l.periodi_e0 == 0 && l.periodi_v1 > 0;
                if variazione != caso.variazione {
                    failures.push(format!("{what}: variation {variazione}, expected {}", caso.variazione));
                }
                if caso.cognome.is_some() && cognome != caso.cognome {
                    failures.push(format!("{what}: surname {cognome:?}, expected {:?}", caso.cognome));
                }
                if l.lavoratori == 0 {
                    failures.push(format!("{what}: no worker read"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Uploads a corpus file as the ListaPosPA declaration of `code`; the redirect target.
async fn upload(app: &TestApp, client: &reqwest::Client, code: &str, name: &str) -> String {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes(name)).file_name(name.to_string()));
    let res = client
        .post(app.url(&format!("/api/dma/{code}")))
        .header("Origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303, "{name}");
    location(&res)
}

fn importazione(to: &str) -> i64 {
    to.rsplit('=').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no importazione in {to}"))
}

// Through the HTTP import: a Latin-1 file is accepted with its accented surname stored as written; a file of V1
// periods only is stored as a variation with the V1 totals; a RegimeFineServizio without TFS gestione is
// refused with 00390I; a PRGAZIENDA "0" and a second Azienda of another Ente are refused naming the reason.
both_backends!(the_corpus_through_the_http_import, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    assert_eq!(code, POSIZIONE);
    let stato = |id: i64| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (String, Option<i64>)>("SELECT stato, denuncia_id FROM dma_importazioni WHERE id = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .expect("importazione")
        }
    };

    let id = importazione(&upload(&app, &mario, &code, "variante-iso-8859-1.xml").await);
    let (s, denuncia) = stato(id).await;
    assert_eq!(s, "accettata");
    let (name, tipo): (String, String) = sqlx::query_as(
        "SELECT l.worker_name, d.tipo FROM dma_lavoratori l JOIN dma_denunce d ON d.id = l.denuncia_id \
         WHERE d.id = $1 LIMIT 1",
    )
    .bind(denuncia)
    .fetch_one(app.db.pool())
    .await
    .expect("worker");
    assert_eq!((name.as_str(), tipo.as_str()), ("D'Agostino Nicolò Laura", "mensile"));

    let id = importazione(&upload(&app, &mario, &code, "variazione.xml").await);
    let (s, denuncia) = stato(id).await;
    assert_eq!(s, "accettata");
    let (tipo, imponibile, contributi): (String, i64, i64) =
        sqlx::query_as("SELECT tipo, imponibile_cents, contributi_cents FROM dma_denunce WHERE id = $1")
            .bind(denuncia)
            .fetch_one(app.db.pool())
            .await
            .expect("denuncia");
    assert_eq!((tipo.as_str(), imponibile, contributi), ("variazione", 30_000, 7_140));
    // The consultation lists it as a variation: the "Tipo" filter finds it, and only it of this test's files.
    let (status, body) = app
        .call(
            &mario,
            "/api/cassetto/sezione",
            serde_json::json!({"posizione": code, "section": "Dma", "parent": null,
                "query": {"filters": {"tipo": "variazione"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["table"]["total_rows"], 1, "{body}");
    assert!(body.contains("variazione"), "{body}");

    let id = importazione(&upload(&app, &mario, &code, "regime-senza-tfs.xml").await);
    let (s, denuncia) = stato(id).await;
    assert_eq!((s.as_str(), denuncia), ("scartata", None));
    let codici: Vec<String> =
        sqlx::query_scalar("SELECT codice FROM dma_import_errori WHERE importazione_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .expect("errori");
    assert_eq!(codici, ["00390I"]);

    let before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM dma_importazioni").fetch_one(app.db.pool()).await.expect("n");
    let to = upload(&app, &mario, &code, "prgazienda-0.xml").await;
    assert!(to.contains("errore=") && to.contains("5+cifre"), "{to}");
    let to = upload(&app, &mario, &code, "due-aziende-altra-posizione.xml").await;
    assert!(to.contains("errore=") && to.contains("blocco+ListaPosPA+n.+2"), "{to}");
    let after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM dma_importazioni").fetch_one(app.db.pool()).await.expect("n");
    assert_eq!(after, before, "a file of another position leaves nothing");
});
