//! The routes of the ListaPosPA import: the upload, spooled to a temporary file as it arrives (so a large
//! declaration never sits in memory) and then checked and stored; and the problems of an import as CSV.

use app::error::AppError;
use app::ssr::authz::{Action, authorize};
use app::ssr::ctx::RequestCtx;
use app::ssr::db::now_unix;
use app::ssr::dma_import;
use app::ssr::spool::SpoolFile;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use crate::responses::form_redirect;
use crate::startup::ServerState;

/// The largest upload: the reader's own limit (200 MiB) and the form's framing.
pub const MAX_BODY: usize = 200 * 1024 * 1024 + 64 * 1024;

async fn spool(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(SpoolFile, String), AppError> {
    let unreadable = || AppError::invalid("Il modulo inviato non è leggibile: riprovi.");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("file") {
            continue;
        }
        let name = app::domain::allegati::nome_sicuro(field.file_name().unwrap_or_default());
        // In the private spool directory (0700), the file 0600 (`ssr::spool`).
        let spool = SpoolFile::create("cassetto-dma").map_err(|e| {
            tracing::error!(error = %e, "cannot spool the upload");
            AppError::Internal
        })?;
        let mut file = tokio::fs::File::from_std(spool.writer().map_err(|_| AppError::Internal)?);
        let mut size = 0usize;
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            size += chunk.len();
            file.write_all(&chunk).await.map_err(|_| AppError::Internal)?;
        }
        file.flush().await.map_err(|_| AppError::Internal)?;
        if size == 0 {
            return Err(AppError::invalid("Scelga il file ListaPosPA da inviare."));
        }
        return Ok((spool, name));
    }
    Err(AppError::invalid("Scelga il file ListaPosPA da inviare."))
}

/// `POST /api/dma/{posizione}`: imports the file; back to the page with the outcome or the refusal (as JSON,
/// `{"importazione": id}` or a 4xx with `{"errore": …}`, when the client asks for JSON).
pub async fn upload(State(state): State<ServerState>, Path(posizione): Path<String>, req: Request<Body>) -> Response {
    let wants_json = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(state.app.clone(), &parts);
    let page = format!("/cassetto/{}/importa-dma", app::model::url_encode(&posizione));
    // Session and position first, then a permit, and only then a byte of the body.
    // A private-sector position files no ListaPosPA: refused before the body too.
    let access = match authorize(&ctx, Action::ManagePosition(&posizione))
        .await
        .and_then(|a| a.position()?.offre_servizio("importa-dma").map(|()| a))
    {
        Ok(access) => access,
        Err(e) => return form_redirect(&page, &[], Err(e)),
    };
    let Some(_permit) = crate::uploads::permit(&state.uploads) else {
        return crate::uploads::busy(false);
    };
    let result = async {
        let (spool, name) = spool(Multipart::from_request(Request::from_parts(parts, body), &state).await).await?;
        let position = access.position()?;
        let (db, user, position_id, code) = (ctx.db().clone(), access.user.user_id, position.id, position.code.clone());
        // Its own task: a client that goes away does not cut the import (stored in batches) in half.
        tokio::spawn(async move {
            let path = spool.path().to_path_buf();
            let id = dma_import::importa(&db, user, position_id, &code, path, &name, now_unix()).await;
            drop(spool);
            id
        })
        .await
        .map_err(|_| AppError::Internal)?
    }
    .await;
    if wants_json {
        return match result {
            Ok(id) => axum::Json(serde_json::json!({ "importazione": id })).into_response(),
            Err(e) => {
                let status = axum::http::StatusCode::from_u16(e.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
                (status, axum::Json(serde_json::json!({ "errore": e.to_string() }))).into_response()
            }
        };
    }
    form_redirect(&page, &[], result.map(|id| format!("{page}?importazione={id}")))
}

/// `GET /esporta-errori/{posizione}/{id}`: the problems of an import of that position, as CSV.
pub async fn errors_csv(
    State(state): State<ServerState>,
    Path((posizione, id)): Path<(String, i64)>,
    req: Request<Body>,
) -> Response {
    let (parts, _) = req.into_parts();
    let ctx = RequestCtx::from_parts(state.app.clone(), &parts);
    let result = async {
        let access = authorize(&ctx, Action::ManagePosition(&posizione)).await?;
        access.position()?.offre_servizio("importa-dma")?;
        let i = dma_import::importazione(ctx.db(), access.position()?.id, id).await?;
        Ok(("errori-dma.csv".to_string(), dma_import::errori_csv(&i)))
    }
    .await;
    crate::responses::csv_download(result)
}
