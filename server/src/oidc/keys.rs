//! The relying party's own keys: a private JWKS in a file (mode 0600) holding RSA pairs, each `use: sig`
//! (RS256: the request object and the client assertion) or `use: enc` (RSA-OAEP-256: the providers encrypt the
//! userinfo to it). The first key of each use is the current one; older ones stay after a rotation so that
//! what a provider made with its cached copy of our JWKS still verifies or decrypts. Served public at
//! `/oidc/jwks.json`, without a single private parameter.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use josekit::jwe::{JweDecrypter, RSA_OAEP_256};
use josekit::jwk::Jwk;
use josekit::jws::{JwsSigner, RS256};
use sha2::{Digest, Sha256};

/// The RSA modulus size of new keys (the guidelines advise 4096; at least 2048).
pub const DEFAULT_BITS: u32 = 4096;
const MIN_BITS: u32 = 2048;

pub struct RpKeys {
    keys: Vec<Jwk>,
}

impl std::fmt::Debug for RpKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<&str> = self.keys.iter().filter_map(Jwk::key_id).collect();
        f.debug_struct("RpKeys").field("kids", &kids).finish()
    }
}

/// A new RSA pair for `key_use` (`sig` or `enc`), its `kid` the RFC 7638 thumbprint of its public part.
fn new_key(bits: u32, key_use: &str) -> anyhow::Result<Jwk> {
    if bits < MIN_BITS {
        bail!("RSA keys of at least {MIN_BITS} bits");
    }
    let mut jwk = Jwk::generate_rsa_key(bits).context("generating an RSA key")?;
    jwk.set_key_use(key_use);
    jwk.set_algorithm(if key_use == "sig" { "RS256" } else { "RSA-OAEP-256" });
    jwk.set_key_id(thumbprint(&jwk)?);
    Ok(jwk)
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, without whitespace, base64url.
fn thumbprint(jwk: &Jwk) -> anyhow::Result<String> {
    let member = |name: &str| -> anyhow::Result<String> {
        jwk.parameter(name)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .with_context(|| format!("RSA key without {name}"))
    };
    let canonical = format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, member("e")?, member("n")?);
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

impl RpKeys {
    /// A signing and an encryption pair.
    pub fn generate(bits: u32) -> anyhow::Result<RpKeys> {
        Ok(RpKeys { keys: vec![new_key(bits, "sig")?, new_key(bits, "enc")?] })
    }

    /// New current pairs before the old ones (which keep verifying and decrypting until dropped by hand).
    pub fn rotated(&self, bits: u32) -> anyhow::Result<RpKeys> {
        let mut keys = RpKeys::generate(bits)?.keys;
        keys.extend(self.keys.iter().cloned());
        Ok(RpKeys { keys })
    }

    pub fn parse(text: &str) -> anyhow::Result<RpKeys> {
        let set: serde_json::Value = serde_json::from_str(text).context("the key file is not JSON")?;
        let keys = set
            .get("keys")
            .and_then(|k| k.as_array())
            .context("the key file has no \"keys\" array")?
            .iter()
            .map(|k| {
                let map = k.as_object().cloned().context("a key is not a JSON object")?;
                Jwk::from_map(map).context("a key is not a valid JWK")
            })
            .collect::<anyhow::Result<Vec<Jwk>>>()?;
        let keys = RpKeys { keys };
        for key_use in ["sig", "enc"] {
            let key = keys.current(key_use)?;
            if key.parameter("d").is_none() {
                bail!("the current {key_use} key has no private part");
            }
        }
        Ok(keys)
    }

    /// Reads the key file, refusing one that others may read.
    pub fn load(path: &Path) -> anyhow::Result<RpKeys> {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        if meta.permissions().mode() & 0o077 != 0 {
            bail!("{} can be read by others: make it private (chmod 600)", path.display());
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        RpKeys::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Writes the private JWKS, mode 0600, never over an existing file unless `overwrite`.
    pub fn save(&self, path: &Path, overwrite: bool) -> anyhow::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let text = serde_json::to_string_pretty(&self.private_jwks())?;
        if overwrite {
            let _ = std::fs::remove_file(path);
        }
        let mut file =
            std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).with_context(|| {
                format!("{} exists already (--forza replaces it) or cannot be written", path.display())
            })?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(())
    }

    fn current(&self, key_use: &str) -> anyhow::Result<&Jwk> {
        self.keys.iter().find(|k| k.key_use() == Some(key_use)).with_context(|| format!("no {key_use} key"))
    }

    fn private_jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": self.keys.iter().map(|k| serde_json::Value::Object(k.as_ref().clone())).collect::<Vec<_>>() })
    }

    /// The public parts only, as `/oidc/jwks.json` serves them.
    pub fn public_jwks(&self) -> anyhow::Result<serde_json::Value> {
        let keys = self
            .keys
            .iter()
            .map(|k| {
                // josekit's public key keeps `use` only: the providers pick our keys by `kid` and `alg`.
                let mut public = k.to_public_key()?;
                if let Some(kid) = k.key_id() {
                    public.set_key_id(kid);
                }
                if let Some(alg) = k.algorithm() {
                    public.set_algorithm(alg);
                }
                Ok(serde_json::Value::Object(public.as_ref().clone()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// The current signing key's signer (RS256) and its `kid`.
    pub fn signer(&self) -> anyhow::Result<(Box<dyn JwsSigner>, String)> {
        let key = self.current("sig")?;
        let kid = key.key_id().context("signing key without kid")?.to_string();
        Ok((Box::new(RS256.signer_from_jwk(key)?), kid))
    }

    /// A decrypter for every encryption key, by `kid` (RSA-OAEP-256).
    pub fn decrypters(&self) -> anyhow::Result<Vec<(String, Box<dyn JweDecrypter>)>> {
        self.keys
            .iter()
            .filter(|k| k.key_use() == Some("enc"))
            .map(|k| {
                let kid = k.key_id().unwrap_or_default().to_string();
                Ok((kid, Box::new(RSA_OAEP_256.decrypter_from_jwk(k)?) as Box<dyn JweDecrypter>))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_round_trip_and_publish_no_private_part() {
        let keys = RpKeys::generate(2048).expect("keys");
        let public = keys.public_jwks().expect("public");
        let text = public.to_string();
        for private in ["\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""] {
            assert!(!text.contains(private), "public JWKS holds {private}: {text}");
        }
        let kids: Vec<&str> =
            public["keys"].as_array().expect("keys").iter().filter_map(|k| k["kid"].as_str()).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[0].len(), 43, "a SHA-256 thumbprint in base64url");
        let again = RpKeys::parse(&keys.private_jwks().to_string()).expect("parse");
        assert_eq!(again.public_jwks().expect("public"), public);
    }

    #[test]
    fn key_file_is_private_and_never_overwritten_unasked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cassetto-oidc-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("oidc-keys.json");
        let _ = std::fs::remove_file(&path);
        let keys = RpKeys::generate(2048).expect("keys");
        keys.save(&path, false).expect("save");
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        assert!(keys.save(&path, false).is_err(), "an existing key file is kept");
        RpKeys::load(&path).expect("load");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(RpKeys::load(&path).is_err(), "a key file others can read is refused");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
