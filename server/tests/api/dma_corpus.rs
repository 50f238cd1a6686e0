//! The ListaPosPA rule corpus (`tests/listapospa/corpus.toml`, issue 15 items 8 and 9): every file goes through
//! the real reader and must give exactly the rule codes listed (or the refusal, or the heading's refusal); a few
//! go through the HTTP import on both backends, to show what the user gets and what is stored.

use std::path::PathBuf;

use crate::common::{Backend, TestApp};
use app::domain::dma::listapospa::{REGOLE, check_intestazioni, gravita, leggi_importi};
use app::model::Role;
use app::ssr::dma::listapospa::{Limiti, leggi_lavoratori};
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
    esito: Option<String>,
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
                let heading = check_intestazioni(&l.intestazioni, CF_ENTE, "00000", POSIZIONE);
                match (&heading, &caso.heading) {
                    (Ok(()), None) => {}
                    (Err(e), Some(why)) if e.to_string().contains(why.as_str()) => {}
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
                // The outcome follows from the severities of the table, and each problem carries its code's.
                let esito = match (l.numero_bloccanti(), l.numero_avvisi) {
                    (0, 0) => "accettata",
                    (0, _) => "accettata con errori",
                    _ => "scartata",
                };
                if caso.esito.as_deref().is_some_and(|e| e != esito) {
                    failures.push(format!("{what}: outcome {esito}, expected {:?}", caso.esito));
                }
                if let Some(e) = l.errori.iter().find(|e| e.gravita != gravita(&e.codice)) {
                    failures.push(format!("{what}: {} with severity {:?}", e.codice, e.gravita));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every rule of the table is proven by a file of the corpus: one whose reading reports that code.
#[test]
fn every_rule_of_the_table_has_a_file_that_proves_it() {
    let casi = corpus();
    let missing: Vec<&str> = REGOLE
        .iter()
        .map(|r| r.codice)
        .filter(|code| !casi.iter().any(|c| c.codes.iter().any(|x| x == code)))
        .collect();
    assert!(missing.is_empty(), "rules without a corpus file: {missing:?}");
    // Both outcomes of the severities, each by a file of its own.
    for esito in ["accettata con errori", "scartata"] {
        assert!(casi.iter().any(|c| c.esito.as_deref() == Some(esito)), "no file for «{esito}»");
    }
}

/// Uploads a corpus file as the ListaPosPA declaration of `code`, confirming the replacement of the demo's
/// declaration of the month when asked; the redirect target.
async fn upload(app: &TestApp, client: &reqwest::Client, code: &str, name: &str) -> String {
    app.upload_dma(client, code, name, bytes(name)).await
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

    // 00390I is a warning: the file is acquired "con errori", the warning kept on the worker's line.
    let id = importazione(&upload(&app, &mario, &code, "regime-senza-tfs.xml").await);
    let (s, denuncia) = stato(id).await;
    assert_eq!(s, "accettata");
    let (status, errors): (String, i64) = sqlx::query_as("SELECT status, errors FROM dma_denunce WHERE id = $1")
        .bind(denuncia)
        .fetch_one(app.db.pool())
        .await
        .expect("denuncia");
    assert_eq!((status.as_str(), errors), ("accettata con errori", 1));
    let codici: Vec<(String, i64)> =
        sqlx::query_as("SELECT codice, avviso FROM dma_import_errori WHERE importazione_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .expect("errori");
    assert_eq!(codici, [("00390I".to_string(), 1)]);

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

/// The rows of a consultation section of `code` as JSON.
async fn sezione(app: &TestApp, client: &reqwest::Client, code: &str, section: &str, parent: Option<i64>) -> String {
    let (status, body) = app
        .call(
            client,
            "/api/cassetto/sezione",
            serde_json::json!({"posizione": code, "section": section, "parent": parent, "query": {}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

// Item 6 through the HTTP import: a file with warnings only is acquired "accettata con errori" with its warnings
// counted, kept with their severity, on the worker's line of the consultation and in its CSV; the same warnings
// with one blocking error refuse the file and store nothing of the declaration.
both_backends!(warnings_only_accept_the_file_a_blocking_error_refuses_it, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;

    let id = importazione(&upload(&app, &mario, &code, "avvisi-soli.xml").await);
    let (stato, numero, avvisi, denuncia): (String, i64, i64, Option<i64>) =
        sqlx::query_as("SELECT stato, numero_errori, avvisi, denuncia_id FROM dma_importazioni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("importazione");
    assert_eq!((stato.as_str(), numero, avvisi), ("accettata", 2, 2));
    let denuncia = denuncia.expect("stored");
    let (status, errors, imponibile): (String, i64, i64) =
        sqlx::query_as("SELECT status, errors, imponibile_cents FROM dma_denunce WHERE id = $1")
            .bind(denuncia)
            .fetch_one(app.db.pool())
            .await
            .expect("denuncia");
    assert_eq!((status.as_str(), errors, imponibile), ("accettata con errori", 2, 400_000));
    // What the import page shows: the outcome's counts and each warning with its severity.
    let (st, body) =
        app.call(&mario, "/api/cassetto/dma-importazione", serde_json::json!({"posizione": code, "id": id})).await;
    assert_eq!(st, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        (v["accettata"].as_bool(), v["numero_errori"].as_i64(), v["avvisi"].as_i64()),
        (Some(true), Some(2), Some(2))
    );
    let errori = v["errori"].as_array().expect("errori");
    assert!(errori.iter().all(|e| e["avviso"] == true), "{body}");
    // The consultation lists the declaration with its outcome, and the warnings on the worker's first line.
    let body = sezione(&app, &mario, &code, "Dma", None).await;
    assert!(body.contains("accettata con errori"), "{body}");
    let body = sezione(&app, &mario, &code, "DmaLavoratori", Some(denuncia)).await;
    assert!(body.contains("00171I, 00032I") && body.contains("Fondo credito"), "{body}");
    let (with_codes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM dma_lavoratori WHERE denuncia_id = $1 AND error_code = '00171I, 00032I'")
            .bind(denuncia)
            .fetch_one(app.db.pool())
            .await
            .expect("count");
    assert_eq!(with_codes, 1, "once per worker, on one line");
    let csv = mario
        .get(app.url(&format!("/esporta/{code}/dma?padre={denuncia}")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status().as_u16(), 200);
    let csv = csv.text().await.expect("text");
    assert!(csv.contains("00171I, 00032I") && csv.contains("BNCLRA85M41F205C"), "{csv}");
    // The import's own list, as CSV: the severity of each problem.
    let csv = mario
        .get(app.url(&format!("/esporta-errori/{code}/{id}")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(csv.starts_with("\u{feff}codice_fiscale;periodo;elemento;codice;gravita;descrizione"), "{csv}");
    assert_eq!(csv.matches(";Avviso;").count(), 2, "{csv}");

    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dma_denunce").fetch_one(app.db.pool()).await.expect("n");
    let id = importazione(&upload(&app, &mario, &code, "avvisi-e-bloccante.xml").await);
    let (stato, numero, avvisi, denuncia): (String, i64, i64, Option<i64>) =
        sqlx::query_as("SELECT stato, numero_errori, avvisi, denuncia_id FROM dma_importazioni WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("importazione");
    assert_eq!((stato.as_str(), numero, avvisi, denuncia), ("scartata", 3, 2, None));
    let codici: Vec<(String, i64)> =
        sqlx::query_as("SELECT codice, avviso FROM dma_import_errori WHERE importazione_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(app.db.pool())
            .await
            .expect("errori");
    assert_eq!(codici, [("CAS001".to_string(), 0), ("00171I".to_string(), 1), ("00032I".to_string(), 1)]);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dma_denunce").fetch_one(app.db.pool()).await.expect("n");
    assert_eq!(after, before, "a refused file stores no declaration");
});

/// A worker's codice fiscale, a gestione element's name, and its (element, amount) pairs.
type WorkerAmounts = (String, &'static str, Vec<(String, String)>);

/// The gestione amounts of a file, read by plain text search (not by the reader under test): per worker and
/// gestione element, every `<Elemento>importo</Elemento>` but CodGestione, as written.
fn amounts_of(xml: &str) -> Vec<WorkerAmounts> {
    let between = |s: &str, open: &str, close: &str| -> Option<(usize, usize)> {
        let a = s.find(open)? + open.len();
        Some((a, a + s[a..].find(close)?))
    };
    let mut out = Vec::new();
    for record in xml.split("<D0_DenunciaIndividuale>").skip(1) {
        let (a, b) = between(record, "<CFLavoratore>", "</CFLavoratore>").expect("cf");
        let cf = record[a..b].to_string();
        for tag in ["GestPensionistica", "GestPrevidenziale", "GestCredito", "ENPDEP", "ENAM"] {
            let Some((a, b)) = between(record, &format!("<{tag}>"), &format!("</{tag}>")) else { continue };
            let amounts = elements_of(&record[a..b]).into_iter().filter(|(name, _)| name != "CodGestione").collect();
            out.push((cf.clone(), tag, amounts));
        }
    }
    out
}

/// The (name, text) of each element of `span`, a run of simple elements such as a gestione's body.
fn elements_of(span: &str) -> Vec<(String, String)> {
    let mut elements = Vec::new();
    let mut rest = span;
    while let Some(open) = rest.find('<') {
        let close = rest[open..].find('>').expect("tag") + open;
        let name = &rest[open + 1..close];
        let end = rest[close..].find(&format!("</{name}>")).expect("end") + close;
        elements.push((name.to_string(), rest[close + 1..end].to_string()));
        rest = &rest[end + name.len() + 3..];
    }
    elements
}

/// The amounts each worker's period has outside its Gestioni, as the import names them (`Periodo/…`).
fn period_amounts_of(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for record in xml.split("<D0_DenunciaIndividuale>").skip(1) {
        let cf = record.split("<CFLavoratore>").nth(1).and_then(|r| r.split('<').next()).expect("cf").to_string();
        let after = record.split("</Gestioni>").nth(1).and_then(|r| r.split("</E0_PeriodoNelMese>").next());
        let amounts = elements_of(after.unwrap_or_default()).into_iter().map(|(n, v)| (format!("Periodo/{n}"), v));
        out.push((cf, amounts.collect()));
    }
    out
}

// Item 7: a file with each gestione (pensionistica, TFS, TFR, credito, ENPDEP, ENAM) imported over HTTP: every
// amount stored equals the file's, the declaration's totals include the TFS/TFR lines, the consultation shows
// them and the dossier's totals per gestione have the TFS and the TFR line.
both_backends!(every_amount_of_every_gestione_is_stored, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let id = importazione(&upload(&app, &mario, &code, "tutte-le-gestioni.xml").await);
    let denuncia: i64 =
        sqlx::query_scalar("SELECT denuncia_id FROM dma_importazioni WHERE id = $1 AND stato = 'accettata'")
            .bind(id)
            .fetch_one(app.db.pool())
            .await
            .expect("accepted");
    let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT worker_cf, gestione, imponibile_cents, contributi_cents, importi FROM dma_lavoratori \
         WHERE denuncia_id = $1 ORDER BY id",
    )
    .bind(denuncia)
    .fetch_all(app.db.pool())
    .await
    .expect("rows");
    let cents = |v: &str| app::domain::dma::listapospa::leggi_importo(v).expect("amount").cents();
    let file = String::from_utf8(bytes("tutte-le-gestioni.xml")).expect("utf8");
    let expected = amounts_of(&file);
    assert_eq!(expected.len(), 8, "two workers, eight gestioni");
    // The period's own amounts go with the worker's first line (his first gestione in the file).
    let of_period = period_amounts_of(&file);
    assert_eq!(of_period.iter().map(|(_, a)| a.len()).sum::<usize>(), 3, "{of_period:?}");
    let first_line = |cf: &str| expected.iter().position(|(c, _, _)| c == cf);
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    let (mut imponibile, mut contributi) = (0, 0);
    for (n, (cf, tag, amounts)) in expected.iter().enumerate() {
        let tfr = amounts.iter().any(|(e, _)| e == "ImponibileTFR");
        let gestione = match *tag {
            "GestPensionistica" => "Pensioni (CPDEL)",
            "GestPrevidenziale" if tfr => "TFR",
            "GestPrevidenziale" => "TFS",
            "GestCredito" => "Credito",
            other => other,
        };
        let row = rows.iter().find(|r| &r.0 == cf && r.1 == gestione).unwrap_or_else(|| panic!("{cf} {gestione}"));
        let of = |names: &[&str]| -> i64 {
            amounts.iter().filter(|(e, _)| names.contains(&e.as_str())).map(|(_, v)| cents(v)).sum()
        };
        assert_eq!(row.2, of(&["Imponibile", "ImponibileTFS", "ImponibileTFR"]), "{cf} {gestione} imponibile");
        assert_eq!(row.3, of(&["Contributo", "ContributoTFS", "ContributoTFR"]), "{cf} {gestione} contributo");
        assert!(row.2 > 0 && row.3 > 0, "{cf} {gestione}: {row:?}");
        // Every other element, each with the file's amount, and nothing else.
        let stored: Vec<(String, i64)> =
            leggi_importi(&row.4).expect("importi").into_iter().map(|(e, m)| (e, m.cents())).collect();
        let mut written: Vec<(String, i64)> = amounts
            .iter()
            .filter(|(e, _)| e != "Imponibile" && e != "Contributo")
            .map(|(e, v)| (e.clone(), cents(v)))
            .collect();
        if first_line(cf) == Some(n) {
            let (_, period) = of_period.iter().find(|(c, _)| c == cf).expect("worker");
            written.extend(period.iter().map(|(e, v)| (e.clone(), cents(v))));
        }
        assert_eq!(stored, written, "{cf} {gestione}");
        imponibile += row.2;
        contributi += row.3;
    }
    let totals: (i64, i64) = sqlx::query_as("SELECT imponibile_cents, contributi_cents FROM dma_denunce WHERE id = $1")
        .bind(denuncia)
        .fetch_one(app.db.pool())
        .await
        .expect("totals");
    assert_eq!(totals, (imponibile, contributi), "the declaration's totals include the TFS and TFR lines");
    // The TFS line is not 0/0: 1 900,00 and 48,45 as written.
    assert!(rows.iter().any(|r| r.1 == "TFS" && (r.2, r.3) == (190_000, 4_845)), "{rows:?}");

    // The consultation shows the TFS/TFR amounts and the other elements.
    let body = sezione(&app, &mario, &code, "DmaLavoratori", Some(denuncia)).await;
    for shown in [
        "TFR",
        "ImponibileTFR 2400,00",
        "ContributoTFS 48,45",
        "ImponibileEccMass 99,99",
        "RetribValutabileTFR 2450,00",
        "Periodo/RetribValutabileTFR 2460,00",
        "Periodo/ConguaglioImponibile 33,10",
    ] {
        assert!(body.contains(shown), "{shown} not in {body}");
    }
    // The dossier's totals per gestione: the TFS and the TFR line of this declaration.
    let position_id: i64 = sqlx::query_scalar("SELECT position_id FROM dma_denunce WHERE id = $1")
        .bind(denuncia)
        .fetch_one(app.db.pool())
        .await
        .expect("position");
    let today = chrono::Utc::now().date_naive();
    let f = app::ssr::fascicolo::dati(&app.db, position_id, today).await.expect("fascicolo");
    let protocol: String = sqlx::query_scalar("SELECT protocol FROM dma_denunce WHERE id = $1")
        .bind(denuncia)
        .fetch_one(app.db.pool())
        .await
        .expect("p");
    let line = |g: &str| {
        f.dma_gestioni
            .iter()
            .find(|l| l.protocol == protocol && l.gestione == g)
            .map(|l| (l.lines, l.imponibile.cents(), l.contributi.cents()))
    };
    assert_eq!(line("TFS"), Some((1, 190_000, 4_845)));
    assert_eq!(line("TFR"), Some((1, 240_000, 16_584)));
    assert_eq!(line("ENAM"), Some((1, 200_000, 240)));
});

/// One plain upload of a corpus file, with `sostituisce` when given; (status, redirect target or JSON body).
async fn upload_once(
    app: &TestApp,
    client: &reqwest::Client,
    code: &str,
    name: &str,
    sostituisce: Option<i64>,
    json: bool,
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes(name)).file_name(name.to_string()));
    // After the file: the route reads every field wherever it is.
    if let Some(id) = sostituisce {
        form = form.text("sostituisce", id.to_string());
    }
    let mut req = client.post(app.url(&format!("/api/dma/{code}"))).header("Origin", &app.base);
    if json {
        req = req.header("Accept", "application/json");
    }
    let res = req.multipart(form).send().await.expect("post");
    let status = res.status().as_u16();
    let to = crate::common::location(&res);
    (status, if status == 303 { to } else { res.text().await.unwrap_or_default() })
}

// Issue 16 item 14: a second monthly declaration for a month already declared is not stored beside the first.
// The first sending stores nothing and names the declaration in force (page and JSON); a confirmation naming
// another declaration is asked again; the confirmed one replaces it: the old one listed «sostituita», the new one
// «sostitutiva», the month's totals the new one's only. A variation of the same month replaces nothing.
both_backends!(a_second_declaration_of_a_month_replaces_the_first_only_once_confirmed, |app: TestApp| async move {
    let mario = app.login_as(Role::Datore).await;
    let code = app.position_of("Comune di Roccaverde").await;
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await.expect("count") }
    };
    let vecchia = app.dma_in_vigore(&code, "2026-03").await.expect("the demo's March");
    let (protocollo, inviata): (String, String) =
        sqlx::query_as("SELECT protocol, submitted_on FROM dma_denunce WHERE id = $1")
            .bind(vecchia)
            .fetch_one(app.db.pool())
            .await
            .expect("old");
    let (denunce, tentativi) =
        (count("SELECT COUNT(*) FROM dma_denunce").await, count("SELECT COUNT(*) FROM dma_importazioni").await);

    // Not confirmed: back to the page naming the declaration in force, nothing stored.
    let (status, to) = upload_once(&app, &mario, &code, "valido.xml", None, false).await;
    assert_eq!((status, to.as_str()), (303, format!("/cassetto/{code}/importa-dma?sostituzione={vecchia}").as_str()));
    assert_eq!(count("SELECT COUNT(*) FROM dma_denunce").await, denunce, "nothing stored");
    assert_eq!(count("SELECT COUNT(*) FROM dma_importazioni").await, tentativi, "no attempt recorded");
    let page = mario.get(app.url(&to)).send().await.expect("page").text().await.expect("html");
    let (y, m, d) = (&inviata[0..4], &inviata[5..7], &inviata[8..10]);
    let avviso =
        format!("Per il periodo 03/2026 è già stata trasmessa una denuncia il {d}/{m}/{y} (protocollo {protocollo})");
    assert!(page.contains(&avviso), "the notice on the page: {avviso}");
    assert!(page.contains(&format!("name=\"sostituisce\" value=\"{vecchia}\"")), "the confirmation names it");
    // The page's script asks for JSON: a conflict with the notice and the id to confirm.
    let (status, body) = upload_once(&app, &mario, &code, "valido.xml", None, true).await;
    assert_eq!(status, 409, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["sostituisce"].as_i64(), Some(vecchia), "{body}");
    assert!(v["errore"].as_str().is_some_and(|e| e.contains(&avviso)), "{body}");
    // A confirmation of another declaration (February's) is not a confirmation of March's.
    let febbraio = app.dma_in_vigore(&code, "2026-02").await.expect("the demo's February");
    let (_, to) = upload_once(&app, &mario, &code, "valido.xml", Some(febbraio), false).await;
    assert!(to.ends_with(&format!("?sostituzione={vecchia}")), "{to}");
    assert_eq!(count("SELECT COUNT(*) FROM dma_denunce").await, denunce);

    // Confirmed: imported, the old one replaced by it.
    let (_, to) = upload_once(&app, &mario, &code, "valido.xml", Some(vecchia), false).await;
    let nuova: i64 = sqlx::query_scalar("SELECT denuncia_id FROM dma_importazioni WHERE id = $1")
        .bind(importazione(&to))
        .fetch_one(app.db.pool())
        .await
        .expect("imported");
    assert_eq!(app.dma_in_vigore(&code, "2026-03").await, Some(nuova));
    let (sostituita_da,): (Option<i64>,) = sqlx::query_as("SELECT sostituita_da FROM dma_denunce WHERE id = $1")
        .bind(vecchia)
        .fetch_one(app.db.pool())
        .await
        .expect("old");
    assert_eq!(sostituita_da, Some(nuova));
    let nuovo_imponibile: i64 = sqlx::query_scalar("SELECT imponibile_cents FROM dma_denunce WHERE id = $1")
        .bind(nuova)
        .fetch_one(app.db.pool())
        .await
        .expect("new");
    // The consultation: both listed, each for what it is; the month's totals are the new one's.
    let (status, body) = app
        .call(
            &mario,
            "/api/cassetto/sezione",
            serde_json::json!({"posizione": code, "section": "Dma", "parent": null,
                "query": {"filters": {"periodo_dal": "2026-03", "periodo_al": "2026-03"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["table"]["total_rows"], 2, "{body}");
    let row =
        |id: i64| v["table"]["rows"].as_array().expect("rows").iter().find(|r| r["id"] == id).cloned().expect("row");
    let (old_row, new_row) = (row(vecchia).to_string(), row(nuova).to_string());
    assert!(old_row.contains("\"sostituita\"") && old_row.contains("\"mensile\""), "{old_row}");
    assert!(new_row.contains("\"sostitutiva\"") && !new_row.contains("\"sostituita\""), "{new_row}");
    let totals = v["table"]["totals"].as_array().expect("totals");
    let imponibile = totals.iter().find(|t| t[0] == "imponibile").expect("imponibile")[1].as_i64();
    assert_eq!(imponibile, Some(nuovo_imponibile), "{body}");
    // The «Esito» filter finds the replaced one.
    let (_, body) = app
        .call(
            &mario,
            "/api/cassetto/sezione",
            serde_json::json!({"posizione": code, "section": "Dma", "parent": null,
                "query": {"filters": {"stato": "sostituita", "periodo_dal": "2026-03", "periodo_al": "2026-03"}}}),
        )
        .await;
    assert!(body.contains("\"total_rows\":1"), "{body}");

    // A variation sent in March corrects earlier months: no question, nothing replaced.
    let (_, to) = upload_once(&app, &mario, &code, "variazione.xml", None, false).await;
    assert!(to.contains("importazione="), "{to}");
    assert_eq!(app.dma_in_vigore(&code, "2026-03").await, Some(nuova));
});
