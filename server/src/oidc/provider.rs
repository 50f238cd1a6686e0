//! What we learn from a provider over HTTP: its metadata (discovery) and its keys (JWKS), each cached; and the
//! plain requests of the flow. Every request has a short timeout, follows no redirect and reads at most
//! `MAX_BODY` bytes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use josekit::jwk::JwkSet;
use josekit::jws::JwsVerifier;
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::config::FornitoreOidc;

const TIMEOUT: Duration = Duration::from_secs(5);
const MAX_BODY: usize = 256 * 1024;
/// How long a provider's metadata is trusted before it is read again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// How long its keys are; and the least time between two readings forced by an unknown `kid`.
const JWKS_TTL: Duration = Duration::from_secs(3600);
const JWKS_REFETCH_MIN: Duration = Duration::from_secs(60);
/// The signature algorithms accepted from a provider (RSA keys; never `none` nor HMAC).
const ALGS: [&str; 4] = ["RS256", "RS512", "PS256", "PS512"];

/// The metadata fields the flow uses.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Metadati {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    code_challenge_methods_supported: Option<Vec<String>>,
    request_parameter_supported: Option<bool>,
}

impl Metadati {
    /// The provider is the one configured and speaks the profile's dialect.
    fn check(&self, fornitore: &FornitoreOidc) -> anyhow::Result<()> {
        if self.issuer != fornitore.issuer {
            bail!("the metadata's issuer {} is not the configured {}", self.issuer, fornitore.issuer);
        }
        if self
            .token_endpoint_auth_methods_supported
            .as_ref()
            .is_some_and(|m| !m.iter().any(|m| m == "private_key_jwt"))
        {
            bail!("the provider does not offer private_key_jwt");
        }
        if self.code_challenge_methods_supported.as_ref().is_some_and(|m| !m.iter().any(|m| m == "S256")) {
            bail!("the provider does not offer PKCE S256");
        }
        if self.request_parameter_supported == Some(false) {
            bail!("the provider does not accept request objects");
        }
        Ok(())
    }
}

pub struct Cache {
    http: reqwest::Client,
    metadati: Mutex<HashMap<String, (Instant, Metadati)>>,
    jwks: Mutex<HashMap<String, (Instant, JwkSet)>>,
}

