//! Instant Feedback on the server: uses of services, their one rating each, and the dashboard's figures.

use std::collections::BTreeMap;

use sqlx::{Any, Transaction};

use super::db::{Db, iso_date, now_unix};
use crate::domain::time::rome_date;
use crate::error::AppError;
use crate::feedback::{self, Riepilogo, RiepilogoServizio, Uso, Valutazione};

/// Records a use of an action service inside the action's own transaction, so the rating is offered for
/// exactly the actions that happened. `riferimento` names the record the action created.
pub async fn record_uso(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    servizio: &'static str,
    riferimento: &str,
    at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO feedback_usi (user_id, servizio, riferimento, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, servizio, riferimento) DO NOTHING",
    )
    .bind(user_id)
    .bind(servizio)
    .bind(riferimento)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records today's use of a service without a record of its own to name (`Uso::AzioneDelGiorno`), in its
/// own short transaction: the action (a print) writes nothing else.
pub async fn record_uso_del_giorno(db: &Db, user_id: i64, servizio: &'static str, at: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    record_uso(&mut tx, user_id, servizio, &iso_date(rome_date(at)), at).await?;
    tx.commit().await?;
    Ok(())
}

/// The use the widget may ask a rating for, if it is still unrated and not dismissed. A consultation is
/// recorded here, once per user, service and (Italian) day; an action's use must already exist.
pub async fn uso_da_valutare(
    db: &Db,
    user_id: i64,
    servizio: &str,
    riferimento: Option<&str>,
) -> Result<Option<i64>, AppError> {
    let servizio = feedback::servizio(servizio).ok_or_else(|| AppError::invalid("Servizio sconosciuto."))?;
    let now = now_unix();
    let riferimento = match servizio.uso {
        Uso::Consultazione => {
            let day = iso_date(rome_date(now));
            let mut tx = db.begin_write().await?;
            record_uso(&mut tx, user_id, servizio.key, &day, now).await?;
            tx.commit().await?;
            day
        }
        Uso::Azione => {
            riferimento.ok_or_else(|| AppError::invalid("Manca il riferimento dell'operazione."))?.to_string()
        }
        // Recorded by the action itself (`record_uso_del_giorno`): only looked up here.
        Uso::AzioneDelGiorno => iso_date(rome_date(now)),
    };
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM feedback_usi WHERE user_id = $1 AND servizio = $2 AND riferimento = $3 AND esito IS NULL",
    )
    .bind(user_id)
    .bind(servizio.key)
    .bind(&riferimento)
    .fetch_optional(db.pool())
    .await?;
    Ok(id)
}

/// Stores the one rating of a use of the caller's. A second rating, or a rating of a dismissed or someone
/// else's use, changes nothing and says so.
pub async fn rate(db: &Db, user_id: i64, uso: i64, valutazione: &Valutazione) -> Result<(), AppError> {
    let v = feedback::check(valutazione).map_err(AppError::invalid)?;
    let mut tx = db.begin_write().await?;
    let servizio: Option<String> = sqlx::query_scalar(
        "UPDATE feedback_usi SET esito = 'valutato' WHERE id = $1 AND user_id = $2 AND esito IS NULL RETURNING servizio",
    )
    .bind(uso)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let servizio = servizio.ok_or_else(|| AppError::invalid("Questo utilizzo è già stato valutato."))?;
    sqlx::query("INSERT INTO feedback (uso_id, servizio, livello, motivo, testo, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(uso)
        .bind(&servizio)
        .bind(v.livello)
        .bind(v.motivo)
        .bind(v.testo)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The user closed the rating without answering: it is not offered again for this use.
pub async fn dismiss(db: &Db, user_id: i64, uso: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE feedback_usi SET esito = 'ignorato' WHERE id = $1 AND user_id = $2 AND esito IS NULL")
        .bind(uso)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every service's figures, in the order of `feedback::SERVIZI`, months in Italian time.
pub async fn riepilogo(db: &Db) -> Result<Riepilogo, AppError> {
    // servizio, livello, motivo, testo, at
    type Rating = (String, i64, Option<String>, Option<String>, i64);
    let ratings: Vec<Rating> = sqlx::query_as("SELECT servizio, livello, motivo, testo, at FROM feedback ORDER BY at")
        .fetch_all(db.pool())
        .await?;
    let mut servizi: Vec<RiepilogoServizio> = feedback::SERVIZI
        .iter()
        .map(|s| RiepilogoServizio {
            key: s.key.to_string(),
            label: s.label.to_string(),
            conteggi: [0; 3],
            mesi: Vec::new(),
            motivi: Vec::new(),
            commenti: Vec::new(),
        })
        .collect();
    let mut mesi: Vec<BTreeMap<String, [i64; 3]>> = vec![BTreeMap::new(); servizi.len()];
    let mut motivi: Vec<BTreeMap<&'static str, i64>> = vec![BTreeMap::new(); servizi.len()];
    for (servizio, livello, motivo, testo, at) in ratings {
        let Some(i) = feedback::SERVIZI.iter().position(|s| s.key == servizio) else { continue };
        let Some(slot) = usize::try_from(livello - 1).ok().filter(|l| *l < 3) else { continue };
        servizi[i].conteggi[slot] += 1;
        let month = rome_date(at).format("%Y-%m").to_string();
        mesi[i].entry(month).or_insert([0; 3])[slot] += 1;
        if let Some(label) = motivo.as_deref().and_then(feedback::motivo_label) {
            *motivi[i].entry(label).or_default() += 1;
        }
        if let Some(t) = testo.filter(|_| livello == feedback::NEGATIVO) {
            servizi[i].commenti.insert(0, t);
            servizi[i].commenti.truncate(5);
        }
    }
    for (i, s) in servizi.iter_mut().enumerate() {
        s.mesi = std::mem::take(&mut mesi[i]).into_iter().collect();
        let mut m: Vec<(String, i64)> = motivi[i].iter().map(|(k, n)| (k.to_string(), *n)).collect();
        m.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        s.motivi = m;
    }
    Ok(Riepilogo { servizi })
}
