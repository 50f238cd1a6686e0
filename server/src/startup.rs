//! The router and its layers, built in one place (`app_router`) and used by `serve` and the tests.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use app::App;
use app::ssr::authorized;
use app::ssr::authz::{PositionAction, position_named};
use app::ssr::ctx::{AppState, RequestCtx, Settings};
use app::ssr::db::Db;
use app::ssr::outbox::MailSettings;
use app::ssr::redact;

use crate::shell::shell;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRef, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// How often the outbox worker looks for due messages. A notice's delay from the change that causes it is at most
/// this plus its delivery; the look is one indexed query, cheap enough to make often.
const OUTBOX_POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// How often, without a mail server, the outbox erases the delega codes that died while waiting.
const OUTBOX_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);

/// Largest request body accepted, but for the sending of a richiesta with files (its own limit).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// Upload bodies being read at once (see `crate::uploads`).
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// The SPID/CIE relying party, when a provider door is open.
    pub oidc: Option<Arc<crate::oidc::Rp>>,
}

/// A plain route's caller: the shared state and the session cookie (`RequestCtx`), as an argument of the route, so
/// a download reads `authorized(ctx, action, body)` and nothing else before its body.
pub struct Caller(pub RequestCtx);

impl axum::extract::FromRequestParts<ServerState> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &ServerState,
    ) -> Result<Caller, Self::Rejection> {
        Ok(Caller(RequestCtx::from_parts(state.app.clone(), parts)))
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn settings_from(config: &Config) -> anyhow::Result<Settings> {
    let date = |key: &str| -> anyhow::Result<Option<chrono::NaiveDate>> {
        config
            .get(key)
            .map(|v| {
                chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").with_context(|| format!("{key} must be YYYY-MM-DD"))
            })
            .transpose()
    };
    Ok(Settings {
        demo_mode: config.flag("CASSETTO_DEMO"),
        secure_cookies: !config.flag("CASSETTO_INSECURE_COOKIES"),
        cutover: date("CASSETTO_CUTOVER")?.unwrap_or_else(app::domain::profili::default_cutover),
        today: date("CASSETTO_TODAY")?,
        accesso: crate::oidc::config::Porte::from_config(config)?.accesso,
    })
}

/// Where mail, PEC and SMS go. Without `CASSETTO_SMTP_URL` the outbox keeps the messages until one is set;
/// without `CASSETTO_SMS_URL` (the gateway; `CASSETTO_SMS_PAYLOAD` its JSON template, `CASSETTO_SMS_TOKEN` a
/// bearer token) the SMS wait, retried.
pub fn mail_settings_from(config: &Config) -> Option<MailSettings> {
    let smtp_url = config.get("CASSETTO_SMTP_URL")?;
    Some(MailSettings {
        smtp_url,
        from_email: config.get("CASSETTO_MAIL_FROM").unwrap_or_else(|| "noreply@cassetto.example".into()),
        from_pec: config.get("CASSETTO_PEC_FROM").unwrap_or_else(|| "cassetto@postacert.cassetto.example".into()),
        pec_provider: config.get("CASSETTO_PEC_PROVIDER").unwrap_or_else(|| "postacert.cassetto.example".into()),
        public_url: public_url(config),
        sms: config.get("CASSETTO_SMS_URL").map(|url| app::ssr::outbox::sms::SmsGateway {
            url,
            template: config
                .get("CASSETTO_SMS_PAYLOAD")
                .unwrap_or_else(|| app::ssr::outbox::sms::DEFAULT_TEMPLATE.into()),
            token: config.get("CASSETTO_SMS_TOKEN"),
        }),
    })
}

/// The address the notices link to: `CASSETTO_PUBLIC_URL`, else the address the server listens on (right on a
/// developer's machine; a deployment behind a proxy sets its own).
pub fn public_url(config: &Config) -> String {
    let url = config.get("CASSETTO_PUBLIC_URL").unwrap_or_else(|| {
        format!("http://{}", config.get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_string()))
    });
    url.trim_end_matches('/').to_string()
}

