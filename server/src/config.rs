//! Configuration: environment variables first, then an optional file of `KEY=VALUE` lines (the same
//! keys), then defaults. The ecosystem's own names are used where they exist.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://cassetto.db";

#[derive(Debug, Default)]
pub struct Config {
    file: HashMap<String, String>,
}

impl Config {
    /// Reads `path` when given (it must exist then), else `cassetto.env` in the working directory if present.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let text = match path {
            Some(p) => std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?,
            None => std::fs::read_to_string("cassetto.env").unwrap_or_default(),
        };
        let file = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
            .collect();
        Ok(Config { file })
    }

    pub fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty()).or_else(|| self.file.get(key).cloned())
    }

    pub fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes" | "on"))
    }

    pub fn database_url(&self) -> String {
        self.get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string())
    }
}

/// The variables, for `--help`.
pub const ENV_HELP: &str = "\
Configuration (environment variables, or KEY=VALUE lines in --config FILE / ./cassetto.env):
  DATABASE_URL               sqlite://cassetto.db (default) or postgres://user@host/db
  LEPTOS_SITE_ADDR           address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT           folder of the built site (default target/site)
  CASSETTO_DEMO              1: demo mode (second-factor page shows demo codes; serve seeds an empty database)
  CASSETTO_INSECURE_COOKIES  1: development only, session cookie without Secure for plain-http localhost
  CASSETTO_LOG_FORMAT        json for structured JSON logs (default: human-readable)
  CASSETTO_SMTP_URL          smtp://[user:pass@]host:port[?tls=required] or smtps://… for e-mail and PEC
  CASSETTO_MAIL_FROM         sender of e-mail; CASSETTO_PEC_FROM, CASSETTO_PEC_PROVIDER for PEC
  CASSETTO_SMS_URL           the SMS gateway's HTTP endpoint (POST, one request per SMS)
  CASSETTO_SMS_PAYLOAD       its JSON body, with {destinatario}, {testo} and {id} (default: to, text, reference)
  CASSETTO_SMS_TOKEN         bearer token for the gateway, if it wants one
  RUST_LOG                   log filter (default info)";
