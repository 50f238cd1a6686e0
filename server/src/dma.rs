//! The routes of the ListaPosPA import: the upload, spooled to a temporary file as it arrives (so a large
//! declaration never sits in memory) and then checked and stored; and the problems of an import as CSV.

use app::error::AppError;
use app::ssr::authz::{Action, authorize};
use app::ssr::ctx::RequestCtx;
use app::ssr::db::now_unix;
use app::ssr::dma_import;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::Response;
use tokio::io::AsyncWriteExt;

use crate::responses::{download, form_redirect};
use crate::startup::ServerState;

/// The largest upload: the reader's own limit (200 MiB) and the form's framing.
pub const MAX_BODY: usize = 200 * 1024 * 1024 + 64 * 1024;

/// A temporary file removed when dropped.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn spool(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(Spool, String), AppError> {
    let unreadable = || AppError::invalid("Il modulo inviato non è leggibile: riprovi.");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("file") {
            continue;
        }
        let name = app::domain::allegati::nome_sicuro(field.file_name().unwrap_or_default());
        let mut random = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
        let spool = Spool(std::env::temp_dir().join(format!("cassetto-dma-{}.xml", hex::encode(random))));
        let mut file = tokio::fs::File::create(&spool.0).await.map_err(|e| {
            tracing::error!(error = %e, "cannot spool the upload");
            AppError::Internal
        })?;
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

/// `POST /api/dma/{posizione}`: imports the file; back to the page with the outcome or the refusal.
pub async fn upload(State(state): State<ServerState>, Path(posizione): Path<String>, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(state.app.clone(), &parts);
    let page = format!("/cassetto/{}/importa-dma", app::model::url_encode(&posizione));
    let result = async {
        let access = authorize(&ctx, Action::ManagePosition(&posizione)).await?;
        let (spool, name) = spool(Multipart::from_request(Request::from_parts(parts, body), &state).await).await?;
        let position = access.position()?;
        let path = spool.0.clone();
        let id =
            dma_import::importa(ctx.db(), access.user.user_id, position.id, &position.code, path, &name, now_unix())
                .await;
        drop(spool);
        id
    }
    .await;
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
        let i = dma_import::importazione(ctx.db(), access.position()?.id, id).await?;
        Ok(("errori-dma.csv".to_string(), dma_import::errori_csv(&i).into_bytes()))
    }
    .await;
    download("text/csv; charset=utf-8", result)
}