/// Demo mode shows the seeded accounts' TOTP codes to anyone and seeds known passwords: it belongs on a developer's
/// machine. `serve` refuses it with secure cookies (a deployment) or on an address other than loopback, unless
/// `CASSETTO_DEMO_PUBLIC=1` says a second time that this is wanted.
pub fn check_demo_mode(settings: &Settings, addr: std::net::SocketAddr, demo_public: bool) -> anyhow::Result<()> {
    if !settings.demo_mode || demo_public {
        return Ok(());
    }
    if settings.secure_cookies {
        anyhow::bail!(
            "CASSETTO_DEMO=1 with secure cookies looks like a deployment: demo mode shows the demo accounts' \
             second-factor codes to anyone. Set CASSETTO_INSECURE_COOKIES=1 for a local demo, or \
             CASSETTO_DEMO_PUBLIC=1 to run a public demo on purpose"
        );
    }
    if !addr.ip().is_loopback() {
        anyhow::bail!(
            "CASSETTO_DEMO=1 on {addr}, which is not a loopback address: demo mode shows the demo accounts' \
             second-factor codes to anyone who reaches it. Listen on 127.0.0.1, or set CASSETTO_DEMO_PUBLIC=1 to \
             run a public demo on purpose"
        );
    }
    Ok(())
}