impl Cache {
    pub fn new() -> anyhow::Result<Cache> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Cassetto previdenziale (relying party)")
            .build()?;
        Ok(Cache { http, metadati: Mutex::new(HashMap::new()), jwks: Mutex::new(HashMap::new()) })
    }

    async fn read(&self, res: reqwest::Response) -> anyhow::Result<Vec<u8>> {
        let status = res.status();
        let mut res = res;
        let mut body = Vec::new();
        while let Some(chunk) = res.chunk().await? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BODY {
                bail!("answer larger than {MAX_BODY} bytes");
            }
        }
        if !status.is_success() {
            let text: String = String::from_utf8_lossy(&body).chars().filter(|c| !c.is_control()).take(200).collect();
            bail!("HTTP {status}: {text}");
        }
        Ok(body)
    }

    pub async fn get_json(&self, url: &str) -> anyhow::Result<Value> {
        let res = self.http.get(url).header("Accept", "application/json").send().await?;
        Ok(serde_json::from_slice(&self.read(res).await?)?)
    }

    pub async fn post_form(&self, url: &str, form: &[(&str, &str)]) -> anyhow::Result<Vec<u8>> {
        let res = self.http.post(url).form(form).send().await?;
        self.read(res).await
    }

    pub async fn get_bearer(&self, url: &str, token: &str) -> anyhow::Result<Vec<u8>> {
        let res = self.http.get(url).bearer_auth(token).send().await?;
        self.read(res).await
    }

    /// The provider's metadata, from the cache or its discovery document.
    pub async fn metadati(&self, fornitore: &FornitoreOidc) -> anyhow::Result<Metadati> {
        if let Some((at, meta)) = self.metadati.lock().await.get(&fornitore.issuer)
            && at.elapsed() < METADATA_TTL
        {
            return Ok(meta.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", fornitore.issuer.trim_end_matches('/'));
        let meta: Metadati = serde_json::from_value(self.get_json(&url).await.context("discovery")?)
            .context("the discovery document lacks a field the flow needs")?;
        meta.check(fornitore)?;
        self.metadati.lock().await.insert(fornitore.issuer.clone(), (Instant::now(), meta.clone()));
        Ok(meta)
    }

    /// The provider's keys; read again when `kid` is not among them (a rotation), at most once a minute.
    async fn keys(&self, meta: &Metadati, kid: Option<&str>) -> anyhow::Result<JwkSet> {
        let cached = self.jwks.lock().await.get(&meta.issuer).cloned();
        let knows = |set: &JwkSet| kid.is_none_or(|k| !set.get(k).is_empty());
        if let Some((at, set)) = &cached {
            let fresh = at.elapsed() < JWKS_TTL;
            if fresh && (knows(set) || at.elapsed() < JWKS_REFETCH_MIN) {
                return Ok(set.clone());
            }
        }
        let value = self.get_json(&meta.jwks_uri).await.context("the provider's JWKS")?;
        let Value::Object(map) = value else { bail!("the provider's JWKS is not an object") };
        let set = JwkSet::from_map(map)?;
        self.jwks.lock().await.insert(meta.issuer.clone(), (Instant::now(), set.clone()));
        Ok(set)
    }

    /// Verifies a compact JWS of the provider against its published keys; returns its claims and algorithm.
    pub async fn verifica_jws(&self, meta: &Metadati, jws: &str) -> anyhow::Result<(Map<String, Value>, String)> {
        let header = josekit::jwt::decode_header(jws).context("not a JWS")?;
        let alg = header.claim("alg").and_then(Value::as_str).unwrap_or_default().to_string();
        if !ALGS.contains(&alg.as_str()) {
            bail!("algorithm {alg:?} not accepted");
        }
        let kid = header.claim("kid").and_then(Value::as_str).map(str::to_string);
        let set = self.keys(meta, kid.as_deref()).await?;
        let candidates: Vec<&josekit::jwk::Jwk> = match kid.as_deref() {
            Some(k) => set.get(k),
            None => set.keys(),
        };
        let verifiers: Vec<Box<dyn JwsVerifier>> = candidates
            .into_iter()
            .filter(|k| k.key_type() == "RSA" && k.key_use().is_none_or(|u| u == "sig"))
            .filter(|k| k.algorithm().is_none_or(|a| a == alg))
            .filter_map(|k| verifier(&alg, k))
            .collect();
        if verifiers.is_empty() {
            bail!("no key of the provider for kid {:?}", kid.unwrap_or_default());
        }
        let mut last = None;
        for v in &verifiers {
            match josekit::jwt::decode_with_verifier(jws, v.as_ref()) {
                Ok((payload, _)) => return Ok((payload.claims_set().clone(), alg)),
                Err(e) => last = Some(e),
            }
        }
        Err(anyhow::anyhow!("signature not valid: {}", last.map(|e| e.to_string()).unwrap_or_default()))
    }
}

fn verifier(alg: &str, key: &josekit::jwk::Jwk) -> Option<Box<dyn JwsVerifier>> {
    use josekit::jws::{PS256, PS512, RS256, RS512};
    let v: Box<dyn JwsVerifier> = match alg {
        "RS256" => Box::new(RS256.verifier_from_jwk(key).ok()?),
        "RS512" => Box::new(RS512.verifier_from_jwk(key).ok()?),
        "PS256" => Box::new(PS256.verifier_from_jwk(key).ok()?),
        "PS512" => Box::new(PS512.verifier_from_jwk(key).ok()?),
        _ => return None,
    };
    Some(v)
}
