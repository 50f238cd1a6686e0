//! A refused form keeps what the user typed, without JavaScript too (issue 16 item 2).
//!
//! With JavaScript the form never leaves the page, so its fields stay as they were. Without it the browser posts
//! the form to the server function, which answers a refusal by sending the browser back to the page
//! (`?__path=…&__err=…`), and the page is drawn afresh: empty. So, for every form at once rather than form by
//! form:
//! - `remember_refused_form` sees a plain form post refused that way and keeps its fields, secrets left out,
//!   in a short-lived cookie of the user's own browser;
//! - `refill_refused_form` rewrites the page that comes back: the fields of the form that was refused (the
//!   one whose `action` is the refused server function) get their values again, and the cookie is dropped.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

const COOKIE: &str = "cassetto_modulo";
/// Long enough to come back to the page, short enough not to linger.
const COOKIE_SECONDS: u32 = 120;
/// Browsers drop a cookie over 4 KiB: fields beyond this budget are not kept (a long text is the only case).
const COOKIE_BUDGET: usize = 3_500;
/// The key of the refused action inside the cookie (no form field starts with `__`).
const ACTION_KEY: &str = "__azione";
/// Fields never written back: passwords, codes, tokens. Matched on the field's name.
const SECRET_PARTS: [&str; 6] = ["password", "otp", "codice_temporaneo", "codice", "token", "segreto"];
/// The largest page rewritten (a page is tens of KB).
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    // `codice_fiscale` is what the user typed and must come back; the one-time codes must not.
    name != "codice_fiscale" && !name.starts_with("codice_fiscale") && SECRET_PARTS.iter().any(|s| name.contains(s))
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The fields of a refused post worth giving back, in the cookie's encoding, within the budget.
fn cookie_value(action: &str, body: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    let mut kept = vec![(ACTION_KEY.to_string(), action.to_string())];
    for (name, value) in pairs {
        if name.starts_with("__") || is_secret(&name) || value.is_empty() {
            continue;
        }
        kept.push((name, value));
        if serde_urlencoded::to_string(&kept).map_or(true, |s| s.len() > COOKIE_BUDGET) {
            kept.pop();
        }
    }
    (kept.len() > 1).then(|| serde_urlencoded::to_string(&kept).ok()).flatten()
}

fn cookie_header(value: &str, max_age: u32, secure: Secure) -> Option<HeaderValue> {
    let secure = if secure.0 { "; Secure" } else { "" };
    // Lax, as the session: the page it serves is the next top-level navigation of the same site.
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")).ok()
}

/// Whether the cookie carries `Secure`, as the session cookie does (`CASSETTO_INSECURE_COOKIES` clears both).
#[derive(Clone, Copy)]
pub struct Secure(pub bool);

/// On a plain form post to a server function: when the answer sends the browser back with a refusal, the
/// fields go with it in the cookie.
pub async fn remember_refused_form(State(secure): State<Secure>, req: Request<Body>, next: Next) -> Response {
    let plain_form = req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && header_str(req.headers(), header::CONTENT_TYPE).starts_with("application/x-www-form-urlencoded")
        && header_str(req.headers(), header::ACCEPT).contains("text/html");
    if !plain_form {
        return next.run(req).await;
    }
    let action = req.uri().path().to_string();
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await else {
        return Response::builder().status(StatusCode::PAYLOAD_TOO_LARGE).body(Body::empty()).unwrap_or_default();
    };
    let mut res = next.run(Request::from_parts(parts, Body::from(bytes.clone()))).await;
    let refused = res.status().is_redirection() && header_str(res.headers(), header::LOCATION).contains("__err=");
    if refused
        && let Some(cookie) = cookie_value(&action, &bytes).and_then(|v| cookie_header(&v, COOKIE_SECONDS, secure))
    {
        res.headers_mut().append(header::SET_COOKIE, cookie);
    }
    res
}

/// The kept fields, when the page asked for is the one a refusal sent the browser back to.
fn kept_fields(req: &Request<Body>) -> Option<(String, Vec<(String, String)>)> {
    let query: Vec<(String, String)> = serde_urlencoded::from_str(req.uri().query()?).ok()?;
    let refused_path = query.iter().find(|(k, _)| k == "__path").map(|(_, v)| v.clone())?;
    query.iter().any(|(k, _)| k == "__err").then_some(())?;
    let cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE).and_then(|rest| rest.strip_prefix('=')))?;
    let mut fields: Vec<(String, String)> = serde_urlencoded::from_str(cookie).ok()?;
    let at = fields.iter().position(|(k, _)| k == ACTION_KEY)?;
    let (_, action) = fields.remove(at);
    // The refusal's `__path` names the server function, whose form's `action` is that same path.
    (action == refused_path).then_some((action, fields))
}

