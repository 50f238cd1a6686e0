//! The routes of the ListaPosPA import: the upload, spooled to a temporary file as it arrives (so a large
//! declaration never sits in memory) and then checked and stored; and the problems of an import as CSV.

use app::error::AppError;
use app::model::EsitoInvioDma;
use app::ssr::authorized;
use app::ssr::authz::{PositionAction, authorize, position_named};
use app::ssr::db::now_unix;
use app::ssr::dma::importazione;
use app::ssr::spool::SpoolFile;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use crate::responses::form_redirect;
use crate::startup::{Caller, ServerState};

/// The largest upload: the reader's own limit (200 MiB, checked by the page too) and the form's framing.
pub const MAX_BODY: usize = app::domain::allegati::MAX_BYTES_DMA + 64 * 1024;

/// The upload as read: the spooled file, its (cleaned) name, and the declaration the user confirmed replacing
/// (the form's `sostituisce`, on the confirmation form only).
struct Invio {
    spool: SpoolFile,
    nome: String,
    sostituisce: Option<i64>,
}

async fn spool(multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Result<Invio, AppError> {
    let unreadable = || AppError::invalid("Il modulo inviato non è leggibile: riprovi.");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let mut file = None;
    let mut sostituisce = None;
    // Every field is read, whatever its place: the confirmation may come before or after the file.
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name() {
            Some("sostituisce") => {
                let value = field.text().await.map_err(|_| unreadable())?;
                // An id that is not a number names no declaration: as if nothing were confirmed.
                sostituisce = value.trim().parse::<i64>().ok();
            }
            Some("file") if file.is_none() => {
                let name = app::domain::allegati::nome_sicuro(field.file_name().unwrap_or_default());
                // In the private spool directory (0700), the file 0600 (`ssr::spool`).
                let spool = SpoolFile::create("cassetto-dma").map_err(|e| {
                    tracing::error!(error = %e, "cannot spool the upload");
                    AppError::Internal
                })?;
                let mut out = tokio::fs::File::from_std(spool.writer().map_err(|_| AppError::Internal)?);
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                    size += chunk.len();
                    out.write_all(&chunk).await.map_err(|_| AppError::Internal)?;
                }
                out.flush().await.map_err(|_| AppError::Internal)?;
                if size == 0 {
                    return Err(AppError::invalid("Scelga il file ListaPosPA da inviare."));
                }
                file = Some((spool, name));
            }
            _ => {}
        }
    }
    let (spool, nome) = file.ok_or_else(|| AppError::invalid("Scelga il file ListaPosPA da inviare."))?;
    Ok(Invio { spool, nome, sostituisce })
}

/// `POST /api/dma/{posizione}`: imports the file; back to the page with the outcome or the refusal (as JSON,
/// `{"importazione": id}` or a 4xx with `{"errore": …}`, when the client asks for JSON).
pub async fn upload(
    Caller(ctx): Caller,
    State(state): State<ServerState>,
    Path(posizione): Path<String>,
    req: Request<Body>,
) -> Response {
    let wants_json = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let (parts, body) = req.into_parts();
    let page = format!("/cassetto/{}/importa-dma", app::model::url_encode(&posizione));
    // Session and position first, then a permit, and only then a byte of the body.
    // A private-sector position files no ListaPosPA: refused before the body too.
    let access = match async { authorize(&ctx, PositionAction::Manage(&position_named(&posizione)?)).await }
        .await
        .and_then(|a| a.position.offre_servizio("importa-dma").map(|()| a))
    {
        Ok(access) => access,
        Err(e) => return form_redirect(&page, &[], Err(e)),
    };
    let Some(_permit) = crate::uploads::permit(&state.uploads) else {
        return crate::uploads::busy(false);
    };
    let result = async {
        let Invio { spool, nome, sostituisce } =
            spool(Multipart::from_request(Request::from_parts(parts, body), &state).await).await?;
        let position = access.position;
        let (db, user, position_id, code) = (ctx.db().clone(), access.user.user_id, position.id, position.code.clone());
        // Its own task: a client that goes away does not cut the import (stored in batches) in half.
        tokio::spawn(async move {
            let path = spool.path().to_path_buf();
            let esito = importazione::import(&db, user, position_id, &code, path, &nome, sostituisce, now_unix()).await;
            drop(spool);
            esito
        })
        .await
        .map_err(|_| AppError::Internal)?
    }
    .await;
    if wants_json {
        return match result {
            Ok(EsitoInvioDma::Importata(id)) => axum::Json(serde_json::json!({ "importazione": id })).into_response(),
            // Nothing stored: the month has a declaration in force, to be replaced only on confirmation.
            Ok(EsitoInvioDma::DaConfermare(d)) => (
                axum::http::StatusCode::CONFLICT,
                axum::Json(serde_json::json!({ "errore": d.avviso(), "sostituisce": d.id })),
            )
                .into_response(),
            Err(e) => {
                let status = axum::http::StatusCode::from_u16(e.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
                (status, axum::Json(serde_json::json!({ "errore": e.to_string() }))).into_response()
            }
        };
    }
    // A month already declared: back to the page, which shows the notice and the confirmation form.
    form_redirect(
        &page,
        &[],
        result.map(|esito| match esito {
            EsitoInvioDma::Importata(id) => format!("{page}?importazione={id}"),
            EsitoInvioDma::DaConfermare(d) => format!("{page}?sostituzione={}", d.id),
        }),
    )
}

/// `GET /esporta-errori/{posizione}/{id}`: the problems of an import of that position, as CSV.
pub async fn errors_csv(Caller(ctx): Caller, Path((posizione, id)): Path<(String, i64)>) -> Response {
    let result = async {
        let code = position_named(&posizione)?;
        authorized(ctx, PositionAction::Manage(&code), async |ctx, access| {
            access.position.offre_servizio("importa-dma")?;
            let i = importazione::importazione(ctx.db(), access.position.id, id).await?;
            Ok(("errori-dma.csv".to_string(), importazione::errori_csv(&i)))
        })
        .await
    }
    .await;
    crate::responses::csv_download(result)
}
