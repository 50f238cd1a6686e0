//! The answers of the plain routes (downloads and multipart forms), in one place.

use app::error::AppError;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// A refusal as plain Italian text, with the error's status.
pub fn error_text(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
        (header::CONTENT_LANGUAGE, crate::boundary::ITALIAN),
    ];
    (status, headers, err.to_string()).into_response()
}

/// A download. `filename` must be plain ASCII (every caller builds it from codes and numbers).
pub fn attachment(content_type: &'static str, filename: &str, body: impl Into<Body>) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)],
        body.into(),
    )
        .into_response()
}

/// A download, or the refusal as text.
pub fn download(content_type: &'static str, result: Result<(String, Vec<u8>), AppError>) -> Response {
    match result {
        Ok((filename, body)) => attachment(content_type, &filename, body),
        Err(err) => error_text(&err),
    }
}

/// A CSV file: UTF-8 with its byte order mark, so a spreadsheet opened on it by a double click reads the
/// accents right (Excel assumes the local code page otherwise).
pub fn csv_download(result: Result<(String, String), AppError>) -> Response {
    download(
        "text/csv; charset=utf-8",
        result.map(|(name, body)| {
            let mut bytes = Vec::with_capacity(body.len() + 3);
            bytes.extend_from_slice("\u{feff}".as_bytes());
            bytes.extend_from_slice(body.as_bytes());
            (name, bytes)
        }),
    )
}

/// The answer to a form posted by the browser: on to `Ok`'s location; to the login without a session;
/// back to `page` with the Italian refusal in `errore` (plus `keep`, what the form should show again).
pub fn form_redirect(page: &str, keep: &[(&str, String)], result: Result<String, AppError>) -> Response {
    match result {
        Ok(location) => Redirect::to(&location).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/accesso").into_response(),
        Err(e @ AppError::Invalid(_)) => {
            let mut query: Vec<(&str, String)> = keep.to_vec();
            query.push(("errore", e.to_string()));
            let query = serde_urlencoded::to_string(&query).unwrap_or_default();
            Redirect::to(&format!("{page}?{query}")).into_response()
        }
        Err(e) => error_text(&e),
    }
}
