//! The doors of `/accesso` and the identity providers, from configuration (README, "SPID e CIE").

use std::path::PathBuf;

use anyhow::{Context, bail};
use app::ssr::ctx::{Accesso, Fornitore, PortaPassword};

use crate::config::Config;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tipo {
    Spid,
    Cie,
}

/// A provider as the protocol needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FornitoreOidc {
    pub id: String,
    pub tipo: Tipo,
    /// The provider's issuer URL: its metadata is at `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
}

/// The doors (`CASSETTO_ACCESSO`) and the providers configured for them.
#[derive(Debug)]
pub struct Porte {
    pub accesso: Accesso,
    pub fornitori: Vec<FornitoreOidc>,
    /// 2 (default) or 3.
    pub livello_minimo: u8,
}

/// An address a provider or the relying party may have: https, or plain http on a loopback host (a test or a
/// developer's machine).
fn check_url(key: &str, url: &str) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/').to_string();
    let (scheme, rest) = url.split_once("://").with_context(|| format!("{key} must be an absolute URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Without the port (`host:2530`, `[::1]:2530`), and without an IPv6 address's brackets.
    let host = authority
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(authority, |(host, _)| host)
        .trim_matches(['[', ']']);
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" if !host.is_empty() => Ok(url),
        "http" if loopback => Ok(url),
        _ => bail!("{key} must be an https URL (plain http only on a loopback address): {url}"),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl Porte {
    pub fn from_config(config: &Config) -> anyhow::Result<Porte> {
        let doors = config.get("CASSETTO_ACCESSO").unwrap_or_else(|| "password".to_string());
        let doors: Vec<String> = doors.split(',').map(|d| d.trim().to_lowercase()).filter(|d| !d.is_empty()).collect();
        if let Some(bad) = doors.iter().find(|d| !matches!(d.as_str(), "password" | "personale" | "spid" | "cie")) {
            bail!("CASSETTO_ACCESSO: unknown door {bad:?} (password, personale, spid, cie)");
        }
        let open = |d: &str| doors.iter().any(|x| x == d);
        let password = if open("password") {
            PortaPassword::Tutti
        } else if open("personale") {
            PortaPassword::SoloPersonale
        } else {
            PortaPassword::Chiusa
        };
        let mut accesso = Accesso { password, spid: Vec::new(), cie: None };
        let mut fornitori = Vec::new();
        if open("spid") {
            let ids = config
                .get("CASSETTO_SPID_FORNITORI")
                .context("CASSETTO_ACCESSO has spid: set CASSETTO_SPID_FORNITORI")?;
            for id in ids.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                if !valid_id(id) || id == "cie" {
                    bail!("CASSETTO_SPID_FORNITORI: {id:?} is not an id ([a-z0-9]{{1,32}}, not \"cie\")");
                }
                let key = |k: &str| format!("CASSETTO_SPID_{}_{k}", id.to_uppercase());
                let issuer = config.get(&key("ISSUER")).with_context(|| format!("set {}", key("ISSUER")))?;
                let issuer = check_url(&key("ISSUER"), &issuer)?;
                let nome = config.get(&key("NOME")).unwrap_or_else(|| id.to_string());
                accesso.spid.push(Fornitore { id: id.to_string(), nome, logo: config.get(&key("LOGO")) });
                fornitori.push(FornitoreOidc { id: id.to_string(), tipo: Tipo::Spid, issuer });
            }
            if fornitori.is_empty() {
                bail!("CASSETTO_SPID_FORNITORI names no provider");
            }
        }
        if open("cie") {
            let issuer =
                config.get("CASSETTO_CIE_ISSUER").context("CASSETTO_ACCESSO has cie: set CASSETTO_CIE_ISSUER")?;
            let issuer = check_url("CASSETTO_CIE_ISSUER", &issuer)?;
            let nome = config.get("CASSETTO_CIE_NOME").unwrap_or_else(|| "CIE id".to_string());
            accesso.cie = Some(Fornitore { id: "cie".into(), nome, logo: config.get("CASSETTO_CIE_LOGO") });
            fornitori.push(FornitoreOidc { id: "cie".into(), tipo: Tipo::Cie, issuer });
        }
        // Two providers behind one issuer would let one answer for the other (mix-up).
        for (i, f) in fornitori.iter().enumerate() {
            if fornitori[..i].iter().any(|g| g.issuer == f.issuer) {
                bail!("two providers with the issuer {}", f.issuer);
            }
        }
        if password == PortaPassword::Chiusa && fornitori.is_empty() {
            bail!("CASSETTO_ACCESSO opens no door");
        }
        let livello_minimo = match config.get("CASSETTO_OIDC_LIVELLO").as_deref() {
            None | Some("2") => 2,
            Some("3") => 3,
            Some(other) => bail!("CASSETTO_OIDC_LIVELLO must be 2 or 3, not {other}"),
        };
        Ok(Porte { accesso, fornitori, livello_minimo })
    }
}

/// The relying party, when a provider door is open: our identity (`CASSETTO_OIDC_CLIENT_ID`, default the public
/// address) and keys (`CASSETTO_OIDC_KEY_FILE`, default `oidc-keys.json` beside the SQLite file). Demo mode
/// makes the key file when it is missing; otherwise a missing file stops the start, naming the command.
pub fn relying_party(
    config: &Config,
    porte: &Porte,
    public_url: &str,
    secure_cookies: bool,
    demo: bool,
) -> anyhow::Result<Option<super::Rp>> {
    if porte.fornitori.is_empty() {
        return Ok(None);
    }
    let public_url = check_url("CASSETTO_PUBLIC_URL", public_url)?;
    let client_id = match config.get("CASSETTO_OIDC_CLIENT_ID") {
        Some(id) => check_url("CASSETTO_OIDC_CLIENT_ID", &id)?,
        None => public_url.clone(),
    };
    let path = config
        .get("CASSETTO_OIDC_KEY_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| app::ssr::keys::default_key_file(&config.database_url()).with_file_name("oidc-keys.json"));
    if !path.exists() {
        if !demo {
            bail!(
                "SPID/CIE are open but the relying party's key file {} does not exist: create it with \
                 `cassetto oidc-keys genera {}` and register /oidc/jwks.json with the providers",
                path.display(),
                path.display()
            );
        }
        tracing::info!(file = %path.display(), "demo mode: creating the relying party's keys");
        super::keys::RpKeys::generate(super::keys::DEFAULT_BITS.min(2048))?.save(&path, false)?;
    }
    let keys = super::keys::RpKeys::load(&path)?;
    Ok(Some(super::Rp::new(
        client_id,
        public_url,
        keys,
        porte.fornitori.clone(),
        porte.livello_minimo,
        secure_cookies,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doors_and_providers_from_configuration() {
        let config = Config::from_pairs(&[
            ("CASSETTO_ACCESSO", "personale,spid,cie"),
            ("CASSETTO_SPID_FORNITORI", "demo1,demo2"),
            ("CASSETTO_SPID_DEMO1_ISSUER", "http://127.0.0.1:2530/"),
            ("CASSETTO_SPID_DEMO1_NOME", "IdP Demo 1"),
            ("CASSETTO_SPID_DEMO2_ISSUER", "https://idp.example.it"),
            ("CASSETTO_CIE_ISSUER", "https://cie.example.it/oidc/op"),
        ]);
        let porte = Porte::from_config(&config).expect("configuration");
        assert_eq!(porte.accesso.password, PortaPassword::SoloPersonale);
        assert_eq!(porte.accesso.spid.iter().map(|f| f.nome.as_str()).collect::<Vec<_>>(), ["IdP Demo 1", "demo2"]);
        assert_eq!(porte.accesso.cie.as_ref().map(|c| c.nome.as_str()), Some("CIE id"));
        assert_eq!(porte.fornitori[0].issuer, "http://127.0.0.1:2530", "the trailing slash goes");
        assert_eq!(porte.livello_minimo, 2);
    }

    #[test]
    fn refuses_what_would_be_unsafe() {
        let refused = |pairs: &[(&str, &str)]| Porte::from_config(&Config::from_pairs(pairs)).is_err();
        // Plain http to a host that is not loopback (a loopback one, IPv4 or IPv6, is a test's or a developer's).
        let loopback = |issuer: &str| {
            Porte::from_config(&Config::from_pairs(&[
                ("CASSETTO_ACCESSO", "spid"),
                ("CASSETTO_SPID_FORNITORI", "a"),
                ("CASSETTO_SPID_A_ISSUER", issuer),
            ]))
            .is_ok()
        };
        assert!(loopback("http://127.0.0.1:2530") && loopback("http://[::1]:2530") && loopback("http://localhost"));
        assert!(refused(&[
            ("CASSETTO_ACCESSO", "spid"),
            ("CASSETTO_SPID_FORNITORI", "a"),
            ("CASSETTO_SPID_A_ISSUER", "http://idp.example.it")
        ]));
        // Two ids with one issuer (mix-up).
        assert!(refused(&[
            ("CASSETTO_ACCESSO", "spid"),
            ("CASSETTO_SPID_FORNITORI", "a,b"),
            ("CASSETTO_SPID_A_ISSUER", "https://idp.example.it"),
            ("CASSETTO_SPID_B_ISSUER", "https://idp.example.it/")
        ]));
        // An id that could not be a path segment of ours, an unknown door, a level below 2.
        assert!(refused(&[("CASSETTO_ACCESSO", "spid"), ("CASSETTO_SPID_FORNITORI", "../x")]));
        assert!(refused(&[("CASSETTO_ACCESSO", "password,ldap")]));
        assert!(refused(&[("CASSETTO_OIDC_LIVELLO", "1")]));
        // No door at all.
        assert!(refused(&[("CASSETTO_ACCESSO", ",")]));
    }
}
