//! «Entra con SPID» / «Entra con CIE»: the Cassetto as a relying party of the SPID/CIE OpenID Connect profile
//! (docs/design/spid-cie-oidc.md; README, "SPID e CIE"). Authorization code flow with PKCE S256, the request
//! sent as a signed request object, `private_key_jwt` at the token endpoint, the ID token and the userinfo (a JWE
//! wrapping a JWS) verified against the provider's published keys. All JOSE work is josekit's; what is ours is
//! which claims must hold.
//!
//! Nothing of a provider's answer is trusted before it is checked, and no token is kept: the access token is
//! revoked as soon as the userinfo is read. The person is their codice fiscale (`fiscal_number`), never the
//! provider's `sub`. INPS roles are never reached this way.

pub mod config;
pub mod keys;
mod provider;

use std::collections::HashMap;

use anyhow::Context;
use app::ssr::audit::{self, Entry};
use app::ssr::ctx::AppState;
use app::ssr::db::now_unix;
use app::ssr::identity::{self, ProviderUser, Stage};
use app::ssr::oidc::{Tentativo, prendi_tentativo, salva_tentativo};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use josekit::jwt::JwtPayload;
use rand::RngCore;
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha512};

pub use config::{FornitoreOidc, Tipo};
use provider::Metadati;

use crate::startup::ServerState;

/// The levels of assurance, as the `acr` values of the SPID/CIE profile name them.
pub const SPID_L1: &str = "https://www.spid.gov.it/SpidL1";
pub const SPID_L2: &str = "https://www.spid.gov.it/SpidL2";
pub const SPID_L3: &str = "https://www.spid.gov.it/SpidL3";
/// The claim of the codice fiscale (`TINIT-<codice fiscale>`).
pub const FISCAL_NUMBER: &str = "https://attributes.eid.gov.it/fiscal_number";

/// The path the providers send the browser back to.
pub const CALLBACK_PATH: &str = "/accesso/oidc/callback";
/// Clock difference tolerated with a provider, on `iat`, `nbf` and `exp`.
const SKEW_SECONDS: i64 = 60;
/// Lifetime of the request object and of a client assertion.
const ASSERTION_SECONDS: i64 = 60;
/// RFC 7523: a client authenticated by a JWT it signed (`private_key_jwt`).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The relying party: who we are to the providers, our keys, the providers configured, and what we cached of them.
pub struct Rp {
    pub client_id: String,
    pub public_url: String,
    keys: keys::RpKeys,
    fornitori: Vec<FornitoreOidc>,
    /// 2 or 3: the lowest SPID level accepted.
    livello_minimo: u8,
    secure_cookies: bool,
    cache: provider::Cache,
}

impl std::fmt::Debug for Rp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rp").field("client_id", &self.client_id).field("fornitori", &self.fornitori).finish()
    }
}

impl Rp {
    pub fn new(
        client_id: String,
        public_url: String,
        keys: keys::RpKeys,
        fornitori: Vec<FornitoreOidc>,
        livello_minimo: u8,
        secure_cookies: bool,
    ) -> anyhow::Result<Rp> {
        Ok(Rp {
            client_id,
            public_url,
            keys,
            fornitori,
            livello_minimo,
            secure_cookies,
            cache: provider::Cache::new()?,
        })
    }

    pub fn redirect_uri(&self) -> String {
        format!("{}{CALLBACK_PATH}", self.public_url)
    }

    fn post_logout_redirect_uri(&self) -> String {
        format!("{}/accesso?uscita=1", self.public_url)
    }

    fn fornitore(&self, id: &str) -> Option<&FornitoreOidc> {
        self.fornitori.iter().find(|f| f.id == id)
    }

