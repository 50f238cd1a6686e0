//! Invio tracciati: what was sent for a position (the sending itself is a multipart route of the server).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::TracciatiView;

#[server(prefix = "/api", endpoint = "cassetto/tracciati", input = Json)]
pub async fn load_tracciati(posizione: crate::domain::PositionCode) -> Result<TracciatiView, AppError> {
    use crate::ssr::authz::PositionAction;
    use crate::ssr::serve;
    use crate::ssr::tracciati;

    serve(PositionAction::Manage(&posizione), async |ctx, access| {
        access.position.offre_servizio("invio-tracciati")?;
        tracciati::elenco(ctx.db(), access.position.id).await
    })
    .await
}
