//! Comunicazione bidirezionale and Agenda appuntamenti on the data layer, on both backends: protocol
//! numbers, the quesito's life at its Sede with timeline and notices, who may book when, and a slot that
//! concurrent bookings from two connection pools (as two server processes) never book twice.

mod common;

use app::domain::comunicazioni::{Azione, Esito, Stato};
use app::error::AppError;
use app::model::Role;
use app::ssr::comunicazioni::{self as com, NuovaRichiesta, SLOT_NON_DISPONIBILE};
use app::ssr::db::{Db, now_unix};
use common::{Backend, TestApp, cf_of};

const DAY: i64 = 86_400;

async fn user_id(db: &Db, cf: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE codice_fiscale = $1")
        .bind(cf)
        .fetch_one(db.pool())
        .await
        .expect("user")
}

/// The operator's id and Sede, a position at that Sede, another Sede, and the oggetto "Note di rettifica".
struct Fixture {
    user: i64,
    operator: i64,
    sede: i64,
    other_sede: i64,
    position: i64,
    oggetto: i64,
    soglia_giorni: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let db = &app.db;
    let operator = user_id(db, &cf_of(Role::Operatore)).await;
    let sede: i64 = sqlx::query_scalar("SELECT sede_id FROM users WHERE id = $1")
        .bind(operator)
        .fetch_one(db.pool())
        .await
        .expect("sede");
    let other_sede: i64 = sqlx::query_scalar("SELECT MIN(id) FROM sedi WHERE id <> $1")
        .bind(sede)
        .fetch_one(db.pool())
        .await
        .expect("sede");
    let position: i64 = sqlx::query_scalar("SELECT MIN(id) FROM positions WHERE sede_id = $1")
        .bind(sede)
        .fetch_one(db.pool())
        .await
        .expect("position");
    let (oggetto, soglia_giorni): (i64, i64) =
        sqlx::query_as("SELECT id, soglia_giorni FROM comunicazione_oggetti WHERE oggetto = 'Note di rettifica'")
            .fetch_one(db.pool())
            .await
            .expect("oggetto");
    Fixture {
        user: user_id(db, &cf_of(Role::Datore)).await,
        operator,
        sede,
        other_sede,
        position,
        oggetto,
        soglia_giorni,
    }
}

fn nuova(f: &Fixture) -> NuovaRichiesta<'static> {
    NuovaRichiesta {
        position_id: f.position,
        oggetto_id: f.oggetto,
        testo: "La nota di rettifica di marzo 2025 non tiene conto del versamento del 16/04.",
        email: Some("ufficio.personale@example.it"),
        telefono: Some("+39 333 1234567"),
        consenso_notifiche: true,
    }
}