    /// The `acr_values` asked for, preferred first.
    fn acr_values(&self) -> &'static str {
        if self.livello_minimo >= 3 { SPID_L3 } else { "https://www.spid.gov.it/SpidL2 https://www.spid.gov.it/SpidL3" }
    }

    fn livello_sufficiente(&self, acr: &str) -> bool {
        match acr {
            SPID_L3 => true,
            SPID_L2 => self.livello_minimo <= 2,
            _ => false,
        }
    }

    /// Signs `claims` as a JWT with our current signing key.
    fn firma(&self, claims: Value) -> anyhow::Result<String> {
        let Value::Object(map) = claims else { anyhow::bail!("claims must be an object") };
        let payload = JwtPayload::from_map(map)?;
        let (signer, kid) = self.keys.signer()?;
        let mut header = josekit::jws::JwsHeader::new();
        header.set_token_type("JWT");
        header.set_key_id(kid);
        Ok(josekit::jwt::encode_with_signer(&payload, &header, signer.as_ref())?)
    }

    /// The client assertion of `private_key_jwt` for the endpoint `audience`.
    fn client_assertion(&self, audience: &str) -> anyhow::Result<String> {
        let now = now_unix();
        self.firma(json!({
            "iss": self.client_id, "sub": self.client_id, "aud": audience,
            "iat": now, "exp": now + ASSERTION_SECONDS, "jti": random_hex(16),
        }))
    }

    /// The browser's binding cookie of a login under way (sent back on the provider's cross-site redirect, so
    /// `SameSite=Lax`).
    fn binding_cookie_name(&self) -> &'static str {
        if self.secure_cookies { "__Host-cassetto_oidc" } else { "cassetto_oidc" }
    }

    fn binding_cookie(&self, value: &str, max_age: i64) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}", self.binding_cookie_name())
    }
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf
}

fn random_hex(bytes: usize) -> String {
    hex::encode(random_bytes(bytes))
}

/// `url` with `query` appended, whether or not it already has a query of its own.
fn with_query(url: &str, query: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{query}")
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

fn not_configured() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Questo gestore dell'identità non è configurato.",
    )
        .into_response()
}

/// `GET /accesso/spid/{fornitore}`.
pub async fn avvia_spid(
    State(state): State<ServerState>,
    Path(fornitore): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    avvia(state, Tipo::Spid, &fornitore, query.get("next").map(String::as_str)).await
}

/// `GET /accesso/cie`.
pub async fn avvia_cie(State(state): State<ServerState>, Query(query): Query<HashMap<String, String>>) -> Response {
    avvia(state, Tipo::Cie, "cie", query.get("next").map(String::as_str)).await
}

/// The start: an attempt bound to this browser, then the browser goes to the provider with a signed request.
async fn avvia(state: ServerState, tipo: Tipo, id: &str, next: Option<&str>) -> Response {
    let Some(rp) = state.oidc.clone() else { return not_configured() };
    let Some(fornitore) = rp.fornitore(id).filter(|f| f.tipo == tipo).cloned() else { return not_configured() };
    match avvia_presso(&state.app, &rp, &fornitore, next).await {
        Ok(res) => res,
        Err(err) => {
            tracing::warn!(fornitore = %fornitore.id, error = %err, "identity provider unavailable");
            redirect("/accesso?errore=spid_non_disponibile")
        }
    }
}