pub async fn serve(db: Db, config: &Config) -> anyhow::Result<()> {
    let settings = settings_from(config)?;
    if let Some(path) = config.file_path() {
        tracing::info!(file = %path.display(), "configuration read from a file (environment variables come first)");
    }
    let leptos_options = leptos_options()?;
    let addr = leptos_options.site_addr;
    check_demo_mode(&settings, addr, config.flag("CASSETTO_DEMO_PUBLIC"))?;
    if settings.demo_mode {
        let origin = config.origin("CASSETTO_DEMO").unwrap_or_default();
        tracing::warn!("**************************************************************************************");
        tracing::warn!("DEMO MODE (CASSETTO_DEMO, from {origin}): demo accounts with a published password, and");
        tracing::warn!("their second-factor codes shown on the login page. Never use this with real data.");
        tracing::warn!("**************************************************************************************");
    }
    prepare_spool(config)?;
    // Declarations whose import a stopped process left half stored (an hour is far longer than any import).
    let removed = app::ssr::dma::importazione::clean_incomplete(&db, app::ssr::db::now_unix() - 3600)
        .await
        .map_err(|e| anyhow::anyhow!("removing incomplete DMA imports: {e}"))?;
    if removed > 0 {
        tracing::warn!(removed, "removed DMA imports left incomplete");
    }
    match mail_settings_from(config) {
        Some(mail) => {
            tracing::info!(
                smtp = %redact::url(&mail.smtp_url),
                sms = %mail.sms.as_ref().map_or_else(|| "-".to_string(), |g| redact::url(&g.url)),
                "outbox worker delivering mail and PEC"
            );
            app::ssr::outbox::spawn_worker(db.clone(), mail, OUTBOX_POLL);
        }
        None => {
            tracing::warn!("CASSETTO_SMTP_URL not set: mail and PEC stay queued in the outbox");
            app::ssr::outbox::spawn_sweeper(db.clone(), OUTBOX_SWEEP);
        }
    }
    if settings.demo_mode && app::ssr::demo::is_empty(&db).await? {
        tracing::info!("empty database in demo mode: loading the demo data");
        app::ssr::demo::seed_demo(&db).await?;
    }
    let porte = crate::oidc::config::Porte::from_config(config)?;
    let rp = crate::oidc::config::relying_party(
        config,
        &porte,
        &public_url(config),
        settings.secure_cookies,
        settings.demo_mode,
    )?;
    if let Some(rp) = &rp {
        tracing::info!(client_id = %rp.client_id, "SPID/CIE relying party ready");
    }
    let router = app_router_with_oidc(AppState { db, settings: Arc::new(settings) }, leptos_options, rp.map(Arc::new));
    let router = match config.get("CASSETTO_BENCH_BASELINE") {
        Some(path) => bench_baseline(std::fs::read(&path).with_context(|| format!("reading {path}"))?).merge(router),
        None => router,
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    // The peer address reaches the handlers (`RequestCtx::client`): the login throttle counts by it.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The private spool directory of uploads (`CASSETTO_SPOOL_DIR`, else one per user in the temporary
/// directory): made private (0700) or refused, and swept of the files a crashed process left.
pub fn prepare_spool(config: &Config) -> anyhow::Result<()> {
    let dir = app::ssr::spool::configure(config.get("CASSETTO_SPOOL_DIR").map(std::path::PathBuf::from));
    app::ssr::spool::ensure_private(dir).with_context(|| format!("spool directory {}", dir.display()))?;
    let removed = app::ssr::spool::sweep(dir).with_context(|| format!("sweeping {}", dir.display()))?;
    tracing::info!(spool = %dir.display(), removed, "upload spool ready");
    Ok(())
}

/// Leptos options from `LEPTOS_*` variables (cargo-leptos sets them), with our defaults.
pub fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let mut options = get_configuration(None)?.leptos_options;
    // Set at build time by cargo-leptos; a plain `cargo build` leaves it empty.
    if options.output_name.is_empty() {
        options.output_name = "cassetto".into();
    }
    Ok(options)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

pub fn app_router(app_state: AppState, leptos_options: LeptosOptions) -> Router {
    app_router_with_oidc(app_state, leptos_options, None)
}

/// The router, with the SPID/CIE relying party when one is configured.
pub fn app_router_with_oidc(
    app_state: AppState,
    leptos_options: LeptosOptions,
    oidc: Option<Arc<crate::oidc::Rp>>,
) -> Router {
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
        uploads: Arc::new(tokio::sync::Semaphore::new(crate::uploads::MAX_CONCURRENT)),
        oidc,
    };
    let routes = ROUTES.clone();
    let guard = Arc::new(PageGuard {
        protected: routes.iter().map(|r| r.path().to_string()).filter(|p| !is_public_page(p)).collect(),
        app: app_state.clone(),
    });
    let page_state = app_state.clone();
    let secure = crate::valori::Secure(app_state.settings.secure_cookies);
    // Sending a richiesta with its files, and a tracciato, have larger body limits than forms.
    let uploads = Router::new()
        .route("/api/comunicazioni/nuova", post(crate::allegati::send_richiesta))
        .route("/api/contestazioni/{posizione}", post(crate::allegati::send_contestazione))
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(crate::allegati::MAX_UPLOAD_BODY));
    let dma = Router::new()
        .route("/api/dma/{posizione}", post(crate::dma::upload))
        .layer(DefaultBodyLimit::max(crate::dma::MAX_BODY))
        .layer(RequestBodyLimitLayer::new(crate::dma::MAX_BODY));
    let tracciati = Router::new()
        .route("/api/tracciati/{posizione}", post(crate::tracciati::send))
        .layer(DefaultBodyLimit::max(crate::tracciati::MAX_BODY))
        .layer(RequestBodyLimitLayer::new(crate::tracciati::MAX_BODY));
    let pages = Router::new()
        .route("/healthz", get(healthz))
        .merge(crate::oidc::routes())
        .route(DOWNLOADS[0], get(crate::allegati::download))
        .route(DOWNLOADS[1], get(crate::tracciati::receipt))
        .route(DOWNLOADS[2], get(crate::dma::errors_csv))
        .route(DOWNLOADS[3], get(crate::allegati::download_contestazione))
        .route(DOWNLOADS[4], get(export_csv))
        .route(DOWNLOADS[5], get(delega_pdf))
        .route(DOWNLOADS[6], get(fascicolo_pdf))
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(page_state.clone());
                provide_context(app::ssr::ctx::SessionMemo::default());
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<ServerState, _>(shell))
        .layer(middleware::from_fn_with_state(secure, crate::valori::remember_refused_form))
        .layer(middleware::from_fn_with_state(secure, crate::valori::refill_refused_form))
        .layer(middleware::from_fn_with_state(guard, page_guard))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES));
    pages
        .merge(uploads)
        .merge(tracciati)
        .merge(dma)
        .layer(middleware::from_fn(crate::boundary::text_guard))
        .layer(middleware::map_response(crate::boundary::unreadable_arguments_status))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(csrf_guard))
        .layer(middleware::from_fn(crate::boundary::italian_refusals))
        // Spans name the path only: a query may carry a provider's code and state (`/accesso/oidc/callback`).
        .layer(TraceLayer::new_for_http().make_span_with(
            |req: &Request<Body>| tracing::debug_span!("request", method = %req.method(), path = %req.uri().path()),
        ))
        .with_state(state)
}

/// `make bench`'s baseline (off unless `CASSETTO_BENCH_BASELINE` names a file): `GET /bench/baseline` answers
/// that file's bytes from memory through the same outer layers as the pages, so the ratio against a page
/// measures what rendering it costs.
fn bench_baseline(page: Vec<u8>) -> Router {
    let page = axum::body::Bytes::from(page);
    Router::new()
        .route(
            "/bench/baseline",
            get(move || {
                let page = page.clone();
                async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page) }
            }),
        )
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(csrf_guard))
        .layer(TraceLayer::new_for_http())
}

