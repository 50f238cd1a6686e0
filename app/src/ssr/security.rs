//! Content Security Policy with a per-response nonce: Leptos stamps the nonce on the scripts it
//! writes (hydration and resource data), and the same nonce goes into the header.

use axum::http::{HeaderValue, header};
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::use_context;

pub fn provide_csp_nonce() {
    provide_nonce();
    let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else { return };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'; object-src 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