async fn avvia_presso(
    app: &AppState,
    rp: &Rp,
    fornitore: &FornitoreOidc,
    next: Option<&str>,
) -> anyhow::Result<Response> {
    let meta = rp.cache.metadati(fornitore).await?;
    let tentativo = Tentativo {
        state: random_hex(32),
        provider: fornitore.id.clone(),
        issuer: fornitore.issuer.clone(),
        nonce: random_hex(32),
        pkce_verifier: b64url(&random_bytes(32)),
        next: app::api::auth::safe_next(next),
    };
    let browser = random_hex(32);
    salva_tentativo(&app.db, &browser, &tentativo).await?;
    let challenge = b64url(&Sha256::digest(tentativo.pkce_verifier.as_bytes()));
    let now = now_unix();
    // SPID goes by the request object where it and the query disagree: both are made from these values.
    let request = rp.firma(json!({
        "iss": rp.client_id, "aud": meta.issuer, "iat": now, "exp": now + ASSERTION_SECONDS, "jti": random_hex(16),
        "client_id": rp.client_id, "response_type": "code", "scope": "openid",
        "redirect_uri": rp.redirect_uri(), "state": tentativo.state, "nonce": tentativo.nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
        "prompt": "consent login", "acr_values": rp.acr_values(), "ui_locales": "it",
        "claims": { "userinfo": {
            FISCAL_NUMBER: { "essential": true }, "given_name": null, "family_name": null, "email": null,
        }},
    }))?;
    let query = serde_urlencoded::to_string([
        ("client_id", rp.client_id.as_str()),
        ("response_type", "code"),
        ("scope", "openid"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("request", request.as_str()),
    ])?;
    let location = with_query(&meta.authorization_endpoint, &query);
    Ok(with_cookie(redirect(&location), &rp.binding_cookie(&browser, app::ssr::oidc::ATTEMPT_SECONDS)))
}

/// Why a provider login was refused: the audit's words, and the page's message code.
#[derive(Debug)]
struct Rifiuto {
    motivo: String,
    errore: &'static str,
    subject: Option<String>,
    user_id: Option<i64>,
}

impl Rifiuto {
    fn new(errore: &'static str, motivo: impl Into<String>) -> Rifiuto {
        Rifiuto { motivo: motivo.into(), errore, subject: None, user_id: None }
    }

    fn risposta(motivo: impl std::fmt::Display) -> Rifiuto {
        Rifiuto::new("spid_fallito", motivo.to_string())
    }

    /// A refusal of the account the answer named (audited as that user's).
    fn dell_utente(errore: &'static str, motivo: &str, codice_fiscale: &str, user_id: i64) -> Rifiuto {
        Rifiuto {
            motivo: motivo.into(),
            errore,
            subject: Some(format!("utente:{codice_fiscale}")),
            user_id: Some(user_id),
        }
    }
}

impl From<anyhow::Error> for Rifiuto {
    fn from(err: anyhow::Error) -> Rifiuto {
        Rifiuto::risposta(format!("{err:#}"))
    }
}

impl From<sqlx::Error> for Rifiuto {
    fn from(err: sqlx::Error) -> Rifiuto {
        Rifiuto::from(anyhow::Error::from(err))
    }
}

/// A parameter of the provider's answer: present, not empty, not absurdly long.
fn param<'a>(query: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    query.get(key).map(String::as_str).filter(|v| !v.is_empty() && v.len() <= 4096)
}

