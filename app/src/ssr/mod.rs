//! The server side of the house: database, identity, authorization and queries. Never compiled
//! into the browser bundle.

pub mod agenda;
pub mod audit;
pub mod authz;
pub mod avvisi;
pub mod cassetto;
pub mod comunicazioni;
pub mod contestazioni;
pub mod ctx;
pub mod db;
pub mod deleghe;
pub mod demo;
pub mod dma;
pub mod fascicolo;
pub mod feedback;
pub mod identity;
pub mod keys;
pub mod limiti;
pub mod oidc;
pub mod outbox;
pub mod pdf;
pub mod profili;
pub mod redact;
pub mod sanzioni;
pub mod secrets;
pub mod security;
pub mod spool;
pub mod throttle;
pub mod tracciati;

use crate::error::AppError;

/// Runs a server function: the request's context, one authorization of `action`, then `body` with the grant,
/// and the answer with the HTTP status its error calls for (`respond`). Every server function that acts for a
/// logged-in user goes through here (the login steps, which establish the session, are the only others), so none
/// can skip the check.
pub async fn serve<A: authz::Action, T>(
    action: A,
    body: impl AsyncFnOnce(ctx::RequestCtx, A::Grant) -> Result<T, AppError>,
) -> Result<T, AppError> {
    respond(
        async {
            let ctx = ctx::RequestCtx::current()?;
            authorized(ctx, action, body).await
        }
        .await,
    )
}

/// One authorization of `action` for the caller of `ctx`, then `body` with the grant: what a server function
/// (`serve`) and a plain route (the downloads of `server`) run.
pub async fn authorized<A: authz::Action, T>(
    ctx: ctx::RequestCtx,
    action: A,
    body: impl AsyncFnOnce(ctx::RequestCtx, A::Grant) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let grant = authz::authorize(&ctx, action).await?;
    body(ctx, grant).await
}

/// Hands a server function's result back, first setting the HTTP status its error calls for
/// (401, 403, 404, 400, 500), so clients and tests see the answer in the status too.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result
        && !posted_by_html_form()
        && let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(err.status())
    {
        // A page that redirects (a visitor sent to the login) keeps its redirect. Checked and set under one
        // write lock: the page's resources resolve on other threads, and the redirect may be set in between.
        if let Ok(mut parts) = res.0.write()
            && !parts.status.is_some_and(|s| s.is_redirection())
        {
            parts.status = Some(status);
        }
    }
    result
}

/// A plain HTML form (no JavaScript) asks for `text/html`; Leptos answers it with a redirect back to
/// the form carrying the error, which an error status would turn into a blank error page.
fn posted_by_html_form() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts.method == axum::http::Method::POST
            && parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}
