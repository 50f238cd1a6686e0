//! The two routes of the Comunicazione bidirezionale that a server function cannot serve: sending a
//! richiesta with its files (a multipart body, with its own size limit) and downloading the files back
//! as one zip. The form posts here with or without JavaScript: the page's script asks for JSON (to
//! show the upload's progress and any refusal in place), a plain form post gets a redirect.

use app::domain::allegati::{MAX_BYTES_TOTALE, nome_sicuro, totale_superato};
use app::error::AppError;
use app::ssr::authz::{Action, authorize};
use app::ssr::comunicazioni::{self, Allegato, NuovaRichiesta};
use app::ssr::ctx::RequestCtx;
use app::ssr::db::now_unix;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::startup::ServerState;

/// The most file bytes kept from one sending; beyond it the rest of the body is read and dropped, so the
/// browser, still uploading, gets the Italian refusal instead of a connection cut under it.
const MAX_KEPT: usize = MAX_BYTES_TOTALE + 64 * 1024;
/// Bodies beyond this are refused (413) before being read: no one sends four times the limit by mistake.
pub const MAX_UPLOAD_BODY: usize = 4 * MAX_BYTES_TOTALE;

/// The fields of the form, as read from the body.
#[derive(Default)]
struct Form {
    posizione: String,
    oggetto: Option<i64>,
    testo: String,
    email: Option<String>,
    telefono: Option<String>,
    consenso: bool,
    allegati: Vec<Allegato>,
}

async fn read_form(mut multipart: Multipart) -> Result<Form, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::invalid(totale_superato())
        } else {
            tracing::warn!(error = %e, "unreadable multipart body");
            AppError::invalid("Il modulo inviato non è leggibile: riprovi.")
        }
    };
    let mut form = Form::default();
    let mut kept = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "allegati" {
            let nome = nome_sicuro(field.file_name().unwrap_or_default());
            let mut dati = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                kept += chunk.len();
                if kept <= MAX_KEPT {
                    dati.extend_from_slice(&chunk);
                }
            }
            // An empty file input still sends one part, without name or content.
            if !(nome.is_empty() && dati.is_empty()) {
                form.allegati.push(Allegato { nome, dati });
            }
            continue;
        }
        let value = field.text().await.map_err(unreadable)?;
        kept += value.len();
        let present = || Some(value.clone()).filter(|v| !v.trim().is_empty());
        match name.as_str() {
            "posizione" => form.posizione = value.trim().to_string(),
            "oggetto" => form.oggetto = value.trim().parse().ok(),
            "testo" => form.testo = value,
            "email" => form.email = present(),
            "telefono" => form.telefono = present(),
            "consenso" => form.consenso = true,
            _ => {}
        }
    }
    if kept > MAX_KEPT {
        return Err(AppError::invalid(totale_superato()));
    }
    Ok(form)
}

/// `POST /api/comunicazioni/nuova`: opens a richiesta on a position the user reaches, with its files.
pub async fn send_richiesta(State(state): State<ServerState>, req: Request<Body>) -> Response {
    let wants_json =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let (parts, body) = req.into_parts();
    let ctx = RequestCtx::from_parts(state.app.clone(), &parts);
    let multipart = Multipart::from_request(Request::from_parts(parts, body), &state).await;
    let form = match multipart {
        Ok(m) => read_form(m).await,
        Err(e) => {
            tracing::warn!(error = %e, "not a multipart body");
            Err(AppError::invalid("Il modulo inviato non è leggibile: riprovi."))
        }
    };
    let (posizione, oggetto) = form.as_ref().map(|f| (f.posizione.clone(), f.oggetto)).unwrap_or_default();
    // The position is named in the body, so the (bounded) body is read before the one access check.
    let result = async {
        let form = form?;
        let access = authorize(&ctx, Action::ReadPosition(&form.posizione)).await?;
        let nuova = NuovaRichiesta {
            position_id: access.position()?.id,
            oggetto_id: form.oggetto.ok_or_else(|| AppError::invalid("Scelga classe e oggetto."))?,
            testo: &form.testo,
            email: form.email.as_deref(),
            telefono: form.telefono.as_deref(),
            consenso_notifiche: form.consenso,
            allegati: form.allegati,
        };
        comunicazioni::apri(ctx.db(), access.user.user_id, nuova, now_unix()).await
    }
    .await;
    match (result, wants_json) {
        (Ok((id, _)), true) => axum::Json(serde_json::json!({ "id": id })).into_response(),
        (Ok((id, _)), false) => Redirect::to(&format!("/comunicazioni/{id}?esito=inviata")).into_response(),
        (Err(e), true) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(serde_json::json!({ "errore": e.to_string() }))).into_response()
        }
        (Err(AppError::Unauthenticated), false) => Redirect::to("/accesso").into_response(),
        (Err(e), false) => {
            // Back to the form with the refusal; the text typed and the files must be given again.
            let mut query = vec![("posizione", posizione), ("errore", e.to_string())];
            if let Some(o) = oggetto {
                query.push(("oggetto", o.to_string()));
            }
            let query = serde_urlencoded::to_string(&query).unwrap_or_default();
            Redirect::to(&format!("/comunicazioni/nuova?{query}")).into_response()
        }
    }
}

/// `GET /comunicazioni/{id}/allegati.zip`: the files of a richiesta, for its author and its Sede.
pub async fn download(State(state): State<ServerState>, Path(id): Path<i64>, req: Request<Body>) -> Response {
    let (parts, _) = req.into_parts();
    let ctx = RequestCtx::from_parts(state.app.clone(), &parts);
    let result = async {
        let access = authorize(&ctx, Action::ReadRichiesta(id)).await?;
        let (protocollo, zip) = comunicazioni::allegati_zip(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
        let entry = app::ssr::audit::Entry {
            actor_user_id: Some(access.user.user_id),
            action: "richiesta.allegati_scaricati",
            subject: &protocollo,
            detail: "",
        };
        app::ssr::audit::record(ctx.db(), entry).await?;
        Ok::<_, AppError>((protocollo, zip))
    }
    .await;
    match result {
        Ok((protocollo, zip)) => {
            // The protocol is built from a Sede code, a year and a number: plain ASCII.
            let disposition = format!("attachment; filename=\"allegati-{protocollo}.zip\"");
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/zip")),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
                    ),
                ],
                zip,
            )
                .into_response()
        }
        Err(err) => {
            let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], err.to_string()).into_response()
        }
    }
}