/// Printable characters only, at most `max` of them: what an audit row may keep of a provider's words.
fn stampabile(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

/// `GET /accesso/oidc/callback`: the provider's answer.
pub async fn callback(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(rp) = state.oidc.clone() else { return not_configured() };
    let cookie = app::ssr::ctx::cookie_value(&headers, rp.binding_cookie_name());
    let clear = rp.binding_cookie("", 0);
    // (1) The attempt: this browser's, not expired, taken once.
    let tentativo = match (cookie.as_deref(), param(&query, "state")) {
        (Some(cookie), Some(st)) => prendi_tentativo(&state.app.db, cookie, st).await,
        _ => Ok(None),
    };
    let tentativo = match tentativo {
        Ok(Some(t)) => t,
        Ok(None) => {
            let rifiuto = Rifiuto::new("spid_scaduto", "stato assente, scaduto, già usato o di un altro browser");
            return with_cookie(rifiuta(&state.app, None, rifiuto).await, &clear);
        }
        Err(err) => {
            tracing::error!(error = %err, "reading the login attempt");
            return with_cookie(redirect("/accesso?errore=spid_fallito"), &clear);
        }
    };
    let Some(fornitore) = rp.fornitore(&tentativo.provider).cloned() else {
        let rifiuto = Rifiuto::new("spid_fallito", "fornitore non più configurato");
        return with_cookie(rifiuta(&state.app, None, rifiuto).await, &clear);
    };
    let res = match completa(&state.app, &rp, &fornitore, &tentativo, &query).await {
        Ok(res) => res,
        Err(rifiuto) => rifiuta(&state.app, Some(&fornitore), rifiuto).await,
    };
    with_cookie(res, &clear)
}

/// Audits a refusal (never a code, token, state or nonce) and sends the browser to the login with its message.
async fn rifiuta(app: &AppState, fornitore: Option<&FornitoreOidc>, rifiuto: Rifiuto) -> Response {
    let origine = fornitore.map_or_else(|| "oidc".to_string(), FornitoreOidc::sessione);
    let subject =
        rifiuto.subject.clone().unwrap_or_else(|| format!("fornitore:{}", fornitore.map_or("?", |f| f.id.as_str())));
    let detail = format!("{origine}: {}", stampabile(&rifiuto.motivo, 300));
    tracing::warn!(%subject, %detail, "identity provider login refused");
    let entry = Entry { actor_user_id: rifiuto.user_id, action: "accesso.negato", subject: &subject, detail: &detail };
    if let Err(err) = audit::record(&app.db, entry).await {
        tracing::error!(error = ?err, "auditing a refused provider login");
    }
    redirect(&format!("/accesso?errore={}", rifiuto.errore))
}

/// The claims of the ID token we rely on.
#[derive(serde::Deserialize)]
struct IdToken {
    iss: String,
    #[serde(default)]
    aud: Audience,
    azp: Option<String>,
    exp: i64,
    iat: i64,
    nbf: Option<i64>,
    nonce: Option<String>,
    acr: Option<String>,
    at_hash: Option<String>,
    sub: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(untagged)]
enum Audience {
    #[default]
    Nessuna,
    Una(String),
    Molte(Vec<String>),
}

impl Audience {
    fn list(&self) -> Vec<&str> {
        match self {
            Audience::Nessuna => Vec::new(),
            Audience::Una(a) => vec![a.as_str()],
            Audience::Molte(a) => a.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    id_token: String,
    token_type: Option<String>,
}

/// Steps (2) to (9) of the callback, once the attempt is ours.
async fn completa(
    app: &AppState,
    rp: &Rp,
    fornitore: &FornitoreOidc,
    tentativo: &Tentativo,
    query: &HashMap<String, String>,
) -> Result<Response, Rifiuto> {
    let param = |k: &str| param(query, k);
    let meta = rp.cache.metadati(fornitore).await?;
    // (2) An error answer.
    if let Some(error) = param("error") {
        let description = param("error_description").map(|d| stampabile(d, 200)).unwrap_or_default();
        let errore = if error == "access_denied" { "spid_annullato" } else { "spid_fallito" };
        return Err(Rifiuto::new(errore, format!("errore del fornitore {}: {description}", stampabile(error, 64))));
    }
    // (3) The issuer of the answer (RFC 9207, against mix-up): checked whenever given, required when advertised.
    match param("iss") {
        Some(iss) if iss != meta.issuer => return Err(Rifiuto::risposta("iss della risposta diverso dal fornitore")),
        None if meta.authorization_response_iss_parameter_supported => {
            return Err(Rifiuto::risposta("iss della risposta assente"));
        }
        _ => {}
    }
    let code = param("code").ok_or_else(|| Rifiuto::risposta("codice assente"))?;
    // (4) The token endpoint, authenticated by our signed assertion.
    let assertion = rp.client_assertion(&meta.token_endpoint)?;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", &rp.redirect_uri()),
        ("code_verifier", &tentativo.pkce_verifier),
        ("client_id", &rp.client_id),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", &assertion),
    ];
    let body = rp.cache.post_form(&meta.token_endpoint, &form).await.context("token endpoint")?;
    let token: TokenResponse = serde_json::from_slice(&body).context("token response")?;
    if !token.token_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("bearer")) {
        return Err(Rifiuto::risposta("token_type non Bearer"));
    }
    // (5) The ID token.
    let (claims, alg) = rp.cache.verifica_jws(&meta, &token.id_token).await.context("firma dell'ID token")?;
    let id: IdToken = serde_json::from_value(Value::Object(claims)).context("claim dell'ID token")?;
    verifica_id_token(rp, &meta, tentativo, &id, &alg, &token.access_token)?;
    let acr = id.acr.clone().unwrap_or_default();
    // A missing `acr` is no level at all: refused here like level 1.
    if !rp.livello_sufficiente(&acr) {
        return Err(Rifiuto::new("spid_livello", format!("livello insufficiente: {}", stampabile(&acr, 64))));
    }
    // (6) The userinfo: a JWE to our key, wrapping a JWS of the provider.
    let persona = leggi_userinfo(rp, &meta, &token.access_token, &id.sub).await;
    // (7) No provider token is kept: revoked at once, whatever the userinfo said.
    if let Some(endpoint) = meta.revocation_endpoint.as_deref()
        && let Err(err) = revoca(rp, endpoint, &token.access_token).await
    {
        tracing::warn!(fornitore = %fornitore.id, error = %err, "revoking the access token");
        let subject = format!("fornitore:{}", fornitore.id);
        let detail = stampabile(&format!("{err:#}"), 200);
        let entry =
            Entry { actor_user_id: None, action: "fornitore.revoca_fallita", subject: &subject, detail: &detail };
        let _ = audit::record(&app.db, entry).await;
    }
    let persona = persona?;
    // (8) The person, by codice fiscale.
    let subject = format!("utente:{}", persona.codice_fiscale);
    let account = identity::provider_user(&app.db, &persona.codice_fiscale, &persona.nome, persona.email.as_deref())
        .await
        .map_err(Rifiuto::from)?;
    let origine = fornitore.sessione();
    let livello = acr.rsplit('/').next().unwrap_or_default().to_string();
    let cf = persona.codice_fiscale.as_str();
    let (user_id, role) = match account {
        ProviderUser::InpsStaff(id) => {
            let motivo = "ruolo INPS: si accede con le credenziali dell'Istituto";
            return Err(Rifiuto::dell_utente("spid_personale", motivo, cf, id));
        }
        ProviderUser::Disabled(id) => {
            return Err(Rifiuto::dell_utente("spid_disabilitato", "utenza disabilitata", cf, id));
        }
        ProviderUser::Enter { user_id, role, created } => {
            if created {
                let entry = Entry {
                    actor_user_id: Some(user_id),
                    action: "utente.creato",
                    subject: &subject,
                    detail: &origine,
                };
                audit::record(&app.db, entry).await.map_err(Rifiuto::from)?;
            }
            (user_id, role)
        }
    };
    // (9) The session: SPID level 2 is two factors already, so no TOTP step.
    let token =
        identity::start_session(&app.db, user_id, Stage::Active, None, Some(&origine)).await.map_err(Rifiuto::from)?;
    let detail = format!("{origine} {livello}");
    let entry = Entry { actor_user_id: Some(user_id), action: "accesso", subject: &subject, detail: &detail };
    audit::record(&app.db, entry).await.map_err(Rifiuto::from)?;
    let target = tentativo.next.clone().unwrap_or_else(|| role.home().to_string());
    Ok(with_cookie(redirect(&target), &app.session_cookie(&token)))
}

/// The checks of an ID token whose signature held: issuer, audience, times, nonce, `at_hash` (the level, `acr`,
/// is the caller's).
fn verifica_id_token(
    rp: &Rp,
    meta: &Metadati,
    tentativo: &Tentativo,
    id: &IdToken,
    alg: &str,
    access_token: &str,
) -> Result<(), Rifiuto> {
    let now = now_unix();
    if id.iss != meta.issuer || id.iss != tentativo.issuer {
        return Err(Rifiuto::risposta("iss dell'ID token"));
    }
    let audience = id.aud.list();
    if !audience.contains(&rp.client_id.as_str()) {
        return Err(Rifiuto::risposta("aud dell'ID token"));
    }
    if audience.len() > 1 && id.azp.as_deref() != Some(rp.client_id.as_str()) {
        return Err(Rifiuto::risposta("azp dell'ID token"));
    }
    if id.exp + SKEW_SECONDS <= now || id.iat > now + SKEW_SECONDS || id.nbf.is_some_and(|n| n > now + SKEW_SECONDS) {
        return Err(Rifiuto::risposta("ID token scaduto o non ancora valido"));
    }
    if id.nonce.as_deref() != Some(tentativo.nonce.as_str()) {
        return Err(Rifiuto::risposta("nonce dell'ID token"));
    }
    let expected = at_hash(alg, access_token).ok_or_else(|| Rifiuto::risposta("algoritmo dell'ID token"))?;
    if id.at_hash.as_deref() != Some(expected.as_str()) {
        return Err(Rifiuto::risposta("at_hash dell'ID token"));
    }
    Ok(())
}

/// OpenID Connect Core 3.1.3.6: the left half of the hash of the access token, by the ID token's algorithm.
fn at_hash(alg: &str, access_token: &str) -> Option<String> {
    let digest: Vec<u8> = match alg {
        "RS256" | "PS256" | "ES256" => Sha256::digest(access_token.as_bytes()).to_vec(),
        "RS512" | "PS512" | "ES512" => Sha512::digest(access_token.as_bytes()).to_vec(),
        _ => return None,
    };
    Some(b64url(&digest[..digest.len() / 2]))
}

/// Who the provider says the person is.
struct Persona {
    codice_fiscale: String,
    nome: String,
    email: Option<String>,
}

async fn leggi_userinfo(rp: &Rp, meta: &Metadati, access_token: &str, sub: &str) -> Result<Persona, Rifiuto> {
    let body = rp.cache.get_bearer(&meta.userinfo_endpoint, access_token).await.context("userinfo")?;
    let text = std::str::from_utf8(&body).map_err(|_| Rifiuto::risposta("userinfo non testuale"))?.trim();
    if text.split('.').count() != 5 {
        return Err(Rifiuto::risposta("userinfo non cifrata (attesa JWE)"));
    }
    let decrypters = rp.keys.decrypters()?;
    let (inner, header) = josekit::jwe::deserialize_compact_with_selector(text, |h| {
        Ok(decrypters.iter().find(|(kid, _)| h.key_id().is_none_or(|k| k == kid)).map(|(_, d)| d.as_ref()))
    })
    .map_err(|e| Rifiuto::risposta(format!("userinfo: decifratura: {e}")))?;
    if !matches!(header.algorithm(), Some("RSA-OAEP" | "RSA-OAEP-256")) {
        return Err(Rifiuto::risposta("userinfo: algoritmo di cifratura"));
    }
    let inner = std::str::from_utf8(&inner).map_err(|_| Rifiuto::risposta("userinfo: contenuto non testuale"))?;
    let (claims, _) = rp.cache.verifica_jws(meta, inner).await.context("firma della userinfo")?;
    let claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    if claim("iss").as_deref() != Some(meta.issuer.as_str()) {
        return Err(Rifiuto::risposta("userinfo: iss"));
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == &rp.client_id,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(rp.client_id.as_str())),
        _ => false,
    };
    if !aud_ok {
        return Err(Rifiuto::risposta("userinfo: aud"));
    }
    if claim("sub").as_deref() != Some(sub) {
        return Err(Rifiuto::risposta("userinfo: sub diverso dall'ID token"));
    }
    let fiscal = claim(FISCAL_NUMBER).ok_or_else(|| Rifiuto::risposta("userinfo senza codice fiscale"))?;
    let codice_fiscale = codice_fiscale_di(&fiscal).ok_or_else(|| Rifiuto::risposta("codice fiscale non valido"))?;
    let nome = [claim("given_name"), claim("family_name")]
        .into_iter()
        .flatten()
        .map(|s| stampabile(s.trim(), 100))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let email = claim("email").map(|e| stampabile(e.trim(), 254)).filter(|e| e.contains('@'));
    Ok(Persona { nome: if nome.is_empty() { codice_fiscale.clone() } else { nome }, codice_fiscale, email })
}

