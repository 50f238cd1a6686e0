//! The Fascicolo aziendale through HTTP: the PDF of a position, read back with Poppler's `pdftotext` and
//! `pdfinfo` (Debian `poppler-utils`, installed by `scripts/install-tools.sh`), on SQLite and PostgreSQL.

use crate::common::{Backend, TestApp, cf_of};
use app::api::cassetto::SectionView;
use app::model::Role;
use app::sections::Section;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Runs a Poppler tool on the PDF (written to a temporary file) and returns its standard output.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("cassetto_fascicolo_{}_{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("fascicolo.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let mut cmd = std::process::Command::new(tool);
    cmd.arg(&path);
    if tool == "pdftotext" {
        cmd.args(["-enc", "UTF-8", "-"]);
    }
    let out = cmd.output().unwrap_or_else(|e| panic!("{tool} (install poppler-utils): {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

/// Whitespace runs (line breaks, the no-break space before €) collapsed to one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pages_of(pdf: &[u8]) -> u32 {
    let info = poppler("pdfinfo", pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in: {info}"))
}

/// The demo position with the most rows in its dossier whose Ente has a datore (who then prints it):
/// its code, id and the datore's codice fiscale.
async fn largest_position(app: &TestApp) -> (String, i64, String) {
    sqlx::query_as(
        "SELECT p.code, p.id, u.codice_fiscale FROM positions p JOIN enti e ON e.id = p.ente_id \
         JOIN users u ON u.id = e.datore_user_id ORDER BY \
           (SELECT COUNT(*) FROM versamenti x WHERE x.position_id = p.id) \
         + (SELECT COUNT(*) FROM note_rettifica x WHERE x.position_id = p.id) \
         + (SELECT COUNT(*) FROM piani_ammortamento x WHERE x.position_id = p.id) \
         + (SELECT COUNT(*) FROM rate_piano r JOIN piani_ammortamento a ON a.id = r.piano_id WHERE a.position_id = p.id) \
         + (SELECT COUNT(*) FROM dma_denunce x WHERE x.position_id = p.id) \
         + (SELECT COUNT(*) FROM dma_lavoratori l JOIN dma_denunce d ON d.id = l.denuncia_id \
              WHERE d.position_id = p.id AND l.error_code IS NOT NULL) \
         + (SELECT COUNT(*) FROM note_debito x WHERE x.position_id = p.id) \
         + (SELECT COUNT(*) FROM note_debito_eca x WHERE x.position_id = p.id) DESC, p.id LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .expect("largest position")
}

async fn prints(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'fascicolo.stampato'")
        .fetch_one(app.db.pool())
        .await
        .expect("audit count")
}

async fn prints_the_dossier_of_a_position(app: TestApp) {
    let (code, position_id, cf) = largest_position(&app).await;
    let client = app.login(&cf).await;

    let res = client
        .get(app.url(&format!("/cassetto/{code}/fascicolo.pdf")))
        .header("Sec-Fetch-Site", "same-origin")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 200);
    let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-disposition"), format!("attachment; filename=\"fascicolo-{code}.pdf\""));
    let pdf = res.bytes().await.expect("body").to_vec();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");

    let pages = pages_of(&pdf);
    assert!(pages >= 2, "the largest demo position prints on {pages} page(s)");
    let raw = poppler("pdftotext", &pdf);
    // pdftotext ends every page with a form feed: the position code is on each one.
    let page_texts: Vec<&str> = raw.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(page_texts.len(), usize::try_from(pages).expect("pages"));
    for (i, page) in page_texts.iter().enumerate() {
        assert!(page.contains(&code), "page {} lacks the position code", i + 1);
        assert!(flat(page).contains(&format!("Pagina {} di {pages}", i + 1)), "page {} lacks its number", i + 1);
    }
    let text = flat(&raw);
    for expected in ["Fascicolo aziendale", "Anagrafica della posizione", "Sede INPS competente", "Deleghe in vigore"] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    assert!(text.contains("(ora italiana)"), "no generation time stated");

    // Every section with the count and the totals its page shows (the page's own server function).
    for spec in Section::top_level() {
        assert!(text.contains(spec.title), "missing section {:?}", spec.title);
        let (status, body) = app
            .call(
                &client,
                "/api/cassetto/sezione",
                json!({"posizione": code, "section": spec.section, "parent": null, "query": {}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let view: SectionView = serde_json::from_str(&body).expect("section view");
        // As the dossier words it: one "risultato", otherwise "risultati".
        let count = match view.table.total_rows {
            1 => "1 risultato".to_string(),
            n => format!("{n} risultati"),
        };
        assert!(text.contains(&count), "{}: missing {count:?}", spec.slug);
        assert!(!view.table.totals.is_empty() || spec.columns.iter().all(|c| !c.total));
        for (key, total) in &view.table.totals {
            let label = spec.columns.iter().find(|c| c.key == key).expect("column").label;
            let expected = format!("{} €", total);
            assert!(text.contains(&expected), "{}: missing total {label} {expected:?}", spec.slug);
        }
    }
    // And one total against the table itself, so the page and the print cannot share a wrong sum.
    let versamenti: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM versamenti WHERE position_id = $1",
    )
    .bind(position_id)
    .fetch_one(app.db.pool())
    .await
    .expect("sum");
    let expected = format!("Totale importo: {} €", app::domain::money::Money::from_cents(versamenti));
    assert!(text.contains(&expected), "missing {expected:?}");

    // The print is in the audit log, by this user, with the PDF's fingerprint.
    let (actor, detail): (Option<i64>, String) = sqlx::query_as(
        "SELECT actor_user_id, detail FROM audit_log WHERE action = 'fascicolo.stampato' AND subject = $1",
    )
    .bind(format!("posizione:{code}"))
    .fetch_one(app.db.pool())
    .await
    .expect("audit entry");
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(&cf)
        .fetch_one(app.db.pool())
        .await
        .expect("user");
    assert_eq!(actor, Some(user));
    assert_eq!(detail, format!("sha256:{}", hex::encode(Sha256::digest(&pdf))));
}

both_backends!(dossier_pdf, prints_the_dossier_of_a_position);

async fn refuses_whoever_may_not_read_the_position(app: TestApp) {
    let (code, _, _) = largest_position(&app).await;
    let path = format!("/cassetto/{code}/fascicolo.pdf");
    // Mario does not reach the other datore's position: not found, as if it did not exist.
    let mario = app.login_as(Role::Datore).await;
    assert_ne!(cf_of(Role::Datore), largest_position(&app).await.2, "the test needs a foreign position");
    let res = mario.get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get");
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap_or_default().contains("non trovata"));
    // A visitor must log in; an operator of another Sede does not find it (the position is Roma Eur's); an
    // operator of its Sede whom the IDM has not enabled for the Fascicolo Elettronico is refused.
    assert_eq!(
        app.client().get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get").status(),
        401
    );
    let milano = app.login(&crate::common::cf_of_name("Elena Fontana")).await;
    assert_eq!(
        milano.get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get").status(),
        404
    );
    sqlx::query("UPDATE users SET fascicolo_elettronico = 0 WHERE codice_fiscale = $1")
        .bind(cf_of(Role::Operatore))
        .execute(app.db.pool())
        .await
        .expect("revoke");
    let operator = app.login_as(Role::Operatore).await;
    assert_eq!(
        operator.get(app.url(&path)).header("Sec-Fetch-Site", "same-origin").send().await.expect("get").status(),
        403
    );
    assert_eq!(prints(&app).await, 0, "a refused print was recorded");
}

both_backends!(dossier_refused, refuses_whoever_may_not_read_the_position);
