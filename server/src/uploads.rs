//! The one limit every upload route shares: how many request bodies with files are read at once. Each upload
//! route authorizes first (session and position, before a byte of the body is read), then takes a permit
//! here, then reads. When all permits are taken the upload is refused at once with 503 and an Italian
//! message, unread: a burst of large uploads cannot hold every worker and the memory of the server, and the
//! user is told to retry instead of watching a progress bar that does not move. (Queueing was the other
//! choice; an immediate answer is honest and needs no timer.)

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Upload bodies read at once, for the whole server process: each may be up to 40 MiB (a richiesta), 20 MiB
/// (a tracciato) or 200 MiB spooled to disk (a DMA); memory held is bounded by the richiesta's 10 MiB kept.
pub const MAX_CONCURRENT: usize = 8;

/// The message of a refused upload when the server is busy.
pub const OCCUPATO: &str = "In questo momento sono in corso troppi invii di file: riprovi tra qualche minuto.";

/// A permit to read one upload body, or `None` when every permit is taken (then answer `busy`).
pub fn permit(uploads: &std::sync::Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
    let permit = uploads.clone().try_acquire_owned().ok();
    if permit.is_none() {
        tracing::warn!("upload refused: {MAX_CONCURRENT} upload bodies already being read");
    }
    permit
}

/// The refusal of an upload when the server is busy: JSON for the page's script, text otherwise.
pub fn busy(wants_json: bool) -> Response {
    if wants_json {
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({ "errore": OCCUPATO }))).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], OCCUPATO)
            .into_response()
    }
}