async fn server_fn_handler(State(state): State<ServerState>, req: Request<Body>) -> impl IntoResponse {
    let app_state = state.app.clone();
    handle_server_fns_with_context(move || provide_context(app_state.clone()), req).await
}

async fn healthz(State(state): State<ServerState>) -> Response {
    match sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(state.app.db.pool()).await {
        Ok(_) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], r#"{"status":"ok"}"#).into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"status":"unavailable"}"#,
            )
                .into_response()
        }
    }
}

async fn export_csv(
    Caller(ctx): Caller,
    Path((posizione, sezione)): Path<(String, String)>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    // The name is built from a validated position code and a known slug: plain ASCII.
    let csv = async {
        let code = position_named(&posizione)?;
        authorized(ctx, PositionAction::Read(&code), async |ctx, access| {
            app::ssr::cassetto::export::section_csv(&ctx, &access, &sezione, params).await
        })
        .await
    }
    .await;
    crate::responses::csv_download(csv)
}

/// The Fascicolo aziendale of a position, for whoever may read the position; each print is audited.
async fn fascicolo_pdf(Caller(ctx): Caller, Path(posizione): Path<String>) -> Response {
    let pdf = async {
        let code = position_named(&posizione)?;
        authorized(ctx, PositionAction::Read(&code), async |ctx, access| {
            app::ssr::fascicolo::print(&ctx, &access).await
        })
        .await
    }
    .await;
    crate::responses::download("application/pdf", pdf)
}

/// The printable delega form, for the parties to the delega.
async fn delega_pdf(Caller(ctx): Caller, Path(id): Path<app::model::DelegaId>) -> Response {
    use app::ssr::authz::DelegaAction;
    let result = authorized(ctx, DelegaAction::Read(id), async |ctx, access| {
        let (reference, pdf) = app::ssr::deleghe::form_pdf(ctx.db(), id).await?;
        let entry = app::ssr::audit::Entry {
            actor_user_id: Some(access.user.user_id),
            action: "delega.modulo_scaricato",
            subject: &format!("delega:{id}"),
            detail: &reference,
        };
        app::ssr::audit::record(ctx.db(), entry).await?;
        Ok((reference, pdf))
    })
    .await;
    // The reference is built from a number and a year: plain ASCII.
    let pdf = result.map(|(reference, pdf)| (format!("delega-{reference}.pdf"), pdf));
    crate::responses::download("application/pdf", pdf)
}

/// The pages anyone may open without logging in (Leptos paths in axum's syntax). Every other page of the app's
/// route list is protected: `page_guard` sends an anonymous visitor to the login. A new page is protected
/// unless it is added here; `server/tests/api/authz.rs` walks the whole list.
pub const PUBLIC_PAGES: &[&str] = &[
    "/",
    "/accesso",
    "/accesso/codice",
    // Where a SPID/CIE session's logout goes on to the provider: the session has already ended.
    "/accesso/uscita",
    "/supporto",
    "/supporto/{pagina}",
    // The footer's pages every PA site carries.
    "/privacy",
    "/accessibilita",
    "/note-legali",
    "/contatti",
];

/// The plain GET routes that answer a file. Each may write an audit row (a print, a Fascicolo Elettronico
/// reading, a download of attachments), so each answers only a request made from our own pages (see
/// `same_site_fetch`). Routed by these very strings, so the list cannot miss one.
/// `/cassetto/{posizione}/fascicolo.pdf` sits beside the position's pages (a static segment wins over the page
/// route's `{sezione}`); `/fascicolo/{posizione}.pdf` cannot be routed: matchit has no suffixes after a parameter.
pub const DOWNLOADS: [&str; 7] = [
    "/comunicazioni/{id}/allegati.zip",
    "/ricevute/{posizione}/{id}",
    "/esporta-errori/{posizione}/{id}",
    "/contestazioni/{id}/allegati.zip",
    "/esporta/{posizione}/{sezione}",
    "/deleghe/{id}/modulo.pdf",
    "/cassetto/{posizione}/fascicolo.pdf",
];

/// The pages whose rendering is itself an audited reading (the operator's Fascicolo Elettronico): guarded
/// like the downloads.
const AUDITED_PAGES: &str = "/backoffice/fascicolo/";

