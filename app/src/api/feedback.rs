//! Instant Feedback: the rating offered after a service is used, and the satisfaction dashboard.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::feedback::{Riepilogo, Valutazione};

/// The use of `servizio` the caller may rate now, if any (see `ssr::feedback::uso_da_valutare`).
#[server(prefix = "/api", endpoint = "feedback/uso", input = Json)]
pub async fn uso_da_valutare(servizio: String, riferimento: Option<String>) -> Result<Option<i64>, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::feedback;
    use crate::ssr::serve;

    serve(UserAction::Authenticated, async |ctx, access| {
        feedback::uso_da_valutare(ctx.db(), access.user.user_id, &servizio, riferimento.as_deref()).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "feedback/valuta", input = Json)]
pub async fn valuta_servizio(uso: i64, valutazione: Valutazione) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::feedback;
    use crate::ssr::serve;

    serve(UserAction::Authenticated, async |ctx, access| {
        feedback::rate(ctx.db(), access.user.user_id, uso, &valutazione).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "feedback/ignora", input = Json)]
pub async fn ignora_valutazione(uso: i64) -> Result<(), AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::feedback;
    use crate::ssr::serve;

    serve(UserAction::Authenticated, async |ctx, access| feedback::dismiss(ctx.db(), access.user.user_id, uso).await)
        .await
}

#[server(prefix = "/api", endpoint = "admin/feedback", input = Json)]
pub async fn riepilogo_feedback() -> Result<Riepilogo, AppError> {
    use crate::ssr::authz::UserAction;
    use crate::ssr::feedback;
    use crate::ssr::serve;

    serve(UserAction::ReadFeedback, async |ctx, _| feedback::riepilogo(ctx.db()).await).await
}
