//! The two routes of the Comunicazione bidirezionale that a server function cannot serve: sending a
//! richiesta with its files (a multipart body, with its own size limit) and downloading the files back
//! as one zip. The form posts here with or without JavaScript: the page's script asks for JSON (to
//! show the upload's progress and any refusal in place), a plain form post gets a redirect.

use app::domain::allegati::{AllegatoRifiutato, MAX_BYTES_TOTALE, nome_sicuro};
use app::domain::comunicazioni::Canali;
use app::domain::testo;
use app::error::AppError;
use app::ssr::authorized;
use app::ssr::authz::{PositionAction, ReadContestazione, ReadRichiesta, UserAction, authorize, position_named};
use app::ssr::comunicazioni::{self, Allegato, NuovaRichiesta};
use app::ssr::db::now_unix;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::responses::{self, form_redirect};
use crate::startup::{Caller, ServerState};

/// The most file bytes kept from one sending; beyond it the rest of the body is read and dropped, so the
/// browser, still uploading, gets the Italian refusal instead of a connection cut under it.
const MAX_KEPT: usize = MAX_BYTES_TOTALE + 64 * 1024;
/// Bodies beyond this are refused (413) before being read: no one sends four times the limit by mistake.
pub const MAX_UPLOAD_BODY: usize = 4 * MAX_BYTES_TOTALE;

/// A form with files, as read from a multipart body: text fields by name, and the files of the `allegati`
/// input (names cleaned). Used by every form that sends attachments.
#[derive(Default)]
pub struct FormConAllegati {
    pub campi: std::collections::BTreeMap<String, String>,
    pub allegati: Vec<Allegato>,
}

impl FormConAllegati {
    /// A text field, trimmed, if given and not blank.
    pub fn campo(&self, name: &str) -> Option<String> {
        self.campi.get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }
}

/// Reads the whole body (so the browser gets the answer), keeping at most `MAX_KEPT` bytes.
/// The caller has authorized the upload and holds an upload permit.
pub async fn read_form(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<FormConAllegati, AppError> {
    read_rest(open_multipart(multipart)?, FormConAllegati::default()).await
}

fn open_multipart(
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Multipart, AppError> {
    multipart.map_err(|e| {
        tracing::warn!(error = %e, "not a multipart body");
        AppError::invalid("Il modulo inviato non è leggibile: riprovi.")
    })
}

fn unreadable(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::invalid(AllegatoRifiutato::OltreIlTotale)
    } else {
        tracing::warn!(error = %e, "unreadable multipart body");
        AppError::invalid("Il modulo inviato non è leggibile: riprovi.")
    }
}

/// The first field of a richiesta's form, which must be `posizione` (the form puts it first, and a browser
/// sends fields in document order): read alone, at most `MAX_POSIZIONE` bytes, so the position can be
/// authorized before any file is read.
const MAX_POSIZIONE: usize = 64;

async fn read_posizione(multipart: &mut Multipart) -> Result<String, AppError> {
    let unreadable_form = || AppError::invalid("Il modulo inviato non è leggibile: riprovi.");
    let mut field = multipart.next_field().await.map_err(unreadable)?.ok_or_else(unreadable_form)?;
    if field.name() != Some("posizione") {
        tracing::warn!(field = ?field.name(), "richiesta form without the position first");
        return Err(unreadable_form());
    }
    let mut value = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
        value.extend_from_slice(&chunk);
        if value.len() > MAX_POSIZIONE {
            // No position code is this long: answer as for a position one does not reach.
            return Err(AppError::NotFound);
        }
    }
    Ok(String::from_utf8(value).map_err(|_| AppError::NotFound)?.trim().to_string())
}

