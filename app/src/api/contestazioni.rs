//! Contestazione note di debito: the position's contestazioni, the Sede's list and its answer (filing one
//! with files is a multipart route of the server).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{ContestazioneRow, ContestazioniView};

#[server(prefix = "/api", endpoint = "cassetto/contestazioni", input = Json)]
pub async fn load_contestazioni(posizione: crate::domain::PositionCode) -> Result<ContestazioniView, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::contestazioni;
    use crate::ssr::serve;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        access.position.offre_servizio("contestazione-note-debito")?;
        let position = access.position.id;
        Ok(ContestazioniView {
            note: contestazioni::note(ctx.db(), position).await?,
            contestazioni: contestazioni::della_posizione(ctx.db(), position).await?,
        })
    })
    .await
}

#[server(prefix = "/api", endpoint = "backoffice/contestazioni", input = Json)]
pub async fn sede_contestazioni() -> Result<Vec<ContestazioneRow>, AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::contestazioni;
    use crate::ssr::serve;

    serve(SedeAction::ReviewContestazioni, async |ctx, access| contestazioni::della_sede(ctx.db(), access.sede).await)
        .await
}

/// `esito`: `accolta` or `respinta`.
#[server(prefix = "/api", endpoint = "backoffice/contestazioni/risposta")]
pub async fn answer_contestazione(
    id: crate::model::ContestazioneId,
    esito: String,
    risposta: String,
) -> Result<(), AppError> {
    use crate::ssr::authz::SedeAction;
    use crate::ssr::serve;
    use crate::ssr::{contestazioni, db::now_unix};

    serve(SedeAction::AnswerContestazione(id), async |ctx, access| {
        let accolta = match esito.as_str() {
            "accolta" => true,
            "respinta" => false,
            _ => return Err(AppError::invalid("Scelga se accogliere o respingere la contestazione.")),
        };
        let sede = access.sede;
        contestazioni::answer(ctx.db(), access.user.user_id, sede, id, accolta, &risposta, now_unix()).await?;
        leptos_axum::redirect(&format!("/backoffice/contestazioni?esito=risposta&n={id}"));
        Ok(())
    })
    .await
}
