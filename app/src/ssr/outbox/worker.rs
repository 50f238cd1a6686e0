//! The worker: claims due rows with a lease, sends each over its channel (SMTP or the SMS gateway), records the
//! outcome (and, in development, the PEC receipts the SMTP dialogue implies), and the loops that run it.

use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt};

use super::queue::{Channel, LEASE_SECS, MAX_ATTEMPTS, SECRET, random_hex, retry_delay, sweep_dead_secrets};
use super::sms::{SmsGateway, SmsOutcome};
use super::smtp::{MailSettings, Outcome, Sender, truncate};
use crate::ssr::db::{Db, now_unix};

/// Rows looked at per pass.
const BATCH: i64 = 50;
/// Messages in flight at once in one process (each its own SMTP session).
const PARALLEL_SENDS: usize = 8;

#[derive(sqlx::FromRow)]
pub(super) struct DueRow {
    pub(super) id: i64,
    pub(super) channel: String,
    pub(super) recipient: String,
    pub(super) subject: String,
    pub(super) body: String,
    pub(super) body_html: Option<String>,
    pub(super) calendar: Option<String>,
    pub(super) secret: Option<String>,
    pub(super) message_id: String,
    pub(super) attempts: i64,
}

/// One delivery pass over due messages; returns how many were attempted. Safe with several server processes.
/// Up to [`PARALLEL_SENDS`] messages are in flight at once: an SMTP session mostly waits on the network and on the
/// mail server's own disk, so one at a time would cap delivery at the round trips of a single connection.
pub async fn deliver_due(db: &Db, mail: &MailSettings, now: i64) -> anyhow::Result<usize> {
    let sender = Sender::new(mail)?;
    sweep_dead_secrets(db, now).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM outbox WHERE status IN ('in_coda', 'in_riprova') AND next_attempt_at <= $1 \
         AND claimed_until < $2 ORDER BY next_attempt_at, id LIMIT $3",
    )
    .bind(now)
    .bind(now)
    .bind(BATCH)
    .fetch_all(db.pool())
    .await?;
    let started = std::time::Instant::now();
    let attempts: Vec<bool> = futures_util::stream::iter(ids)
        .map(|id| attempt(db, mail, &sender, id, now + started.elapsed().as_secs() as i64))
        .buffer_unordered(PARALLEL_SENDS)
        .try_collect()
        .await?;
    Ok(attempts.into_iter().filter(|attempted| *attempted).count())
}

/// Claims one message and, if the claim holds, sends it and records the outcome; `false` when another worker has
/// it or it is no longer due. A pass may outlast a lease (each attempt may wait on a slow server): every claim and
/// its record take the time of the claim, so no lease is handed out already expired to race another process.
pub(super) async fn attempt(db: &Db, mail: &MailSettings, sender: &Sender, id: i64, now: i64) -> anyhow::Result<bool> {
    let lease = now + LEASE_SECS;
    let claimed = sqlx::query(
        "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND status IN ('in_coda', 'in_riprova') \
         AND next_attempt_at <= $3 AND claimed_until < $4",
    )
    .bind(lease)
    .bind(id)
    .bind(now)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(false);
    }
    let row: DueRow = sqlx::query_as(
        "SELECT id, channel, recipient, subject, body, body_html, calendar, secret, message_id, attempts FROM outbox \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    // The schema allows only the three channels (CHECK on `outbox.channel`).
    let channel = Channel::parse(&row.channel).context("an outbox row with a channel the schema forbids")?;
    let outcome = match channel {
        Channel::Sms => send_sms(mail.sms.as_ref(), &row).await,
        Channel::Email | Channel::Pec => sender.send(&row, channel).await,
    };
    record(db, mail, &row, channel, lease, outcome, now).await?;
    Ok(true)
}

async fn send_sms(gateway: Option<&SmsGateway>, row: &DueRow) -> Outcome {
    let Some(gateway) = gateway else {
        return Outcome::Transient { detail: "gateway SMS non configurato".to_string() };
    };
    let text = match &row.secret {
        Some(secret) => row.body.replace(SECRET, secret),
        None => row.body.clone(),
    };
    match gateway.send(&row.recipient, &text, &row.message_id).await {
        SmsOutcome::Accepted(reply) => Outcome::Accepted { recipient: row.recipient.clone(), reply: truncate(&reply) },
        SmsOutcome::Refused(detail) => Outcome::Refused { detail: truncate(&detail) },
        SmsOutcome::Transient(detail) => Outcome::Transient { detail: truncate(&detail) },
    }
}