fn invalid(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Invalid(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn quesito_life(app: TestApp) {
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let (id, protocollo) = com::apri(db, f.user, nuova(&f), now).await.expect("apri");
    let (_, next) = com::apri(db, f.user, nuova(&f), now).await.expect("apri");
    let sede_code: String = sqlx::query_scalar("SELECT code FROM sedi WHERE id = $1")
        .bind(f.sede)
        .fetch_one(db.pool())
        .await
        .expect("code");
    let year = chrono::Datelike::year(&app::domain::time::rome_date(now));
    assert_eq!(protocollo, format!("INPS.{sede_code}.{year}.0000001"));
    assert_eq!(next, format!("INPS.{sede_code}.{year}.0000002"));

    let (stato, scade_at): (String, i64) = sqlx::query_as("SELECT stato, scade_at FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("row");
    assert_eq!(stato, "aperta");
    assert_eq!(scade_at, now + f.soglia_giorni * DAY, "the deadline comes from the oggetto's soglia");

    // Another Sede's operator does not see it; the steps cannot be skipped; a closing needs its reason.
    let other = com::agisci(db, f.operator, f.other_sede, id, Azione::PrendiInCarico, "", now).await;
    assert!(matches!(other, Err(AppError::NotFound)), "{other:?}");
    let skip = com::agisci(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "No", now).await;
    assert!(invalid(skip).contains("Prenda in carico"));
    assert_eq!(
        com::agisci(db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico"),
        Stato::InCarico
    );
    let bare = com::agisci(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), " ", now).await;
    assert!(invalid(bare).contains("motivazione"));
    let closed =
        com::agisci(db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "Versamento non trovato.", now)
            .await
            .expect("chiudi");
    assert_eq!(closed, Stato::Chiusa);
    let again = com::agisci(db, f.operator, f.sede, id, Azione::Commenta, "ancora", now).await;
    assert!(invalid(again).contains("chiuso"));

    // The timeline and the notices: protocolled and closed, by e-mail, through the outbox.
    let timeline: Vec<(String, String)> =
        sqlx::query_as("SELECT stato, commento FROM richiesta_eventi WHERE richiesta_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(db.pool())
            .await
            .expect("timeline");
    let stati: Vec<&str> = timeline.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(stati, ["aperta", "in_carico", "chiusa"]);
    assert!(timeline[0].1.contains(&protocollo));
    assert_eq!(timeline[2].1, "Esito: non accolta. Versamento non trovato.");
    let notices: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM outbox WHERE recipient = 'ufficio.personale@example.it' AND subject LIKE $1 ORDER BY id",
    )
    .bind(format!("%{protocollo}%"))
    .fetch_all(db.pool())
    .await
    .expect("outbox");
    assert_eq!(
        notices,
        [
            format!("Cassetto previdenziale: richiesta {protocollo} protocollata"),
            format!("Cassetto previdenziale: richiesta {protocollo} chiusa")
        ]
    );
    let esito: Option<String> = sqlx::query_scalar("SELECT esito FROM richieste WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("esito");
    assert_eq!(esito.as_deref(), Some("non_accolta"));

    // Bad input stores nothing.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM richieste").fetch_one(db.pool()).await.expect("count");
    let no_contact = NuovaRichiesta { email: None, telefono: None, ..nuova(&f) };
    assert!(invalid(com::apri(db, f.user, no_contact, now).await).contains("recapito"));
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM richieste").fetch_one(db.pool()).await.expect("count");
    assert_eq!(before, after);
}
both_backends!(a_quesito_goes_aperta_in_carico_chiusa_at_its_sede, quesito_life);

async fn booking_rules(app: TestApp) {
    let f = fixture(&app).await;
    let db = &app.db;
    let now = now_unix();
    let slot = com::pubblica_slot(db, f.operator, f.sede, now + 40 * DAY, 30, now).await.expect("slot");
    let foreign_slot = com::pubblica_slot(db, f.operator, f.other_sede, now + 40 * DAY, 30, now).await.expect("slot");
    assert!(invalid(com::pubblica_slot(db, f.operator, f.sede, now - 60, 30, now).await).contains("futuro"));
    let same_start = com::pubblica_slot(db, f.operator, f.sede, now + 40 * DAY, 45, now).await;
    assert!(invalid(same_start).contains("Esiste già uno slot"));

    let (id, _) = com::apri(db, f.user, nuova(&f), now).await.expect("apri");
    let within = com::prenota(db, f.user, id, slot, "3331234567", "Nota di rettifica", now).await;
    assert!(invalid(within).contains("nei tempi di risposta"));

    // Past the soglia without an answer: bookable, once, and only at its own Sede, by its own user.
    let late = now + f.soglia_giorni * DAY;
    let foreign = com::prenota(db, f.user, id, foreign_slot, "3331234567", "Nota", late).await;
    assert_eq!(invalid(foreign), SLOT_NON_DISPONIBILE);
    let stranger = user_id(db, &cf_of(Role::Delegato)).await;
    let theirs = com::prenota(db, stranger, id, slot, "3331234567", "Nota", late).await;
    assert!(matches!(theirs, Err(AppError::NotFound)), "{theirs:?}");
    assert!(invalid(com::prenota(db, f.user, id, slot, "3331234567", " ", late).await).contains("note"));
    let booking = com::prenota(db, f.user, id, slot, "3331234567", "Nota di rettifica", late).await.expect("prenota");
    let second_slot = com::pubblica_slot(db, f.operator, f.sede, now + 41 * DAY, 30, now).await.expect("slot");
    let twice = com::prenota(db, f.user, id, second_slot, "3331234567", "Nota", late).await;
    assert!(invalid(twice).contains("già un appuntamento"));

    // Cancelled, the slot is free again; the operator of the Sede marks how it went.
    com::annulla(db, f.user, booking, late).await.expect("annulla");
    assert!(matches!(com::annulla(db, f.user, booking, late).await, Err(AppError::NotFound)));
    let rebooked = com::prenota(db, f.user, id, slot, "3331234567", "Nota di rettifica", late).await.expect("again");
    let wrong_sede = com::esito_appuntamento(db, f.operator, f.other_sede, rebooked, true, late).await;
    assert!(matches!(wrong_sede, Err(AppError::NotFound)));
    com::esito_appuntamento(db, f.operator, f.sede, rebooked, false, late).await.expect("assente");
    let stato: String = sqlx::query_scalar("SELECT stato FROM prenotazioni WHERE id = $1")
        .bind(rebooked)
        .fetch_one(db.pool())
        .await
        .expect("s");
    assert_eq!(stato, "assente");

    // An accepted richiesta never leads to an appointment, even late.
    let (accepted, _) = com::apri(db, f.user, nuova(&f), now).await.expect("apri");
    com::agisci(db, f.operator, f.sede, accepted, Azione::PrendiInCarico, "", now).await.expect("in carico");
    com::agisci(db, f.operator, f.sede, accepted, Azione::Chiudi(Esito::Accolta), "Rettifica annullata.", now)
        .await
        .expect("chiudi");
    let refused = com::prenota(db, f.user, accepted, second_slot, "3331234567", "Nota", late).await;
    assert!(invalid(refused).contains("accolta"));
}
both_backends!(booking_follows_the_circular_and_stays_at_its_sede, booking_rules);

/// Many bookings at once for one slot, each for its own eligible richiesta, from two connection pools:
/// exactly one wins, every other one is told the slot is gone.
async fn booking_race(app: TestApp) {
    let f = fixture(&app).await;
    let now = now_unix();
    let slot = com::pubblica_slot(&app.db, f.operator, f.sede, now + 10 * DAY, 30, now).await.expect("slot");
    let second = Db::connect(&app.url).await.expect("second pool");
    let mut richieste = Vec::new();
    for _ in 0..12 {
        let (id, _) = com::apri(&app.db, f.user, nuova(&f), now).await.expect("apri");
        com::agisci(&app.db, f.operator, f.sede, id, Azione::PrendiInCarico, "", now).await.expect("in carico");
        com::agisci(&app.db, f.operator, f.sede, id, Azione::Chiudi(Esito::NonAccolta), "Respinta.", now)
            .await
            .expect("chiudi");
        richieste.push(id);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(richieste.len()));
    let tasks: Vec<_> = richieste
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let db = if i % 2 == 0 { app.db.clone() } else { second.clone() };
            let barrier = barrier.clone();
            let user = f.user;
            tokio::spawn(async move {
                barrier.wait().await;
                com::prenota(&db, user, id, slot, "3331234567", "Appuntamento", now).await
            })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => won += 1,
            Err(AppError::Invalid(m)) => assert_eq!(m, SLOT_NON_DISPONIBILE),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(won, 1, "exactly one booking wins the slot");
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM prenotazioni WHERE slot_id = $1 AND stato = 'prenotata'")
        .bind(slot)
        .fetch_one(app.db.pool())
        .await
        .expect("count");
    assert_eq!(held, 1);
}
both_backends!(a_slot_is_never_booked_twice, booking_race);
