//! What every request handler needs: the shared state and the caller's session cookie. Built from
//! Leptos' context in server functions and from the request parts in plain axum routes, so both
//! paths go through the same authorization.

use std::sync::Arc;

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use leptos::prelude::*;

use super::db::Db;
use super::identity::{SessionUser, session_user};
use crate::error::AppError;

/// Settings that change behaviour at run time (from the environment or the config file).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Demo mode shows the current TOTP code of demo accounts on the second-factor page.
    pub demo_mode: bool,
    /// `false` only by the explicit development setting for plain-http localhost: the cookie then
    /// loses `Secure` and the `__Host-` prefix (which requires it).
    pub secure_cookies: bool,
    /// First day on which only the Cassetto reaches the GDP services (circular §2.1).
    pub cutover: chrono::NaiveDate,
    /// A fixed "today" for the date rules (tests and demonstrations on either side of the cut-over);
    /// `None` follows the clock.
    pub today: Option<chrono::NaiveDate>,
    /// Which doors of `/accesso` are open (`CASSETTO_ACCESSO`).
    pub accesso: Accesso,
}

/// The ways in (`CASSETTO_ACCESSO`, comma-separated): `password` (codice fiscale, password and second factor,
/// for everyone: the demo), `personale` (the same, for the INPS staff only), `spid`, `cie`. Citizens and
/// businesses enter a public service through SPID or CIE; the password door stays for the INPS staff and the demo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accesso {
    pub password: PortaPassword,
    /// The SPID identity providers configured, in the configuration's order (the page shuffles them).
    pub spid: Vec<Fornitore>,
    pub cie: Option<Fornitore>,
}

/// Who may use the password door.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortaPassword {
    Tutti,
    SoloPersonale,
    Chiusa,
}

/// An identity provider as the login page names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fornitore {
    /// `[a-z0-9]{1,32}`, in the start route's path (`/accesso/spid/{id}`); `cie` for the CIE provider.
    pub id: String,
    pub nome: String,
    /// A logo under `public/` (a path such as `/accesso/idp-demo1.svg`), if the deployer put one there.
    pub logo: Option<String>,
}

impl Accesso {
    /// Today's behaviour: the password door only.
    pub fn solo_password() -> Accesso {
        Accesso { password: PortaPassword::Tutti, spid: Vec::new(), cie: None }
    }

    /// The provider of id `id` (`cie` for the CIE one).
    pub fn fornitore(&self, id: &str) -> Option<&Fornitore> {
        self.spid.iter().chain(self.cie.iter()).find(|f| f.id == id)
    }
}

impl Settings {
    /// Development defaults: demo mode, cookies without `Secure`, the circular's cut-over, real clock.
    pub fn development() -> Settings {
        Settings {
            demo_mode: true,
            secure_cookies: false,
            cutover: crate::domain::profili::default_cutover(),
            today: None,
            accesso: Accesso::solo_password(),
        }
    }

    /// Today's date in Italy, or the fixed date of the settings.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today.unwrap_or_else(|| crate::domain::time::rome_date(super::db::now_unix()))
    }
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn cookie_name(&self) -> &'static str {
        if self.settings.secure_cookies { "__Host-cassetto_session" } else { "cassetto_session" }
    }

    pub fn session_cookie(&self, token: &str) -> String {
        let secure = if self.settings.secure_cookies { "; Secure" } else { "" };
        format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", self.cookie_name())
    }

    pub fn expired_cookie(&self) -> String {
        let secure = if self.settings.secure_cookies { "; Secure" } else { "" };
        format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", self.cookie_name())
    }
}

pub struct RequestCtx {
    pub state: AppState,
    pub session_token: Option<String>,
    /// The peer address of the connection (axum's `ConnectInfo`, present when the server is run with
    /// `into_make_service_with_connect_info`), for the login throttle.
    pub client: Option<std::net::IpAddr>,
    memo: Option<SessionMemo>,
}

/// The session behind the cookie, looked up once per request. A page render runs several server functions
/// (the header's user, the position, the section), each authorizing on its own; they share this one lookup.
/// Provided per request by the page routes; without it (plain server function calls, axum routes) each
/// `authorize` looks the session up itself.
#[derive(Clone, Default)]
pub struct SessionMemo(Arc<tokio::sync::OnceCell<Option<SessionUser>>>);

impl SessionMemo {
    /// A memo already holding the session found by the page guard, so the page does not look it up again.
    pub fn resolved(user: Option<SessionUser>) -> SessionMemo {
        SessionMemo(Arc::new(tokio::sync::OnceCell::new_with(Some(user))))
    }
}

impl RequestCtx {
    pub fn from_parts(state: AppState, parts: &Parts) -> RequestCtx {
        let session_token = cookie_value(&parts.headers, state.cookie_name());
        let client = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|axum::extract::ConnectInfo(addr)| addr.ip());
        RequestCtx { state, session_token, client, memo: None }
    }

    /// The context of the current server function or page render.
    pub fn current() -> Result<RequestCtx, AppError> {
        let state = use_context::<AppState>().ok_or(AppError::Internal)?;
        let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
        let mut ctx = RequestCtx::from_parts(state, &parts);
        ctx.memo = parts.extensions.get::<SessionMemo>().cloned().or_else(use_context::<SessionMemo>);
        Ok(ctx)
    }

    /// The user of the session cookie, if it names a live session (any stage).
    pub async fn session_user(&self) -> anyhow::Result<Option<SessionUser>> {
        let Some(token) = self.session_token.as_deref() else {
            return Ok(None);
        };
        match &self.memo {
            Some(memo) => memo.0.get_or_try_init(|| session_user(self.db(), token)).await.cloned(),
            None => session_user(self.db(), token).await,
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }
}

/// The value of the cookie `name` in the request's headers: not empty, at most 128 bytes (ours are 64 hex digits;
/// anything longer is not ours).
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// Sets a `Set-Cookie` header on the response of the current server function.
pub fn set_cookie(cookie: &str) {
    if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(cookie)) {
        res.append_header(header::SET_COOKIE, value);
    }
}