pub(super) async fn insert_receipt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    outbox_id: i64,
    kind: &str,
    recipient: &str,
    at: i64,
    identificativo: &str,
    detail: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO pec_receipts (outbox_id, kind, recipient, at, identificativo, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(outbox_id)
    .bind(kind)
    .bind(recipient)
    .bind(at)
    .bind(identificativo)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the outcome of an attempt, provided our claim still holds (`claimed_until = lease`).
async fn record(
    db: &Db,
    mail: &MailSettings,
    row: &DueRow,
    channel: Channel,
    lease: i64,
    outcome: Outcome,
    now: i64,
) -> anyhow::Result<()> {
    let attempts = row.attempts + 1;
    let mut tx = db.begin_write().await?;
    let (status, last_error, next_attempt_at, sent_at, receipts): (&str, Option<String>, i64, Option<i64>, Vec<_>) =
        match &outcome {
            Outcome::Accepted { recipient, reply } => (
                "inviato",
                None,
                now,
                Some(now),
                vec![
                    ("accettazione", recipient.clone(), reply.clone()),
                    ("avvenuta_consegna", recipient.clone(), reply.clone()),
                ],
            ),
            Outcome::RecipientRefused { recipient, detail } => (
                "fallito",
                Some(detail.clone()),
                now,
                None,
                vec![("errore_consegna", recipient.clone(), detail.clone())],
            ),
            Outcome::Refused { detail } => (
                "fallito",
                Some(detail.clone()),
                now,
                None,
                vec![("non_accettazione", row.recipient.clone(), detail.clone())],
            ),
            Outcome::Transient { detail } if attempts >= MAX_ATTEMPTS => {
                ("fallito", Some(detail.clone()), now, None, Vec::new())
            }
            Outcome::Transient { detail } => {
                ("in_riprova", Some(detail.clone()), now + retry_delay(attempts), None, Vec::new())
            }
        };
    // The secret must not outlive delivery: gone once sent, and once the message is given up.
    let secret = if status == "in_riprova" { "secret" } else { "NULL" };
    let updated = sqlx::query(&format!(
        "UPDATE outbox SET status = $1, attempts = $2, last_error = $3, next_attempt_at = $4, sent_at = $5, \
         claimed_until = 0, secret = {secret} WHERE id = $6 AND claimed_until = $7"
    ))
    .bind(status)
    .bind(attempts)
    .bind(last_error)
    .bind(next_attempt_at)
    .bind(sent_at)
    .bind(row.id)
    .bind(lease)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated != 1 {
        tracing::warn!(outbox_id = row.id, status, "outbox: claim lost before the outcome was recorded");
        tx.rollback().await?;
        return Ok(());
    }
    if channel == Channel::Pec && !receipts.is_empty() {
        let identificativo = format!("opec-{}@{}", random_hex(10), mail.pec_provider);
        for (kind, recipient, detail) in &receipts {
            insert_receipt(&mut tx, row.id, kind, recipient, now, &identificativo, detail).await?;
        }
    }
    tx.commit().await?;
    match &outcome {
        Outcome::Accepted { .. } => {
            tracing::info!(outbox_id = row.id, channel = channel.as_str(), attempts, "outbox: sent")
        }
        _ => tracing::warn!(
            outbox_id = row.id,
            channel = channel.as_str(),
            attempts,
            status,
            error = last_error_of(&outcome),
            "outbox: not sent"
        ),
    }
    Ok(())
}

fn last_error_of(outcome: &Outcome) -> &str {
    match outcome {
        Outcome::Accepted { .. } => "",
        Outcome::RecipientRefused { detail, .. } | Outcome::Refused { detail } | Outcome::Transient { detail } => {
            detail
        }
    }
}

/// Without a mail server nothing is delivered, so nothing erases the codes on delivery: this loop sweeps them
/// ([`sweep_dead_secrets`]) every `interval` instead.
pub fn spawn_sweeper(db: Db, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = sweep_dead_secrets(&db, now_unix()).await {
                tracing::error!(error = %e, "outbox: sweep of dead codes failed");
            }
        }
    })
}

/// Background loop calling `deliver_due` every `interval`. It runs until its handle is aborted (at shutdown); an
/// abort in the middle of a delivery is safe: the claim expires and the retry carries the same Message-ID.
pub fn spawn_worker(db: Db, mail: MailSettings, interval: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            // A full batch means more may be due: go on at once.
            loop {
                match deliver_due(&db, &mail, now_unix()).await {
                    Ok(n) if n as i64 >= BATCH => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "outbox: delivery pass failed");
                        break;
                    }
                }
            }
        }
    })
}
