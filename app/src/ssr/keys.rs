//! The keys that protect secrets at rest (docs/security.md, "Secrets at rest"). They live outside the database —
//! in a key file (`CASSETTO_KEY_FILE`, by default `cassetto.key` beside the SQLite file, created with random bytes
//! and mode 0600 on first start) or in `CASSETTO_KEYS` — so that whoever can write the database still cannot forge
//! the audit chain nor read the TOTP secrets.
//!
//! The file holds one key per line, `<id> <64 hex digits>`; `#` starts a comment. The first key is the current one:
//! it signs new audit entries and encrypts TOTP secrets. The others are retired: entries and secrets made with them
//! still verify and decrypt, and the TOTP secrets are re-encrypted with the current key at the next start.
//! Each master key gives one subkey per purpose (HKDF-SHA256 with a purpose label), so no key is used for two jobs.
//!
//! The keys are installed once per process ([`install`]) by the binary at start, and read where they are needed
//! ([`installed`]). A process-wide value rather than a field of the application state: the audit chain is appended
//! inside some twenty transactions across the code, and every one of them would otherwise have to carry the keys.
//! Tests install a random key per test process ([`install_ephemeral`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, bail};
use rand::RngCore;

/// One master key's subkeys. Never printed: `Debug` shows only the id.
struct Subkeys {
    id: String,
    audit: [u8; 32],
    totp: [u8; 32],
}

/// The current key and the retired ones.
pub struct Keys {
    keys: Vec<Subkeys>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        write!(f, "Keys {{ ids: {ids:?}, material: *** }}")
    }
}

fn subkey(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    // 32 bytes from SHA-256's HKDF is far below its output limit: expand cannot fail.
    hkdf::Hkdf::<sha2::Sha256>::new(Some(b"cassetto-keys-v1"), master)
        .expand(purpose.as_bytes(), &mut out)
        .expect("HKDF output of 32 bytes");
    out
}

fn valid_id(id: &str) -> bool {
    (1..=16).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Keys {
    fn from_masters(masters: Vec<(String, [u8; 32])>) -> Keys {
        let keys = masters
            .into_iter()
            .map(|(id, m)| Subkeys { audit: subkey(&m, "audit-chain"), totp: subkey(&m, "totp-secret"), id })
            .collect();
        Keys { keys }
    }

    /// Reads the key lines: `<id> <64 hex>` (also `<id>=<hex>` or `<id>:<hex>`), `#` comments, blank lines;
    /// `CASSETTO_KEYS` may put them on one line separated by commas.
    pub fn parse(text: &str) -> anyhow::Result<Keys> {
        let mut masters: Vec<(String, [u8; 32])> = Vec::new();
        let entries = text.lines().flat_map(|line| line.split('#').next().unwrap_or_default().split(','));
        for (n, line) in entries.enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (id, hex_key) = line
                .split_once([' ', '\t', '=', ':'])
                .with_context(|| format!("key entry {}: expected `<id> <64 hex digits>`", n + 1))?;
            let (id, hex_key) = (id.trim(), hex_key.trim());
            if !valid_id(id) {
                bail!("key entry {}: the id must be 1-16 letters, digits, '-' or '_'", n + 1);
            }
            let bytes = hex::decode(hex_key).ok().filter(|b| b.len() == 32);
            let Some(bytes) = bytes else {
                bail!("key {id}: expected 64 hex digits (32 random bytes)");
            };
            if masters.iter().any(|(other, _)| other == id) {
                bail!("key {id} is listed twice");
            }
            let mut master = [0u8; 32];
            master.copy_from_slice(&bytes);
            masters.push((id.to_string(), master));
        }
        if masters.is_empty() {
            bail!("no key found");
        }
        Ok(Keys::from_masters(masters))
    }

    /// A fresh random key, id `k1`, kept only in memory (tests).
    pub fn ephemeral() -> Keys {
        Keys::from_masters(vec![("k1".into(), random_master())])
    }

    /// Reads the key file at `path`, or, when there is none, creates it with one random key (mode 0600, so
    /// `make run` needs nothing by hand). A file that others may read is refused.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Keys> {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
            Ok(mut file) => {
                let text = new_key_file(&hex::encode(random_master()));
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("writing the new key file {}", path.display()))?;
                tracing::warn!(
                    path = %path.display(),
                    "created a new key file: keep it out of the database's backups and do not lose it \
                     (without it the TOTP secrets cannot be read and the audit chain cannot be verified)"
                );
                Keys::parse(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
                if meta.permissions().mode() & 0o077 != 0 {
                    bail!("the key file {} may be read by others: chmod 600 it", path.display());
                }
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the key file {}", path.display()))?;
                Keys::parse(&text).with_context(|| format!("in the key file {}", path.display()))
            }
            Err(e) => Err(e).with_context(|| format!("creating the key file {}", path.display())),
        }
    }

    /// The id of the current key (stored with what it signs or encrypts).
    pub fn current_id(&self) -> &str {
        &self.keys[0].id
    }

    /// Every key id, current first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    fn find(&self, id: &str) -> Option<&Subkeys> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// The audit chain's HMAC key of key `id`, if that key is known (current or retired).
    pub fn audit_key(&self, id: &str) -> Option<&[u8; 32]> {
        self.find(id).map(|k| &k.audit)
    }

    /// The TOTP secrets' AEAD key of key `id`.
    pub fn totp_key(&self, id: &str) -> Option<&[u8; 32]> {
        self.find(id).map(|k| &k.totp)
    }
}

