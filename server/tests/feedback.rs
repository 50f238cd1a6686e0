//! Instant Feedback through the server functions: a use is offered for rating once, a negative rating
//! needs a reason, nobody rates someone else's use, a dismissed use is not offered again, an action's use
//! exists only once the action happened, and the dashboard counts what was rated.

mod common;

use app::model::Role;
use common::{Backend, TestApp};
use serde_json::{Value, json};

async fn uso(app: &TestApp, client: &reqwest::Client, servizio: &str, riferimento: Option<&str>) -> Option<i64> {
    let (status, body) =
        app.call(client, "/api/feedback/uso", json!({"servizio": servizio, "riferimento": riferimento})).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Option<i64>>(&body).expect("json")
}

async fn valuta(
    app: &TestApp,
    client: &reqwest::Client,
    uso: i64,
    livello: i64,
    motivo: Option<&str>,
) -> (u16, String) {
    let valutazione = json!({"livello": livello, "motivo": motivo, "testo": "Non trovo il versamento di marzo"});
    app.call(client, "/api/feedback/valuta", json!({"uso": uso, "valutazione": valutazione})).await
}

/// (negative, neutral, positive) of a service on the dashboard, and its reasons.
async fn dashboard(app: &TestApp, client: &reqwest::Client, servizio: &str) -> ([i64; 3], Vec<(String, i64)>) {
    let (status, body) = app.call(client, "/api/admin/feedback", json!({})).await;
    assert_eq!(status, 200, "{body}");
    let all: Value = serde_json::from_str(&body).expect("json");
    let s = all["servizi"].as_array().expect("servizi").iter().find(|s| s["key"] == servizio).expect("service").clone();
    let c: [i64; 3] = serde_json::from_value(s["conteggi"].clone()).expect("counts");
    let motivi: Vec<(String, i64)> = serde_json::from_value(s["motivi"].clone()).expect("reasons");
    (c, motivi)
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(app.db.pool()).await.expect("count")
}

async fn one_rating_per_use(app: TestApp) {
    let mario = app.login_as(Role::Datore).await;
    let laura = app.login_as(Role::Delegato).await;
    let admin = app.login_as(Role::Admin).await;
    let (before, motivi_before) = dashboard(&app, &admin, "versamenti").await;
    let lento =
        |m: &[(String, i64)]| m.iter().find(|(k, _)| k == "Servizio lento o non disponibile").map_or(0, |x| x.1);

    // A consultation: the same use all day long.
    let id = uso(&app, &mario, "versamenti", None).await.expect("offered");
    assert_eq!(uso(&app, &mario, "versamenti", None).await, Some(id));
    // Negative without a reason: refused, nothing stored.
    let (status, body) = valuta(&app, &mario, id, 1, None).await;
    assert_eq!(status, 400);
    assert!(body.contains("motivo"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM feedback WHERE testo IS NOT NULL").await, 0);
    // Someone else cannot rate Mario's use.
    let (status, body) = valuta(&app, &laura, id, 3, None).await;
    assert_eq!(status, 400, "{body}");
    // Mario rates it; a second rating of the same use is refused and the use is not offered again.
    assert_eq!(valuta(&app, &mario, id, 1, Some("lento")).await.0, 200);
    assert_eq!(valuta(&app, &mario, id, 3, None).await.0, 400);
    assert_eq!(uso(&app, &mario, "versamenti", None).await, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM feedback WHERE testo IS NOT NULL").await, 1);
    let (after, motivi_after) = dashboard(&app, &admin, "versamenti").await;
    assert_eq!(after, [before[0] + 1, before[1], before[2]]);
    assert_eq!(lento(&motivi_after), lento(&motivi_before) + 1);
    // Laura's use of the same service is her own.
    let hers = uso(&app, &laura, "versamenti", None).await.expect("offered");
    assert_ne!(hers, id);

    // Dismissed: not offered again, and it cannot be rated afterwards.
    let dismissed = uso(&app, &mario, "note-debito", None).await.expect("offered");
    let (status, _) = app.call(&laura, "/api/feedback/ignora", json!({"uso": dismissed})).await;
    assert_eq!(status, 200);
    assert_eq!(uso(&app, &mario, "note-debito", None).await, Some(dismissed), "Laura cannot dismiss Mario's use");
    assert_eq!(app.call(&mario, "/api/feedback/ignora", json!({"uso": dismissed})).await.0, 200);
    assert_eq!(uso(&app, &mario, "note-debito", None).await, None);
    assert_eq!(valuta(&app, &mario, dismissed, 3, None).await.0, 400);

    // An action's use exists only once the action happened, for its author only.
    assert_eq!(uso(&app, &mario, "richiesta", Some("999999")).await, None);
    let position = app.position_of("Comune di Roccaverde").await;
    let fields = [
        ("posizione", position.as_str()),
        ("oggetto", "1"),
        ("testo", "Chiedo un chiarimento."),
        ("telefono", "+39 333 7654321"),
        ("consenso", "1"),
    ];
    let (status, sent) = app.send_richiesta(&mario, &fields, &[]).await;
    assert_eq!(status, 200, "{sent}");
    let richiesta = sent["id"].as_i64().expect("id").to_string();
    let action = uso(&app, &mario, "richiesta", Some(&richiesta)).await.expect("offered after sending");
    assert_eq!(uso(&app, &laura, "richiesta", Some(&richiesta)).await, None);
    assert_eq!(valuta(&app, &mario, action, 3, None).await.0, 200);
    let (richieste, _) = dashboard(&app, &admin, "richiesta").await;
    assert!(richieste[2] >= 1);

    // Unknown services and levels get an Italian refusal.
    let (status, body) = app.call(&mario, "/api/feedback/uso", json!({"servizio": "x", "riferimento": null})).await;
    assert_eq!(status, 400);
    assert!(body.contains("Servizio sconosciuto"), "{body}");
    let other = uso(&app, &mario, "dma", None).await.expect("offered");
    let (status, body) = valuta(&app, &mario, other, 7, None).await;
    assert_eq!(status, 400);
    assert!(body.contains("Scegli una delle tre valutazioni"), "{body}");
}

both_backends!(a_use_is_rated_once_and_counted, one_rating_per_use);
