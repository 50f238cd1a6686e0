//! Import of UniEmens ListaPosPA files: the outcome of an import (the upload itself is a streaming route
//! of the server).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{DenunciaInVigore, DmaImportazione, EsitoInvioDma};

#[server(prefix = "/api", endpoint = "cassetto/dma-importazione", input = Json)]
pub async fn load_importazione(posizione: crate::domain::PositionCode, id: i64) -> Result<DmaImportazione, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::dma::importazione;
    use crate::ssr::serve;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        access.position.offre_servizio("importa-dma")?;
        importazione::importazione(ctx.db(), access.position.id, id).await
    })
    .await
}

/// The declaration of the position that a new one of the same month would replace, for the page that asks
/// the user to confirm (`EsitoInvioDma::DaConfermare` names it by id).
#[server(prefix = "/api", endpoint = "cassetto/dma-sostituzione", input = Json)]
pub async fn load_sostituzione(posizione: crate::domain::PositionCode, id: i64) -> Result<DenunciaInVigore, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::dma::importazione;
    use crate::ssr::serve;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        access.position.offre_servizio("importa-dma")?;
        importazione::denuncia(ctx.db(), access.position.id, id).await
    })
    .await
}

/// Sends a hand-compiled declaration: the server writes its ListaPosPA XML and imports it like an uploaded
/// file (same checks, same storage, and the same confirmation before a month already declared is replaced:
/// `sostituisce` names the declaration in force the user agreed to replace). Returns the outcome.
#[server(prefix = "/api", endpoint = "cassetto/dma-manuale", input = Json)]
pub async fn invia_dma_manuale(
    posizione: crate::domain::PositionCode,
    bozza: crate::domain::dma::manuale::BozzaDenuncia,
    #[server(default)] sostituisce: Option<i64>,
) -> Result<EsitoInvioDma, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::db::now_unix;
    use crate::ssr::dma::importazione;
    use crate::ssr::serve;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        let position = access.position;
        position.offre_servizio("compilazione-dma")?;
        importazione::import_bozza(
            ctx.db(),
            access.user.user_id,
            position.id,
            &position.code,
            bozza,
            sostituisce,
            now_unix(),
        )
        .await
    })
    .await
}