/// A CSS attribute value in double quotes.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The page with the refused form's fields filled in again.
fn refill(html: &[u8], action: &str, fields: &[(String, String)]) -> Option<Vec<u8>> {
    use lol_html::html_content::ContentType;
    use lol_html::{HtmlRewriter, Settings, element};
    let form = format!("form[action={}]", quoted(action));
    let mut handlers = Vec::new();
    let mut names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    names.dedup();
    for name in names {
        let values: Vec<String> = fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect();
        // lol_html escapes the quote of an attribute value but not the ampersand, which would start an entity.
        let first = values[0].replace('&', "&amp;");
        let name_sel = quoted(name);
        let for_inputs = values.clone();
        handlers.push(element!(format!("{form} input[name={name_sel}]"), move |el| {
            match el.get_attribute("type").unwrap_or_default().to_ascii_lowercase().as_str() {
                "hidden" | "file" | "password" | "submit" => {}
                "checkbox" | "radio" => {
                    let value = el.get_attribute("value").unwrap_or_else(|| "on".to_string());
                    if for_inputs.contains(&value) {
                        el.set_attribute("checked", "")?;
                    } else {
                        el.remove_attribute("checked");
                    }
                }
                _ => el.set_attribute("value", &first)?,
            }
            Ok(())
        }));
        let text = values[0].clone();
        handlers.push(element!(format!("{form} textarea[name={name_sel}]"), move |el| {
            el.set_inner_content(&text, ContentType::Text);
            Ok(())
        }));
        let chosen = values.clone();
        handlers.push(element!(format!("{form} select[name={name_sel}] option"), move |el| {
            let value = el.get_attribute("value").unwrap_or_default();
            if chosen.contains(&value) {
                el.set_attribute("selected", "")?;
            } else {
                el.remove_attribute("selected");
            }
            Ok(())
        }));
    }
    let settings = handlers.into_iter().fold(Settings::new(), |s, h| s.append_element_content_handler(h));
    let mut out = Vec::with_capacity(html.len() + 256);
    let mut rewriter = HtmlRewriter::new(settings, |chunk: &[u8]| out.extend_from_slice(chunk));
    rewriter.write(html).ok()?;
    rewriter.end().ok()?;
    Some(out)
}

/// On a page drawn after a refusal: the refused form gets back what was typed; the cookie is dropped.
pub async fn refill_refused_form(State(secure): State<Secure>, req: Request<Body>, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let Some((action, fields)) = kept_fields(&req) else { return next.run(req).await };
    let res = next.run(req).await;
    let is_html = header_str(res.headers(), header::CONTENT_TYPE).starts_with("text/html");
    if !res.status().is_success() || !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(html) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).body(Body::empty()).unwrap_or_default();
    };
    let page = refill(&html, &action, &fields).unwrap_or_else(|| html.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(expired) = cookie_header("", 0, secure) {
        parts.headers.append(header::SET_COOKIE, expired);
    }
    Response::from_parts(parts, Body::from(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_not_kept_and_the_codice_fiscale_is() {
        let kept = cookie_value("/api/x", b"codice_fiscale=RSS&password=p&otp=123456&codice=999&note=a%20b&__csrf=t")
            .expect("kept");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&kept).expect("decodes");
        let names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["__azione", "codice_fiscale", "note"]);
        assert_eq!(pairs[2].1, "a b");
    }

    #[test]
    fn only_the_refused_form_is_filled_and_values_are_escaped() {
        let html = br#"<form action="/api/a"><input name="cf" type="text"><textarea name="t"></textarea><select name="s"><option value="1" selected>1</option><option value="2">2</option></select></form><form action="/api/b"><input name="cf"></form>"#;
        let fields = vec![
            ("cf".to_string(), "<x\"&amp;>".to_string()),
            ("t".to_string(), "a<b".to_string()),
            ("s".to_string(), "2".to_string()),
        ];
        let out = String::from_utf8(refill(html, "/api/a", &fields).expect("rewritten")).expect("utf8");
        // Inside a quoted attribute only the quote and the ampersand could end or change the value.
        assert!(out.contains(r#"<input name="cf" type="text" value="<x&quot;&amp;amp;>">"#), "{out}");
        assert!(out.contains("<textarea name=\"t\">a&lt;b</textarea>"), "{out}");
        assert!(out.contains(r#"<option value="1">1</option><option value="2" selected="">"#), "{out}");
        assert!(out.ends_with(r#"<form action="/api/b"><input name="cf"></form>"#), "{out}");
    }

    #[test]
    fn the_cookie_is_secure_where_the_session_is() {
        let secure = cookie_header("a=b", 120, Secure(true)).expect("header");
        assert!(secure.to_str().expect("ascii").ends_with("; Secure"));
        let plain = cookie_header("a=b", 120, Secure(false)).expect("header");
        assert!(!plain.to_str().expect("ascii").contains("Secure"));
    }

    #[test]
    fn a_long_text_beyond_the_budget_is_left_out() {
        let body = format!("cf=ABC&testo={}", "x".repeat(COOKIE_BUDGET + 10));
        let kept = cookie_value("/api/x", body.as_bytes()).expect("kept");
        assert!(kept.contains("cf=ABC") && !kept.contains("testo"));
    }
}
