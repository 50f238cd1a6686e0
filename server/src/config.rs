//! Configuration: environment variables first, then an optional file of `KEY=VALUE` lines (the same
//! keys), then defaults. The ecosystem's own names are used where they exist.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://cassetto.db";

/// `Debug` shows the keys only: values may be credentials (`DATABASE_URL`, `CASSETTO_SMTP_URL`, tokens).
#[derive(Default)]
pub struct Config {
    file: HashMap<String, String>,
    /// The file the settings were read from, when there was one (said at start: a setting from a file found by
    /// chance in the working directory must not pass unnoticed).
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut keys: Vec<&String> = self.file.keys().collect();
        keys.sort();
        f.debug_struct("Config").field("file_keys", &keys).finish()
    }
}

impl Config {
    /// Reads `path` when given (it must exist then), else `cassetto.env` in the working directory if present.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let (text, path) = match path {
            Some(p) => (
                std::fs::read_to_string(p).with_context(|| format!("reading config file {}", p.display()))?,
                Some(p.to_path_buf()),
            ),
            None => match std::fs::read_to_string("cassetto.env") {
                Ok(text) => (text, Some(std::path::PathBuf::from("./cassetto.env"))),
                Err(_) => (String::new(), None),
            },
        };
        let file = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
            .collect();
        Ok(Config { file, path })
    }

    /// Where the value of `key` comes from: `"environment"`, the file's path, or `None` when unset.
    pub fn origin(&self, key: &str) -> Option<String> {
        if std::env::var(key).ok().is_some_and(|v| !v.is_empty()) {
            Some("environment".to_string())
        } else if self.file.contains_key(key) {
            Some(self.path.as_ref().map_or_else(|| "file".to_string(), |p| p.display().to_string()))
        } else {
            None
        }
    }

    /// The file read, if any.
    pub fn file_path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A configuration from `KEY=VALUE` pairs only (tests): the environment still comes first.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Config {
        Config { file: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), path: None }
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

    /// The keys for secrets at rest: `CASSETTO_KEYS` (the key lines), else the file `CASSETTO_KEY_FILE`, else
    /// `cassetto.key` beside the SQLite database — created with a random key on first use.
    pub fn keys(&self) -> anyhow::Result<app::ssr::keys::Keys> {
        use app::ssr::keys::{Keys, default_key_file};
        if let Some(lines) = self.get("CASSETTO_KEYS") {
            return Keys::parse(&lines).context("in CASSETTO_KEYS");
        }
        let path = self
            .get("CASSETTO_KEY_FILE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| default_key_file(&self.database_url()));
        Keys::load_or_create(&path)
    }
}

/// The variables, for `--help`.
pub const ENV_HELP: &str = "\
Configuration (environment variables, or KEY=VALUE lines in --config FILE / ./cassetto.env):
  DATABASE_URL               sqlite://cassetto.db (default) or postgres://user@host/db
  LEPTOS_SITE_ADDR           address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT           folder of the built site (default target/site)
  CASSETTO_KEY_FILE          the key file (default cassetto.key beside the SQLite file; created, mode 0600)
  CASSETTO_KEYS              the keys themselves instead of a file: `id hex,id hex`, current first
  CASSETTO_DEMO              1: demo mode (second-factor page shows the seeded demo accounts' codes; serve seeds
                             an empty database). Refused with secure cookies or a non-loopback address unless
  CASSETTO_DEMO_PUBLIC       1: also allows demo mode with secure cookies or on a public address
  CASSETTO_INSECURE_COOKIES  1: development only, session cookie without Secure for plain-http localhost
  CASSETTO_LOG_FORMAT        json for structured JSON logs (default: human-readable)
  CASSETTO_SMTP_URL          smtp://[user:pass@]host:port[?tls=required] or smtps://… for e-mail and PEC
  CASSETTO_MAIL_FROM         sender of e-mail; CASSETTO_PEC_FROM, CASSETTO_PEC_PROVIDER for PEC
  CASSETTO_PUBLIC_URL        the site's address as users reach it, for the links in notices
                             (default http://LEPTOS_SITE_ADDR, i.e. http://127.0.0.1:3000)
  CASSETTO_SMS_URL           the SMS gateway's HTTP endpoint (POST, one request per SMS)
  CASSETTO_SMS_PAYLOAD       its JSON body, with {destinatario}, {testo} and {id} (default: to, text, reference)
  CASSETTO_SMS_TOKEN         bearer token for the gateway, if it wants one
  CASSETTO_SPOOL_DIR         private directory (0700) of uploads being imported (default <temp>/cassetto-spool-<uid>)
  RUST_LOG                   log filter (default info)";
