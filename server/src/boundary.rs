//! The outer edge of every request: what no handler should have to think about.
//!
//! - `text_guard` refuses a query, a form or a JSON body carrying characters no user types (control characters,
//!   invisible and direction-changing formatting; `domain::testo`) before any server function reads it.
//! - `unreadable_arguments_status` answers 400, not 500, to server-function arguments that do not decode.
//! - `italian_refusals` gives the refusals that the framework and its layers write themselves (a body over
//!   the limit, a malformed multipart, a wrong content type) the Italian words our own refusals have.

use app::domain::testo;
use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Marks a refusal whose body we wrote ourselves, in Italian; `italian_refusals` leaves those alone.
pub const ITALIAN: HeaderValue = HeaderValue::from_static("it");

pub async fn text_guard(req: Request<Body>, next: Next) -> Response {
    // Filters and searches come in the query: the same characters are refused there (and PostgreSQL would
    // refuse a NUL in a text parameter with an error of its own).
    if let Some((campo, posizione, c)) = req.uri().query().and_then(|q| first_bad_form_field(q.as_bytes())) {
        tracing::info!(path = %req.uri().path(), campo, "query refused: control or formatting character");
        return refusal(req.headers(), StatusCode::BAD_REQUEST, testo::messaggio(&campo, posizione, c));
    }
    let content_type = header_str(req.headers(), header::CONTENT_TYPE).to_ascii_lowercase();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_json = content_type.starts_with("application/json");
    if req.method() != Method::POST || !req.uri().path().starts_with("/api/") || !(is_form || is_json) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await else {
        return refusal(&parts.headers, StatusCode::PAYLOAD_TOO_LARGE, TOO_LARGE.into());
    };
    let found = if is_form { first_bad_form_field(&bytes) } else { first_bad_json_field(&bytes) };
    if let Some((campo, posizione, c)) = found {
        tracing::info!(path = %parts.uri.path(), campo, "request refused: control or formatting character");
        return refusal(&parts.headers, StatusCode::BAD_REQUEST, testo::messaggio(&campo, posizione, c));
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// A body that does not decode is left to the server function, which refuses it (`UNREADABLE_ARGUMENTS`).
fn first_bad_form_field(bytes: &[u8]) -> Option<(String, usize, char)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    pairs.into_iter().find_map(|(name, value)| {
        testo::carattere_non_ammesso(&name)
            .or_else(|| testo::carattere_non_ammesso(&value))
            .map(|(i, c)| (field_label(&name), i, c))
    })
}

fn first_bad_json_field(bytes: &[u8]) -> Option<(String, usize, char)> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    first_bad_json_string("", &value)
}

fn first_bad_json_string(name: &str, value: &serde_json::Value) -> Option<(String, usize, char)> {
    match value {
        serde_json::Value::String(s) => testo::carattere_non_ammesso(s).map(|(i, c)| (field_label(name), i, c)),
        serde_json::Value::Array(items) => items.iter().find_map(|v| first_bad_json_string(name, v)),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(k, v)| {
            testo::carattere_non_ammesso(k)
                .map(|(i, c)| (field_label(name), i, c))
                .or_else(|| first_bad_json_string(k, v))
        }),
        _ => None,
    }
}

/// The field's name as a user may read it back: printable, short.
fn field_label(name: &str) -> String {
    let clean: String = name.chars().filter(|&c| !c.is_control() && testo::ammesso(c)).take(40).collect();
    if clean.is_empty() { "dati".into() } else { clean }
}

/// Leptos answers the errors it raises itself — arguments it cannot read — with 500, before our `respond` can
/// set the status (and `leptos_routes` mounts each server function on its own route, so no handler of ours
/// sees the answer first). Those errors are `AppError::Invalid` (`AppError::from_server_fn_error`): the sender
/// must see them as the 400 they are.
pub async fn unreadable_arguments_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR || !res.headers().contains_key("serverfnerror") {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // An error body is a few hundred bytes of JSON; anything larger is not one of ours.
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Ok(err @ AppError::Invalid(_)) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
        parts.headers.insert(header::CONTENT_LANGUAGE, ITALIAN);
    }
    Response::from_parts(parts, Body::from(bytes))
}

const TOO_LARGE: &str = "Il contenuto inviato supera la dimensione massima consentita.";

/// Rewrites, in Italian, the refusals that axum and tower write themselves: statuses only they give (a
/// method, a length, a content type, an unparsable body), and a 400 whose text is theirs (English). Our own
/// refusals — every 401/403/404, every Italian 400 — pass untouched.
pub async fn italian_refusals(req: Request<Body>, next: Next) -> Response {
    let wants_json = accepts_json(req.headers());
    let res = next.run(req).await;
    let status = res.status();
    let content_type = header_str(res.headers(), header::CONTENT_TYPE).to_ascii_lowercase();
    let framework_text = content_type.is_empty() || content_type.starts_with("text/plain");
    let framework_status = matches!(status.as_u16(), 405 | 411 | 413 | 415 | 422 | 431);
    if !framework_text || res.headers().contains_key(header::CONTENT_LANGUAGE) || !(framework_status || status == 400) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024).await.unwrap_or_default();
    let english = ["Failed", "Invalid", "Expected", "Missing", "Error", "Cannot", "Unsupported", "Length", "Request"];
    let text = String::from_utf8_lossy(&bytes);
    if !framework_status && !english.iter().any(|w| text.trim_start().starts_with(w)) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => TOO_LARGE,
        StatusCode::METHOD_NOT_ALLOWED => "Operazione non disponibile per questo indirizzo.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Il formato dei dati inviati non è quello atteso da questo modulo.",
        _ => "I dati inviati non sono leggibili: controlli il modulo e riprovi.",
    };
    tracing::debug!(%status, original = %text, "framework refusal rewritten in Italian");
    refusal_with(wants_json, status, message.into())
}

/// An Italian refusal, as JSON (`AppError`) for scripts and as text for a browser's form.
pub fn refusal(request_headers: &HeaderMap, status: StatusCode, message: String) -> Response {
    refusal_with(accepts_json(request_headers), status, message)
}

fn refusal_with(wants_json: bool, status: StatusCode, message: String) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_LANGUAGE, ITALIAN);
    if wants_json {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = serde_json::to_string(&AppError::invalid(message)).unwrap_or_default();
        return (status, headers, body).into_response();
    }
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    (status, headers, message).into_response()
}

/// A browser's own navigation or form asks for HTML; the hydrated app's server-function calls do not.
fn accepts_json(headers: &HeaderMap) -> bool {
    !header_str(headers, header::ACCEPT).contains("text/html")
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_fields_are_searched_by_name() {
        assert_eq!(first_bad_form_field(b"a=ok&testo=x%E2%80%AEy"), Some(("testo".into(), 2, '\u{202E}')));
        assert_eq!(first_bad_form_field(b"a=ok&b=riga%0D%0Ariga"), None);
        let json = br#"{"query":{"testo":"ok","stato":"a\u0000"}}"#;
        assert_eq!(first_bad_json_field(json), Some(("stato".into(), 2, '\0')));
        assert_eq!(
            first_bad_json_field(br#"{"posizioni":["1234567890","x\u001b"]}"#),
            Some(("posizioni".into(), 2, '\u{1b}'))
        );
    }
}