/// `TINIT-<codice fiscale>` → the codice fiscale of a person (16 characters, check character verified).
pub fn codice_fiscale_di(fiscal_number: &str) -> Option<String> {
    let cf = fiscal_number.strip_prefix("TINIT-")?;
    app::domain::codice_fiscale::CodiceFiscale::parse_person(cf).ok().map(|cf| cf.as_str().to_string())
}

async fn revoca(rp: &Rp, endpoint: &str, access_token: &str) -> anyhow::Result<()> {
    let assertion = rp.client_assertion(endpoint)?;
    let form = [
        ("token", access_token),
        ("token_type_hint", "access_token"),
        ("client_id", rp.client_id.as_str()),
        ("client_assertion_type", JWT_BEARER),
        ("client_assertion", assertion.as_str()),
    ];
    rp.cache.post_form(endpoint, &form).await.map(|_| ())
}

/// `GET /accesso/oidc/uscita/{fornitore}`: on to the provider's logout (RP-initiated), with an address built
/// from configuration only; back to `/accesso?uscita=1` where the provider offers none.
pub async fn uscita(State(state): State<ServerState>, Path(fornitore): Path<String>) -> Response {
    let Some(rp) = state.oidc.clone() else { return redirect("/accesso?uscita=1") };
    let Some(fornitore) = rp.fornitore(&fornitore).cloned() else { return redirect("/accesso?uscita=1") };
    let end_session = match rp.cache.metadati(&fornitore).await {
        Ok(meta) => meta.end_session_endpoint,
        Err(err) => {
            tracing::warn!(fornitore = %fornitore.id, error = %err, "identity provider unavailable at logout");
            None
        }
    };
    let Some(end_session) = end_session else { return redirect("/accesso?uscita=1") };
    let query = serde_urlencoded::to_string([
        ("client_id", rp.client_id.as_str()),
        ("post_logout_redirect_uri", rp.post_logout_redirect_uri().as_str()),
        ("state", random_hex(16).as_str()),
        ("ui_locales", "it"),
    ]);
    match query {
        Ok(query) => redirect(&with_query(&end_session, &query)),
        Err(_) => redirect("/accesso?uscita=1"),
    }
}

