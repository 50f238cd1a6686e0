//! Import of UniEmens ListaPosPA files: the outcome of an import (the upload itself is a streaming route
//! of the server).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::DmaImportazione;

#[server(prefix = "/api", endpoint = "cassetto/dma-importazione", input = Json)]
pub async fn load_importazione(posizione: String, id: i64) -> Result<DmaImportazione, AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::{ctx::RequestCtx, dma_import, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ManagePosition(&posizione)).await?;
            access.position()?.offre_servizio("importa-dma")?;
            dma_import::importazione(ctx.db(), access.position()?.id, id).await
        }
        .await,
    )
}

/// Sends a hand-compiled declaration: the server writes its ListaPosPA XML and imports it like an uploaded
/// file (same checks, same storage). Returns the import's id.
#[server(prefix = "/api", endpoint = "cassetto/dma-manuale", input = Json)]
pub async fn invia_dma_manuale(
    posizione: String,
    bozza: crate::domain::dma_manuale::BozzaDenuncia,
) -> Result<i64, AppError> {
    use crate::ssr::authz::{Action, authorize};
    use crate::ssr::db::now_unix;
    use crate::ssr::{ctx::RequestCtx, dma_import, respond};

    respond(
        async {
            let ctx = RequestCtx::current()?;
            let access = authorize(&ctx, Action::ManagePosition(&posizione)).await?;
            let position = access.position()?;
            position.offre_servizio("compilazione-dma")?;
            dma_import::importa_bozza(ctx.db(), access.user.user_id, position.id, &position.code, bozza, now_unix())
                .await
        }
        .await,
    )
}