/// Reads the rest of the body into `form` (so the browser gets the answer), keeping at most `MAX_KEPT` bytes.
async fn read_rest(mut multipart: Multipart, mut form: FormConAllegati) -> Result<FormConAllegati, AppError> {
    let mut kept = 0;
    let mut refused = None;
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
        // Read on to the end all the same, so the browser gets the answer (see above).
        if refused.is_none()
            && let Some((i, c)) = testo::carattere_non_ammesso(&value)
        {
            refused = Some(AppError::invalid(testo::messaggio(&name, i, c)));
        }
        form.campi.insert(name, value);
    }
    if kept > MAX_KEPT {
        return Err(AppError::invalid(AllegatoRifiutato::OltreIlTotale));
    }
    match refused {
        Some(err) => Err(err),
        None => Ok(form),
    }
}

/// `POST /api/comunicazioni/nuova`: opens a richiesta on a position the user reaches, with its files.
/// The session is checked before the body is touched, the position (the form's first field, read alone and
/// bounded) before any file; only then is an upload permit taken and the rest read.
pub async fn send_richiesta(Caller(ctx): Caller, State(state): State<ServerState>, req: Request<Body>) -> Response {
    let wants_json =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let (parts, body) = req.into_parts();
    let mut posizione = String::new();
    let mut oggetto = None;
    let mut canali = None;
    let result = async {
        authorize(&ctx, UserAction::SearchPositions).await?;
        let mut multipart = open_multipart(Multipart::from_request(Request::from_parts(parts, body), &state).await)?;
        posizione = read_posizione(&mut multipart).await?;
        let access = authorize(&ctx, PositionAction::Manage(&position_named(&posizione)?)).await?;
        Ok::<_, AppError>((access, multipart))
    }
    .await;
    let result = match result {
        Ok((access, multipart)) => {
            let Some(_permit) = crate::uploads::permit(&state.uploads) else {
                return crate::uploads::busy(wants_json);
            };
            let form = read_rest(multipart, FormConAllegati::default()).await;
            oggetto = form.as_ref().ok().and_then(|f| f.campo("oggetto")).and_then(|o| o.parse::<i64>().ok());
            canali = form.as_ref().ok().and_then(|f| f.campo("canali")).and_then(|c| Canali::parse(&c));
            async {
                let form = form?;
                let (testo, email, telefono) =
                    (form.campi.get("testo").cloned().unwrap_or_default(), form.campo("email"), form.campo("telefono"));
                // The channels chosen (e-mail, SMS or both) keep only their own contacts; a sending that does not
                // say goes by the contacts it gives.
                let scelta = match form.campo("canali") {
                    None => None,
                    Some(c) => Some(Canali::parse(&c).ok_or_else(|| {
                        AppError::invalid("Scelga come ricevere gli avvisi: e-mail, SMS o entrambi.")
                    })?),
                };
                let recapiti = comunicazioni::recapiti(
                    scelta,
                    email.as_deref(),
                    telefono.as_deref(),
                    form.campi.contains_key("consenso"),
                )?;
                let nuova = NuovaRichiesta {
                    position_id: access.position.id,
                    oggetto_id: oggetto.ok_or_else(|| AppError::invalid("Scelga classe e oggetto."))?,
                    testo: &testo,
                    email: recapiti.email.as_deref(),
                    telefono: recapiti.telefono.as_deref(),
                    consenso_notifiche: recapiti.consenso_sms(),
                    allegati: form.allegati,
                };
                comunicazioni::open(ctx.db(), access.user.user_id, nuova, now_unix()).await
            }
            .await
        }
        Err(e) => Err(e),
    };
    match (result, wants_json) {
        (Ok((id, _)), true) => axum::Json(serde_json::json!({ "id": id })).into_response(),
        (Err(e), true) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(serde_json::json!({ "errore": e.to_string() }))).into_response()
        }
        (result, false) => {
            // Back to the form with the refusal; the text typed and the files must be given again.
            let mut keep = vec![("posizione", posizione)];
            keep.extend(oggetto.map(|o| ("oggetto", o.to_string())));
            keep.extend(canali.map(|c| ("canali", c.as_str().to_string())));
            let result = result.map(|(id, _)| format!("/comunicazioni/{id}?esito=inviata"));
            form_redirect("/comunicazioni/nuova", &keep, result)
        }
    }
}