/// `GET /oidc/jwks.json`: our public keys, for the providers (cacheable for five minutes).
pub async fn jwks(State(state): State<ServerState>) -> Response {
    let Some(rp) = state.oidc.clone() else { return not_configured() };
    match rp.keys.public_jwks() {
        Ok(jwks) => (
            [(header::CONTENT_TYPE, "application/jwk-set+json"), (header::CACHE_CONTROL, "public, max-age=300")],
            jwks.to_string(),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "publishing the JWKS");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /oidc/metadati-rp.json`: what to hand a provider to register the Cassetto (static metadata).
pub async fn metadati_rp(State(state): State<ServerState>) -> Response {
    let Some(rp) = state.oidc.clone() else { return not_configured() };
    let metadata = json!({
        "client_id": rp.client_id,
        "client_name": "Cassetto previdenziale del contribuente",
        "redirect_uris": [rp.redirect_uri()],
        "post_logout_redirect_uris": [rp.post_logout_redirect_uri()],
        "jwks_uri": format!("{}/oidc/jwks.json", rp.public_url),
        "response_types": ["code"],
        "grant_types": ["authorization_code"],
        "token_endpoint_auth_method": "private_key_jwt",
        "token_endpoint_auth_signing_alg": "RS256",
        "request_object_signing_alg": "RS256",
        "id_token_signed_response_alg": "RS256",
        "userinfo_signed_response_alg": "RS256",
        "userinfo_encrypted_response_alg": "RSA-OAEP-256",
        "userinfo_encrypted_response_enc": "A256CBC-HS512",
        "default_acr_values": rp.acr_values().split(' ').collect::<Vec<_>>(),
    });
    ([(header::CONTENT_TYPE, "application/json")], metadata.to_string()).into_response()
}

/// The routes of the SPID/CIE doors, merged into the app's router (they answer 404 where no provider is configured).
pub fn routes() -> axum::Router<ServerState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/accesso/spid/{fornitore}", get(avvia_spid))
        .route("/accesso/cie", get(avvia_cie))
        .route(CALLBACK_PATH, get(callback))
        .route("/accesso/oidc/uscita/{fornitore}", get(uscita))
        .route("/oidc/jwks.json", get(jwks))
        .route("/oidc/metadati-rp.json", get(metadati_rp))
}

/// Where a provider session came from, as sessions and audit rows name it.
impl FornitoreOidc {
    pub fn sessione(&self) -> String {
        match self.tipo {
            Tipo::Spid => format!("spid:{}", self.id),
            Tipo::Cie => "cie".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_hash() {
        // Computed independently (Python's hashlib): base64url of the first 16 bytes of SHA-256.
        assert_eq!(
            at_hash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNiSmhS8WbGRNLgVjO3M").as_deref(),
            Some("ubbVu4m8Xf9wnosw81fHAg")
        );
        assert_eq!(at_hash("RS512", "abc").expect("RS512").len(), 43, "32 of SHA-512's 64 bytes");
        assert!(at_hash("none", "abc").is_none());
        assert!(at_hash("HS256", "abc").is_none());
    }

    #[test]
    fn fiscal_number_must_be_a_persons_code_with_the_prefix() {
        assert_eq!(codice_fiscale_di("TINIT-RSSMRA70A01H501S").as_deref(), Some("RSSMRA70A01H501S"));
        assert!(codice_fiscale_di("RSSMRA70A01H501S").is_none(), "the TINIT- prefix is required");
        assert!(codice_fiscale_di("TINIT-80012345678").is_none(), "an Ente's code is no person");
        assert!(codice_fiscale_di("TINIT-RSSMRA70A01H501X").is_none(), "wrong check character");
    }
}
