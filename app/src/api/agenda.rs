//! Agenda appuntamenti: users book at the Sede when a richiesta went unanswered past its soglia or was
//! not accepted; operators publish slots and record how appointments went.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::Agenda;

#[server(prefix = "/api", endpoint = "agenda", input = Json)]
pub async fn load_agenda() -> Result<Agenda, AppError> {
    use crate::ssr::authz::{AgendaGrant, ReadAgenda};
    use crate::ssr::serve;
    use crate::ssr::{agenda, db::now_unix};

    serve(ReadAgenda, async |ctx, access| match access {
        AgendaGrant::Sede(operator) => agenda::agenda_sede(ctx.db(), operator.sede, now_unix()).await,
        AgendaGrant::Utente(utente) => agenda::agenda_utente(ctx.db(), utente.user.user_id).await,
    })
    .await
}

#[server(prefix = "/api", endpoint = "agenda/prenota")]
pub async fn book_appointment(
    richiesta: crate::model::RichiestaId,
    slot: Option<i64>,
    telefono: String,
    note: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::serve;
    use crate::ssr::{agenda, db::now_unix};

    serve(UserAction::BookAppointment(richiesta), async |ctx, access| {
        let slot = slot.ok_or_else(|| AppError::invalid("Scelga uno degli orari disponibili."))?;
        let id = agenda::book(ctx.db(), access.user.user_id, richiesta, slot, &telefono, &note, now_unix()).await?;
        leptos_axum::redirect(&format!("/agenda?esito=prenotato&n={id}"));
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "agenda/annulla")]
pub async fn cancel_appointment(id: crate::model::PrenotazioneId) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::serve;
    use crate::ssr::{agenda, db::now_unix};

    serve(UserAction::CancelAppointment(id), async |ctx, access| {
        agenda::cancel(ctx.db(), access.user.user_id, id, now_unix()).await?;
        leptos_axum::redirect(&format!("/agenda?esito=annullato&n={id}"));
        Ok(())
    })
    .await
}

/// `inizio` as a `datetime-local` input sends it (`2026-12-01T09:30`), in Italian civil time.
#[server(prefix = "/api", endpoint = "agenda/slot")]
pub async fn publish_slot(inizio: String, durata: i64) -> Result<(), AppError> {
    use crate::domain::time::rome_to_unix;
    use crate::ssr::authz::SedeAction;
    use crate::ssr::serve;
    use crate::ssr::{agenda, db::now_unix};

    serve(SedeAction::PublishSlots, async |ctx, access| {
        let sede = access.sede;
        let local = chrono::NaiveDateTime::parse_from_str(inizio.trim(), "%Y-%m-%dT%H:%M")
            .map_err(|_| AppError::invalid("Indichi data e ora di inizio dello slot."))?;
        let inizio_at = rome_to_unix(local);
        let id = agenda::publish_slot(ctx.db(), access.user.user_id, sede, inizio_at, durata, now_unix()).await?;
        leptos_axum::redirect(&format!("/agenda?esito=pubblicato&n={id}"));
        Ok(())
    })
    .await
}

/// `esito`: `svolto` or `assente`.
#[server(prefix = "/api", endpoint = "agenda/esito")]
pub async fn record_appointment(id: crate::model::PrenotazioneId, esito: String) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::serve;
    use crate::ssr::{agenda, db::now_unix};

    serve(SedeAction::RecordAppointment(id), async |ctx, access| {
        let svolto = match esito.as_str() {
            "svolto" => true,
            "assente" => false,
            _ => return Err(AppError::invalid("Esito sconosciuto.")),
        };
        let sede = access.sede;
        agenda::record_esito(ctx.db(), access.user.user_id, sede, id, svolto, now_unix()).await?;
        leptos_axum::redirect(&format!("/agenda?esito=registrato&n={id}"));
        Ok(())
    })
    .await
}
