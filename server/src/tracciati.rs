//! The two plain routes of Invio tracciati: sending a file (multipart, its own size limit) and
//! downloading the receipt. Both work as plain browser requests (post, redirect), with or without script.

use app::error::AppError;
use app::ssr::authorized;
use app::ssr::authz::{PositionAction, authorize, position_named};
use app::ssr::db::now_unix;
use app::ssr::tracciati;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::response::Response;

use crate::responses::{download, form_redirect};
use crate::startup::{Caller, ServerState};

/// The largest body accepted: the largest type's limit (20 MiB, checked by the page too) and the form's framing.
pub const MAX_BODY: usize = app::domain::allegati::MAX_BYTES_TRACCIATO + 64 * 1024;

async fn read(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(String, String, Vec<u8>), AppError> {
    let unreadable = || AppError::invalid("Il modulo inviato non è leggibile: riprovi.");
    let mut multipart = multipart.map_err(|_| unreadable())?;
    let (mut tipo, mut nome, mut dati) = (String::new(), String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name().unwrap_or_default() {
            "tipo" => {
                tipo = field.text().await.map_err(|_| unreadable())?;
                // Compared with the table's codes: PostgreSQL refuses a NUL in a text parameter outright.
                if let Some((i, c)) = app::domain::testo::carattere_non_ammesso(&tipo) {
                    return Err(AppError::invalid(app::domain::testo::messaggio("tipo", i, c)));
                }
            }
            "file" => {
                // The name is printed on the receipt: only its last component, cleaned like an attachment's.
                nome = app::domain::allegati::nome_sicuro(field.file_name().unwrap_or_default());
                dati = field.bytes().await.map_err(|_| unreadable())?.to_vec();
            }
            _ => {}
        }
    }
    Ok((tipo, nome, dati))
}

/// `POST /api/tracciati/{posizione}`: stores the file with its protocol and processes it.
pub async fn send(
    Caller(ctx): Caller,
    State(state): State<ServerState>,
    Path(posizione): Path<String>,
    req: Request<Body>,
) -> Response {
    let (parts, body) = req.into_parts();
    let page = format!("/cassetto/{}/invio-tracciati", app::model::url_encode(&posizione));
    // Session and position first, then a permit, and only then a byte of the body.
    // A private-sector position has no tracciati to send: refused before the body too.
    let access = match async { authorize(&ctx, PositionAction::Manage(&position_named(&posizione)?)).await }
        .await
        .and_then(|a| a.position.offre_servizio("invio-tracciati").map(|()| a))
    {
        Ok(access) => access,
        Err(e) => return form_redirect(&page, &[], Err(e)),
    };
    let Some(_permit) = crate::uploads::permit(&state.uploads) else {
        return crate::uploads::busy(false);
    };
    let result = async {
        let (tipo, nome, dati) = read(Multipart::from_request(Request::from_parts(parts, body), &state).await).await?;
        tracciati::send(ctx.db(), access.user.user_id, access.position.id, &tipo, &nome, &dati, now_unix()).await
    }
    .await;
    let result = result.map(|(_, protocollo)| format!("{page}?esito=ricevuto&protocollo={protocollo}"));
    form_redirect(&page, &[], result)
}

/// `GET /ricevute/{posizione}/{id}`: the receipt of a tracciato of that position, as text.
pub async fn receipt(Caller(ctx): Caller, Path((posizione, id)): Path<(String, i64)>) -> Response {
    let result = async {
        let code = position_named(&posizione)?;
        authorized(ctx, PositionAction::Manage(&code), async |ctx, access| {
            let position = access.position;
            position.offre_servizio("invio-tracciati")?;
            let t = tracciati::uno(ctx.db(), position.id, id).await?;
            // The protocol is built from a Sede code, a year and a number: plain ASCII.
            Ok((format!("ricevuta-{}.txt", t.protocollo), tracciati::ricevuta(&t, &position.code).into_bytes()))
        })
        .await
    }
    .await;
    download("text/plain; charset=utf-8", result)
}