/// `GET /comunicazioni/{id}/allegati.zip`: the files of a richiesta, for its author and its Sede.
pub async fn download(Caller(ctx): Caller, Path(id): Path<app::model::RichiestaId>) -> Response {
    let result = authorized(ctx, ReadRichiesta(id), async |ctx, access| {
        let (protocollo, zip) = comunicazioni::allegati_zip(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
        let entry = app::ssr::audit::Entry {
            actor_user_id: Some(access.user.user_id),
            action: "richiesta.allegati_scaricati",
            subject: &protocollo,
            detail: "",
        };
        app::ssr::audit::record(ctx.db(), entry).await?;
        Ok((protocollo, zip))
    })
    .await;
    zip_response(result)
}

/// `POST /api/contestazioni/{posizione}`: files a contestazione of one of the position's notes of
/// regolarizzazione, with its files; back to the page with the protocol or the refusal (asked for JSON, as a
/// script or another client may: the status and `{"id", "protocollo"}` or `{"errore"}`).
pub async fn send_contestazione(
    Caller(ctx): Caller,
    State(state): State<ServerState>,
    Path(posizione): Path<String>,
    req: Request<Body>,
) -> Response {
    let wants_json =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let (parts, body) = req.into_parts();
    let page = format!("/cassetto/{}/contestazione-note-debito", app::model::url_encode(&posizione));
    // Session and position first, then a permit, and only then a byte of the body.
    // A private-sector position has no note di debito to contest: refused before the body too.
    let access = match async { authorize(&ctx, PositionAction::Manage(&position_named(&posizione)?)).await }
        .await
        .and_then(|a| a.position.offre_servizio("contestazione-note-debito").map(|()| a))
    {
        Ok(access) => access,
        Err(e) if wants_json => return json_answer(Err(e)),
        Err(e) => return form_redirect(&page, &[], Err(e)),
    };
    let Some(_permit) = crate::uploads::permit(&state.uploads) else {
        return crate::uploads::busy(wants_json);
    };
    let result = async {
        let form = read_form(Multipart::from_request(Request::from_parts(parts, body), &state).await).await?;
        let nota = form.campo("nota").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
        let motivi = form.campi.get("motivi").cloned().unwrap_or_default();
        let (user, position) = (access.user.user_id, access.position.id);
        app::ssr::contestazioni::present(ctx.db(), user, position, nota, &motivi, &form.allegati, now_unix()).await
    }
    .await;
    if wants_json {
        return json_answer(result.map(|(id, protocollo)| serde_json::json!({ "id": id, "protocollo": protocollo })));
    }
    let result = result.map(|(_, protocollo)| format!("{page}?esito=presentata&protocollo={protocollo}"));
    form_redirect(&page, &[], result)
}

/// The answer to a client that asked for JSON: 200 with `ok`, or the error's status with `{"errore"}`.
fn json_answer(result: Result<serde_json::Value, AppError>) -> Response {
    match result {
        Ok(ok) => axum::Json(ok).into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(serde_json::json!({ "errore": e.to_string() }))).into_response()
        }
    }
}

/// `GET /contestazioni/{id}/allegati.zip`: the files of a contestazione, for its position's users and its Sede.
pub async fn download_contestazione(Caller(ctx): Caller, Path(id): Path<app::model::ContestazioneId>) -> Response {
    let result = authorized(ctx, ReadContestazione(id), async |ctx, _| {
        app::ssr::contestazioni::zip(ctx.db(), id).await?.ok_or(AppError::NotFound)
    })
    .await;
    zip_response(result)
}

/// A zip download named after its protocol (built from a Sede code, a year and a number: plain ASCII).
fn zip_response(result: Result<(String, Vec<u8>), AppError>) -> Response {
    responses::download("application/zip", result.map(|(protocollo, zip)| (format!("allegati-{protocollo}.zip"), zip)))
}