fn random_master() -> [u8; 32] {
    let mut m = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut m);
    m
}

/// The text of a new key file.
pub fn new_key_file(hex_key: &str) -> String {
    format!(
        "# Cassetto keys: keep this file outside the database and its backups, mode 0600.\n\
         # One key per line, `<id> <64 hex digits>`. The FIRST is current (signs the audit log, encrypts TOTP\n\
         # secrets); the others are retired and only verify and decrypt. To rotate: add a new first line, restart.\n\
         k1 {hex_key}\n"
    )
}

/// Where the keys come from: `CASSETTO_KEYS` (the key lines themselves), else the file `CASSETTO_KEY_FILE`, else
/// `cassetto.key` in the SQLite database's folder (the working directory for PostgreSQL).
pub fn default_key_file(database_url: &str) -> PathBuf {
    let sqlite_path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or_default())
        .filter(|p| !p.is_empty() && !p.contains(":memory:"));
    match sqlite_path.and_then(|p| Path::new(p).parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("cassetto.key"),
        _ => PathBuf::from("cassetto.key"),
    }
}

static INSTALLED: OnceLock<Keys> = OnceLock::new();

/// Makes `keys` the process's keys. Once only: a second call is an error (two key sets in one process would sign
/// one chain with two keys).
pub fn install(keys: Keys) -> anyhow::Result<&'static Keys> {
    let ids: Vec<String> = keys.ids().map(str::to_string).collect();
    INSTALLED.set(keys).map_err(|_| anyhow::anyhow!("keys already installed"))?;
    tracing::info!(current = %ids[0], keys = ?ids, "keys loaded");
    installed()
}

/// Tests: a random key for the whole test process, installed on first call.
pub fn install_ephemeral() -> &'static Keys {
    INSTALLED.get_or_init(Keys::ephemeral)
}

/// The process's keys; an error (never a silent default) when the binary did not load any.
pub fn installed() -> anyhow::Result<&'static Keys> {
    INSTALLED.get().context("no keys loaded (CASSETTO_KEY_FILE / CASSETTO_KEYS): secrets cannot be read or written")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_derives_distinct_subkeys() {
        let a = "11".repeat(32);
        let b = "22".repeat(32);
        let keys =
            Keys::parse(&format!("# a comment, with commas\nk2 {a}\n\nk1={b} # retired, kept\n")).expect("parse");
        assert!(Keys::parse(&new_key_file(&a)).is_ok(), "a new key file reads back");
        assert_eq!(keys.current_id(), "k2");
        assert_eq!(keys.ids().collect::<Vec<_>>(), ["k2", "k1"]);
        assert_ne!(keys.audit_key("k2"), keys.totp_key("k2"));
        assert_ne!(keys.audit_key("k2"), keys.audit_key("k1"));
        assert!(keys.audit_key("k3").is_none());
        let env = Keys::parse(&format!("k2:{a},k1:{b}")).expect("env form");
        assert_eq!(env.audit_key("k1"), keys.audit_key("k1"));
        assert!(!format!("{keys:?}").contains(&a[..8]));
        assert!(Keys::parse("").is_err());
        assert!(Keys::parse("k1 abcd").is_err());
        assert!(Keys::parse(&format!("k1 {a}\nk1 {b}")).is_err());
    }

    #[test]
    fn default_file_sits_beside_the_sqlite_database() {
        assert_eq!(default_key_file("sqlite://cassetto.db"), PathBuf::from("cassetto.key"));
        assert_eq!(default_key_file("sqlite:///var/lib/c/x.db?mode=rwc"), PathBuf::from("/var/lib/c/cassetto.key"));
        assert_eq!(default_key_file("postgres://u@h/db"), PathBuf::from("cassetto.key"));
    }
}