/// The app's page routes, generated once per process. Generating them sets a process-wide flag in
/// leptos_server that parks, for good, any resource first polled while it is set (upstream issue 4773): a
/// second generation while another router of the same process renders a page (the tests start one router
/// per test, in parallel) stalled that page's response. Once, before any router exists, nothing renders yet.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// The app's page routes (axum syntax), each with whether it needs a login.
pub fn page_routes() -> Vec<(String, bool)> {
    ROUTES.iter().map(|r| (r.path().to_string(), !is_public_page(r.path()))).collect()
}

fn is_public_page(path: &str) -> bool {
    PUBLIC_PAGES.contains(&path)
}

/// Whether `path` is matched by the route `pattern` (`{name}` takes one non-empty segment).
fn route_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.trim_end_matches('/').split('/');
    let mut path = path.trim_end_matches('/').split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with('{') && p.ends_with('}') && !s.is_empty() => {}
            (Some(p), Some(s)) if p == s => {}
            _ => return false,
        }
    }
}

struct PageGuard {
    /// The page routes that need a login.
    protected: Vec<String>,
    app: AppState,
}

/// Before any page renders: an anonymous visitor (or one halfway through the login) of a protected page is
/// sent to the login with `next=` (path and query), the same answer for every page, so no page's menu or
/// shape leaks; and a download or Fascicolo Elettronico page asked for by another site is refused before it
/// can write an audit row. The session found is handed to the page (one lookup per request). Server
/// functions (`/api/…`) are not pages: they keep answering 401 in JSON.
async fn page_guard(State(guard): State<Arc<PageGuard>>, req: Request<Body>, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let path = req.uri().path();
    let download = DOWNLOADS.iter().any(|d| route_matches(d, path));
    let audited = download || path.starts_with(AUDITED_PAGES);
    // A download is not a page even where a page's pattern would match it (axum routes the static segment of
    // `/cassetto/{posizione}/fascicolo.pdf` before the page's `{sezione}`): it answers 401 like a server function.
    let protected = !download && guard.protected.iter().any(|p| route_matches(p, path));
    let (mut parts, body) = req.into_parts();
    let mut session = None;
    if protected {
        let ctx = RequestCtx::from_parts(guard.app.clone(), &parts);
        let user = match ctx.session_user().await {
            Ok(user) => user.filter(|u| u.stage == app::ssr::identity::Stage::Active),
            Err(err) => {
                tracing::error!(error = ?err, "session lookup failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, "Si è verificato un errore interno. Riprovi più tardi.")
                    .into_response();
            }
        };
        if user.is_none() {
            let here = parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
            let location = format!("/accesso?next={}", app::model::url_encode(here));
            return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
        }
        session = Some(user);
    }
    if audited && !same_site_fetch(&parts.headers) {
        tracing::warn!(path = %parts.uri.path(), "cross-site download refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Per sicurezza questo documento si apre solo dalle pagine del Cassetto: torni alla pagina e lo riapra da lì.",
        )
            .into_response();
    }
    if let Some(user) = session {
        parts.extensions.insert(app::ssr::ctx::SessionMemo::resolved(user));
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A request a browser made from our own pages (`Sec-Fetch-Site: same-origin`) or by the user's own hand
/// (`none`: typed, bookmarked). A browser without Fetch Metadata must show a Referer of this site (our
/// `Referrer-Policy: same-origin` sends it on our own links); a request with neither is refused, since a
/// hostile page can suppress the Referer of a cross-site one.
fn same_site_fetch(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let referer_host = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default());
    matches!((host, referer_host), (Some(h), Some(r)) if !h.is_empty() && h == r)
}

/// Refuses state-changing requests that a browser marks as cross-site (CSRF), by `Sec-Fetch-Site`
/// or, for browsers without it, by `Origin` against `Host`.
async fn csrf_guard(req: Request<Body>, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) && is_cross_site(req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return crate::boundary::refusal(
            req.headers(),
            StatusCode::FORBIDDEN,
            "Richiesta non consentita da un altro sito.".into(),
        );
    }
    next.run(req).await
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
            origin == "null" || origin_host != host
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Security headers on every response; `no-store` on everything but the static, impersonal assets.
async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; object-src 'none'"),
        );
    }
    let is_static = path.starts_with("/pkg/") || path.starts_with("/vendor/") || path == "/favicon.svg";
    // Our public keys, which the providers may cache (the route says for how long).
    let public_keys = path == "/oidc/jwks.json" && h.contains_key(header::CACHE_CONTROL);
    if !is_static && !public_keys {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
